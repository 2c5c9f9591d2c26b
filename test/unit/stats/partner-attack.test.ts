// Item 3 of issue 10: the partner files attacked. Random schemes (5 to 30 areas of very different sizes,
// many small counts, some areas joining in the middle of a month) publish a series of closed periods; an
// attacker written apart from the publishing code (attacker.ts) reads the partner files' bytes, the
// disclosure records and the daily national files of the join days, and solves for every count it is not
// shown. It must not narrow a hidden one below a range of 5, nor one of a row left out below 5 or what
// the national figures alone allow (issue 18).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closesOn } from '../../../shared/stats/model/closed-periods.ts';
import { attack } from './attacker.ts';
import { dailyNationalFiles, partnerFiles, publishSeries, randomScheme } from './schemes.ts';

const threshold = 5;

/** Every count shown in the area files: 0 or at least 5 (hidden ones are `..`). */
function shownCounts(files: ReadonlyMap<string, string>): number[] {
  return (
    [...files]
      .filter(([name]) => /^partner\/(areas|age-groups)\//.test(name))
      // Both kinds of file have three columns before the counts (period, area and name or age group).
      .flatMap(([, body]) =>
        body
          .split('\n')
          .slice(1, -1)
          .flatMap((line) => line.split(',').slice(3))
          .filter((cell) => cell !== '..')
          .map(Number),
      )
  );
}

const schemes = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    areas: fc.integer({ min: 5, max: 30 }),
    months: fc.integer({ min: 3, max: 12 }),
    activity: fc.constantFrom(0.3, 1, 3),
    lateJoins: fc.integer({ min: 0, max: 2 }),
    // All periods closed so far published in one snapshot (a first publication), or one at a time.
    batch: fc.boolean(),
  })
  // A whole year of 30 areas takes the attacker half a minute: years go with smaller schemes here.
  .filter((scheme) => scheme.areas * scheme.months <= 180);

describe('an attacker with every partner file', () => {
  it('narrows no hidden count below a range of 5 (property)', async () => {
    await fc.assert(
      fc.asyncProperty(schemes, async (options) => {
        const scheme = randomScheme(options.seed, { ...options, firstMonth: '2024-01' });
        const closings = [...new Set([...scheme.months.keys()].map(closesOn))];
        const dates = options.batch ? [closings.at(-1)!] : closings;
        const series = await publishSeries(scheme, dates);
        const files = partnerFiles(series.at(-1)!.snapshot);
        expect(shownCounts(files).every((value) => value === 0 || value >= threshold)).toBe(true);
        const result = await attack(files, threshold, {
          joined: scheme.joined,
          dailyNational: dailyNationalFiles(scheme),
        });
        expect(result.narrowed).toEqual([]);
      }),
      { numRuns: 20, seed: 20_261_201, endOnFailure: true },
    );
  }, 1_200_000);

  it('finds a count exposed when the files are altered to show one (the attacker works)', async () => {
    const scheme = randomScheme(11, { areas: 6, firstMonth: '2024-01', months: 1 });
    const [published] = await publishSeries(scheme, [closesOn('2024-01')]);
    const files = new Map(partnerFiles(published!.snapshot));
    const name = 'partner/areas/2024-01.csv';
    const [header, ...rows] = files.get(name)!.split('\n');
    // Every hidden count of the first row with one exception put back: the rows' sums give it away.
    const first = rows[0]!.split(',');
    const hiddenAt = first.map((cell, at) => (cell === '..' ? at : -1)).filter((at) => at >= 0);
    expect(hiddenAt.length).toBeGreaterThan(0);
    const exact = scheme.months.get('2024-01')!.get(first[1]!)!.counts;
    const columns = header!.split(',');
    for (const at of hiddenAt.slice(1)) first[at] = String(exact[columns[at] as keyof typeof exact]);
    // And every other area's count in the kept hidden cell's column, so the column sum gives it away.
    const column = hiddenAt[0]!;
    const altered = rows.map((line, index) => {
      if (index === 0) return first.join(',');
      if (line === '') return line;
      const cells = line.split(',');
      const counts = scheme.months.get('2024-01')!.get(cells[1]!)!.counts;
      cells[column] = String(counts[columns[column] as keyof typeof counts]);
      return cells.join(',');
    });
    files.set(name, [header, ...altered].join('\n'));
    const result = await attack(files, threshold);
    expect(result.narrowed.map((found) => found.key)).toContain(`A|2024-01|${first[1]}|${columns[column]}`);
  });
});
