// Which day a snapshot covers.
import { addDays, isRealDay, today } from '../../lib/dates.ts';

/** Rejects what the contract does not allow: a day that is not real, or one after today. */
export function checkSnapshotDate(date: string, now: Date): string | undefined {
  if (!isRealDay(date)) return 'must be a real day YYYY-MM-DD';
  if (date > today(now)) return `may not be after today (${today(now)})`;
  return undefined;
}

/** The day the scheduled run covers: the day before the one it was scheduled on (Helsinki). */
export const dayBefore = (instant: Date) => addDays(today(instant), -1);
