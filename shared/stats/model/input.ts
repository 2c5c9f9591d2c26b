// Checks a SnapshotInput and puts it in the one canonical order the files are written in, so that the
// output never depends on the order the counters happened to be read in.
import { isRealDay, nextMonth } from '../../lib/dates.ts';
import type { ClosedPeriodFigures } from './closed-figures.ts';
import {
  type AgeGroupFigures,
  type AreaFigures,
  ageGroups,
  byCodeUnits,
  type ExactTier,
  type Figures,
  type JsonValue,
  type MonthlyUses,
  type Period,
  type PeriodFigures,
  periods,
  sectors,
} from './figures.ts';

export interface SnapshotInput {
  /** Day D, `YYYY-MM-DD` (Europe/Helsinki). */
  readonly date: string;
  readonly areas: readonly AreaFigures[];
  readonly national: PeriodFigures;
  /** Months without a row between the first one given and D's month are written as zeros. */
  readonly monthly: readonly MonthlyUses[];
  /** Per area; a (period, area, age group) without a row is written as zeros. */
  readonly ageGroups: readonly AgeGroupFigures[];
  /** What the figures were computed from (table, counter versions, ...); copied into the manifest. */
  readonly source: { readonly [key: string]: JsonValue };
  /**
   * Exact figures of the calendar months, quarters and years closed on D (shared/stats/model/closed-periods.ts)
   * by area: partners get those not published before. Without it, none.
   */
  readonly closedPeriods?: readonly ClosedPeriodFigures[];
}

export class SnapshotInputError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`the snapshot input is not consistent: ${problems.slice(0, 10).join('; ')}`);
    this.name = 'SnapshotInputError';
    this.problems = problems;
  }
}

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function checkFigures(figures: Figures, where: string, problems: string[]): void {
  const counts: [string, unknown][] = [
    ['cardsRegistered', figures.cardsRegistered],
    ['cardsActive', figures.cardsActive],
    ['cardsTakenIntoUse', figures.cardsTakenIntoUse],
    ['uses', figures.uses],
    ['adultUses', figures.adultUses],
    ['childUses', figures.childUses],
    ['municipalities', figures.municipalities],
    ...sectors.flatMap((sector): [string, unknown][] => [
      [`bySector.${sector}.adultUses`, figures.bySector?.[sector]?.adultUses],
      [`bySector.${sector}.childUses`, figures.bySector?.[sector]?.childUses],
    ]),
  ];
  const bad = counts.filter(([, value]) => !isCount(value)).map(([name]) => name);
  if (bad.length > 0) {
    problems.push(`${where}: ${bad.join(', ')} must be whole numbers from 0`);
    return;
  }
  // The contract defines these sums; a snapshot that breaks them would also mislead disclosure control.
  const adult = sectors.reduce((sum, sector) => sum + figures.bySector[sector].adultUses, 0);
  const child = sectors.reduce((sum, sector) => sum + figures.bySector[sector].childUses, 0);
  if (figures.uses !== figures.adultUses + figures.childUses)
    problems.push(`${where}: uses is not adultUses + childUses`);
  if (figures.adultUses !== adult) problems.push(`${where}: adultUses is not the sum over sectors`);
  if (figures.childUses !== child) problems.push(`${where}: childUses is not the sum over sectors`);
}

function checkMonth(row: MonthlyUses, lastMonth: string, problems: string[]): void {
  const where = `monthly ${row.month}`;
  if (typeof row.month !== 'string' || !monthPattern.test(row.month) || row.month > lastMonth) {
    problems.push(`${where}: month must be YYYY-MM, not after the snapshot's month`);
    return;
  }
  const counts = [row.adultUses, row.childUses, ...sectors.map((sector) => row.bySector?.[sector])];
  if (!counts.every(isCount)) problems.push(`${where}: counts must be whole numbers from 0`);
  else if (sectors.reduce((sum, sector) => sum + row.bySector[sector], 0) !== row.adultUses + row.childUses)
    problems.push(`${where}: sector uses do not add up to adultUses + childUses`);
}

/** Every month from the first one given to D's month: the contract's "from the first recorded use". */
function fillMonths(rows: readonly MonthlyUses[], lastMonth: string): MonthlyUses[] {
  const byMonth = new Map(rows.map((row) => [row.month, row]));
  const first = [...byMonth.keys()].sort(byCodeUnits)[0];
  if (first === undefined) return [];
  const filled: MonthlyUses[] = [];
  for (let month = first; month <= lastMonth; month = nextMonth(month)) {
    const row = byMonth.get(month);
    filled.push({
      month,
      adultUses: row?.adultUses ?? 0,
      childUses: row?.childUses ?? 0,
      bySector: {
        culture: row?.bySector.culture ?? 0,
        education: row?.bySector.education ?? 0,
        science: row?.bySector.science ?? 0,
        sport: row?.bySector.sport ?? 0,
      },
    });
  }
  return filled;
}

function ageKey(period: string, areaId: string, ageGroup: string): string {
  return `${period}\u0000${areaId}\u0000${ageGroup}`;
}

/** Checks the input (throws SnapshotInputError) and answers the exact figures in canonical order. */
export function prepareInput(input: SnapshotInput): ExactTier {
  const problems: string[] = [];
  if (typeof input.date !== 'string' || !isRealDay(input.date))
    throw new SnapshotInputError([`date ${String(input.date)} is not a real YYYY-MM-DD day`]);
  const lastMonth = input.date.slice(0, 7);
  for (const period of periods) checkFigures(input.national[period], `national ${period}`, problems);

  const areaIds = new Set<string>();
  for (const area of input.areas) {
    if (typeof area.areaId !== 'string' || area.areaId === '' || areaIds.has(area.areaId))
      problems.push(`area ${String(area.areaId)}: ids must be unique and not empty`);
    if (typeof area.areaName !== 'string') problems.push(`area ${area.areaId}: areaName must be text`);
    areaIds.add(area.areaId);
    for (const period of periods)
      checkFigures(area.periods[period], `area ${area.areaId} ${period}`, problems);
  }

  const months = new Set<string>();
  for (const row of input.monthly) {
    if (months.has(row.month)) problems.push(`monthly ${row.month}: the month appears twice`);
    months.add(row.month);
    checkMonth(row, lastMonth, problems);
  }

  const ages = new Map<string, AgeGroupFigures>();
  for (const row of input.ageGroups) {
    const where = `age group ${row.period}/${row.areaId}/${row.ageGroup}`;
    const key = ageKey(row.period, row.areaId, row.ageGroup);
    if (!periods.includes(row.period) || !ageGroups.includes(row.ageGroup) || !areaIds.has(row.areaId))
      problems.push(`${where}: unknown period, age group or area`);
    else if (ages.has(key)) problems.push(`${where}: appears twice`);
    else if (!isCount(row.cardsRegistered) || !isCount(row.uses))
      problems.push(`${where}: counts must be whole numbers from 0`);
    ages.set(key, row);
  }
  if (problems.length > 0) throw new SnapshotInputError(problems);

  const areas = [...input.areas].sort((a, b) => byCodeUnits(a.areaId, b.areaId));
  return {
    date: input.date,
    national: input.national,
    areas,
    monthly: fillMonths(input.monthly, lastMonth),
    ageGroups: periods.flatMap((period: Period) =>
      areas.flatMap((area) =>
        ageGroups.map((ageGroup) => {
          const row = ages.get(ageKey(period, area.areaId, ageGroup));
          return {
            period,
            areaId: area.areaId,
            ageGroup,
            cardsRegistered: row?.cardsRegistered ?? 0,
            uses: row?.uses ?? 0,
          };
        }),
      ),
    ),
  };
}
