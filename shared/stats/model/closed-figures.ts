// The exact figures of closed periods (calendar months, quarters and years), by area: what the partner
// files of a period are made from. Only events count here (registrations, first uses, uses); cards
// active is a state of one day and is not published by period.
import { type AgeGroup, ageGroups, type Sector, sectors } from './figures.ts';

export const monthColumns = [
  'cards_registered',
  'cards_taken_into_use',
  'uses',
  'adult_uses',
  'child_uses',
] as const;
type SectorColumn = `${Sector}_${'adult' | 'child'}_uses`;
export type CountColumn = (typeof monthColumns)[number] | SectorColumn;

/** Columns of partner/areas/P.csv for a quarter or a year, in file order (a month has the first five). */
export const countColumns: readonly CountColumn[] = [
  ...monthColumns,
  ...sectors.flatMap((sector): SectorColumn[] => [`${sector}_adult_uses`, `${sector}_child_uses`]),
];

/** The two counts of partner/age-groups/P.csv. */
export const ageMeasures = ['cards_registered', 'uses'] as const;
export type AgeMeasure = (typeof ageMeasures)[number];

export type Counts = Readonly<Record<CountColumn, number>>;
export type AgeCounts = Readonly<Record<AgeMeasure, number>>;

export interface ClosedAreaFigures {
  readonly areaId: string;
  readonly areaName: string;
  readonly counts: Counts;
}

export interface ClosedAgeFigures extends AgeCounts {
  readonly areaId: string;
  readonly ageGroup: AgeGroup;
}

/**
 * Areas that joined on `day`, after the first day of a month: the daily national files (national.json
 * of every night) give the national figures from that day to the month's end, which bound what those
 * areas (and any that joined later in the month) counted in it.
 */
export interface LateJoin {
  readonly day: string;
  readonly areaIds: readonly string[];
  /** National figures (all areas) from `day` to the month's last day. */
  readonly nationalFrom: Counts;
}

export interface ClosedPeriodFigures {
  /** `YYYY-MM`, `YYYY-Qn` or `YYYY`. */
  readonly period: string;
  /** Months only; absent when no area joined after the month's first day. */
  readonly lateJoins?: readonly LateJoin[];
  readonly areas: readonly ClosedAreaFigures[];
  /** Years only: by area and the holder's age (the period's year minus the birth year). */
  readonly ageGroups: readonly ClosedAgeFigures[];
}

/** The sums inside one row that a reader can rely on: `uses` and the sector split. */
export const rowSums: readonly { total: CountColumn; members: readonly CountColumn[] }[] = [
  { total: 'uses', members: ['adult_uses', 'child_uses'] },
  { total: 'adult_uses', members: sectors.map((sector) => `${sector}_adult_uses` as CountColumn) },
  { total: 'child_uses', members: sectors.map((sector) => `${sector}_child_uses` as CountColumn) },
];

const zeroCounts: Counts = Object.fromEntries(countColumns.map((column) => [column, 0])) as Counts;

function addCounts(a: Counts, b: Counts): Counts {
  return Object.fromEntries(countColumns.map((column) => [column, a[column] + b[column]])) as Counts;
}

/** National figures of a period: the sum over its areas. */
export function nationalCounts(figures: ClosedPeriodFigures): Counts {
  return figures.areas.reduce((total, area) => addCounts(total, area.counts), zeroCounts);
}

export function nationalAgeCounts(figures: ClosedPeriodFigures): Record<AgeGroup, AgeCounts> {
  const totals = Object.fromEntries(
    ageGroups.map((group) => [group, { cards_registered: 0, uses: 0 }]),
  ) as Record<AgeGroup, { cards_registered: number; uses: number }>;
  for (const row of figures.ageGroups) {
    totals[row.ageGroup].cards_registered += row.cards_registered;
    totals[row.ageGroup].uses += row.uses;
  }
  return totals;
}

/** Problems with the figures of one period (empty when they can be published). */
export function closedFiguresProblems(figures: ClosedPeriodFigures): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const area of figures.areas) {
    const where = `${figures.period} ${area.areaId}`;
    if (typeof area.areaId !== 'string' || area.areaId === '' || ids.has(area.areaId))
      problems.push(`${where}: area ids must be unique and not empty`);
    ids.add(area.areaId);
    const bad = countColumns.filter((column) => {
      const value = area.counts[column];
      return !Number.isSafeInteger(value) || value < 0;
    });
    if (bad.length > 0) problems.push(`${where}: ${bad.join(', ')} must be whole numbers from 0`);
    else
      for (const sum of rowSums)
        if (sum.members.reduce((total, member) => total + area.counts[member], 0) !== area.counts[sum.total])
          problems.push(`${where}: ${sum.total} is not the sum of ${sum.members.join(', ')}`);
  }
  for (const row of figures.ageGroups) {
    const counts = [row.cards_registered, row.uses];
    if (!ids.has(row.areaId) || !ageGroups.includes(row.ageGroup))
      problems.push(`${figures.period} age group ${row.areaId}/${row.ageGroup}: unknown area or age group`);
    else if (!counts.every((value) => Number.isSafeInteger(value) && value >= 0))
      problems.push(
        `${figures.period} age group ${row.areaId}/${row.ageGroup}: counts must be whole numbers`,
      );
  }
  return problems;
}
