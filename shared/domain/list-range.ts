// The day range of a list (uses, audit entries). A national list reads one partition per month, and
// empty months cost a request each: a range longer than a year could not be served within the
// function's time, so it is refused rather than left to time out.
import { daysBetween } from '../lib/dates.ts';
import { invalid } from '../lib/errors.ts';

export const nationalRangeDays = 366;

export function checkListRange(range: { from: string; to: string }, national: boolean): void {
  if (range.from > range.to) throw invalid([{ field: 'from', problem: 'must not be after to' }]);
  if (national && daysBetween(range.from, range.to) >= nationalRangeDays)
    throw invalid([
      {
        field: 'from',
        problem: `a national list covers at most ${nationalRangeDays} days; ask for one year at a time`,
      },
    ]);
}
