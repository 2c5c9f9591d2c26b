// Measures what disclosure control costs on simulated schemes: the share of non-zero area counts
// hidden (primary: 1 to 4; all hidden), per kind of file, and the time each closing night's
// protection and audit took. Not a test; the figures in docs/statistics-disclosure.md come from it:
//   node test/unit/stats/measure-disclosure.ts [areas] [activity] [seeds]
import { closesOn } from '../../../shared/stats/model/closed-periods.ts';
import type { PeriodDisclosure } from '../../../shared/stats/model/disclosure.ts';
import { closedFigures, partnerFiles, publishSeries, randomScheme } from './schemes.ts';

const areas = Number(process.argv[2] ?? 20);
const activity = Number(process.argv[3] ?? 1);
const seeds = Number(process.argv[4] ?? 3);

const kinds = ['month', 'quarter', 'year', 'age-groups'] as const;
const kindOf = (period: string) => (/Q/.test(period) ? 'quarter' : period.length === 4 ? 'year' : 'month');
const totals = Object.fromEntries(kinds.map((kind) => [kind, { nonZero: 0, primary: 0, hidden: 0 }]));
const nights: number[] = [];
let leftOut = 0;
let periods = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const scheme = randomScheme(seed, { areas, activity, firstMonth: '2024-01', months: 24 });
  const dates = [...new Set([...scheme.months.keys()].map(closesOn))];
  const series = await publishSeries(scheme, dates);
  for (const { snapshot } of series) nights.push(snapshot.disclosure.audit.millis);
  const files = partnerFiles(series.at(-1)!.snapshot);
  const exact = new Map(closedFigures(scheme, dates.at(-1)!).map((figures) => [figures.period, figures]));
  for (const [name, body] of files) {
    const match = /^partner\/(areas|age-groups)\/(.+)\.csv$/.exec(name);
    if (!match) continue;
    const period = match[2]!;
    const figures = exact.get(period)!;
    // Counts 1 to 4 of the rows published (not of rows left out): what primary suppression hides.
    const rows = body
      .split('\n')
      .slice(1, -1)
      .map((line) => line.split(','));
    for (const row of rows) {
      const values =
        match[1] === 'age-groups'
          ? Object.values(
              figures.ageGroups.find((age) => age.areaId === row[1] && age.ageGroup === row[2])!,
            ).filter((value) => typeof value === 'number')
          : row.slice(3).map((_, at) => {
              const area = figures.areas.find((candidate) => candidate.areaId === row[1])!;
              return Object.values(area.counts)[at]!;
            });
      const kind = match[1] === 'age-groups' ? 'age-groups' : kindOf(period);
      totals[kind]!.primary += (values as number[]).filter((value) => value >= 1 && value <= 4).length;
    }
    const kind =
      match[1] === 'age-groups'
        ? 'age-groups'
        : /Q/.test(period)
          ? 'quarter'
          : period.length === 4
            ? 'year'
            : 'month';
    const cells = body
      .split('\n')
      .slice(1, -1)
      .flatMap((line) => line.split(',').slice(3));
    totals[kind]!.nonZero += cells.filter((cell) => cell !== '0').length;
    totals[kind]!.hidden += cells.filter((cell) => cell === '..').length;
  }
  for (const [name, body] of files)
    if (name.startsWith('partner/disclosure/')) {
      const record = JSON.parse(body) as PeriodDisclosure;
      periods++;
      leftOut += record.leftOut.length;
    }
}
const sorted = [...nights].sort((a, b) => a - b);
const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;
console.log(`${areas} areas, activity ${activity}, ${seeds} schemes of 24 months, ${periods} periods`);
for (const kind of kinds) {
  const { nonZero, primary, hidden } = totals[kind]!;
  console.log(
    `${kind}: ${share(hidden, nonZero)} of ${nonZero} non-zero counts hidden` +
      ` (1 to 4: ${share(primary, nonZero)})`,
  );
}
console.log(`rows left out: ${leftOut}`);
console.log(
  `closing nights: ${sorted.length}, median ${sorted[Math.floor(sorted.length / 2)]} ms, ` +
    `90th percentile ${sorted[Math.floor(sorted.length * 0.9)]} ms, max ${sorted.at(-1)} ms`,
);
