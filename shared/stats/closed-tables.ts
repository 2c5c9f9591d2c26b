// One calendar year of closed-period partner files as a reader sees them: cells (published, hidden, or
// of an area left out) and every sum the reader can rely on. No sum crosses a year (there is no period
// longer than a year), so a year is the unit of the audit.
//
// The sums: a row's parts (uses = adult + child, each the sum of the sectors), each column's areas adding
// up to the exact national figure (national-periods.csv), a quarter's months and a year's quarters, and a
// year's age groups adding up to the area's total and, over the areas, to national-age-groups.csv.

import { type AgeCounts, type AgeMeasure, ageMeasures, type Counts, rowSums } from './closed-figures.ts';
import { columnsOf } from './closed-files.ts';
import { partsOf, periodKind } from './closed-periods.ts';
import { type AgeGroup, ageGroups } from './figures.ts';

export type CellState = 'shown' | 'hidden' | 'leftOut';

export interface CellSource {
  /** Exact, where the publisher knows it (every published value; hidden ones of periods it has figures of). */
  readonly value: number | undefined;
  readonly state: CellState;
}

export interface AreaRowSource {
  readonly areaId: string;
  readonly cells: Readonly<Record<string, CellSource>>;
}

export interface AgeRowSource {
  readonly areaId: string;
  readonly ageGroup: AgeGroup;
  readonly cells: Readonly<Record<AgeMeasure, CellSource>>;
}

/** One closed period: published before (`fresh` false), or being published now. */
export interface PeriodSource {
  readonly period: string;
  readonly fresh: boolean;
  readonly national: Counts;
  readonly areas: readonly AreaRowSource[];
  /** Years only. */
  readonly nationalAges?: Readonly<Record<AgeGroup, AgeCounts>>;
  readonly ages?: readonly AgeRowSource[];
}

export interface ModelCell {
  readonly id: string;
  /** What is left out together (an area's row of one file), or undefined for a national figure. */
  readonly unit: string | undefined;
  readonly value: number | undefined;
  state: CellState;
  /** In a period being published now: its state may still change. */
  readonly fresh: boolean;
}

export interface Sum {
  readonly total: string;
  readonly members: readonly string[];
}

const separator = '\u0000';
export const areaUnit = (period: string, areaId: string) => ['areas', period, areaId].join(separator);
export const ageUnit = (year: string, areaId: string) => ['age-groups', year, areaId].join(separator);
export const areaCellId = (period: string, areaId: string, column: string) =>
  [areaUnit(period, areaId), column].join(separator);
export const ageCellId = (year: string, areaId: string, group: AgeGroup, measure: AgeMeasure) =>
  [ageUnit(year, areaId), group, measure].join(separator);
const nationalId = (period: string, column: string) => ['national', period, column].join(separator);
const nationalAgeId = (year: string, group: AgeGroup, measure: AgeMeasure) =>
  ['national-age-groups', year, group, measure].join(separator);

/** `areas 2025-03 A001 uses`: for messages. */
export function cellLabel(id: string): string {
  return id.split(separator).join(' ');
}

export function unitParts(unit: string): { file: 'areas' | 'age-groups'; period: string; areaId: string } {
  const [file, period, areaId] = unit.split(separator) as ['areas' | 'age-groups', string, string];
  return { file, period, areaId };
}

export class YearModel {
  readonly cells = new Map<string, ModelCell>();
  readonly sums: Sum[] = [];
  readonly periods: readonly string[];

  constructor(periods: readonly PeriodSource[]) {
    this.periods = periods.map((source) => source.period);
    const areaIds = [
      ...new Set(
        periods.flatMap((source) => [
          ...source.areas.map((row) => row.areaId),
          ...(source.ages ?? []).map((row) => row.areaId),
        ]),
      ),
    ];
    for (const source of periods) this.#addPeriod(source, areaIds);
    this.#addTimeSums(periods, areaIds);
  }

  cell(id: string): ModelCell {
    const found = this.cells.get(id);
    if (!found) throw new Error(`no cell ${cellLabel(id)}`);
    return found;
  }

  /** Cells of a unit (an area's row of one file). */
  unitCells(unit: string): ModelCell[] {
    return [...this.cells.values()].filter((cell) => cell.unit === unit);
  }

  #add(id: string, unit: string | undefined, source: CellSource, fresh: boolean): void {
    this.cells.set(id, { id, unit, value: source.value, state: source.state, fresh });
  }

  /** A sum is kept only where the figures known satisfy it: one that does not hold tells nothing. */
  #sum(total: string, members: readonly string[]): void {
    const values = [total, ...members].map((id) => this.cell(id).value);
    if (values.every((value) => value !== undefined)) {
      const [whole, ...parts] = values as number[];
      if (parts.reduce((sum, value) => sum + value, 0) !== whole) return;
    }
    this.sums.push({ total, members });
  }

  #addPeriod(source: PeriodSource, areaIds: readonly string[]): void {
    const { period, fresh } = source;
    const columns = columnsOf(period);
    const rows = new Map(source.areas.map((row) => [row.areaId, row]));
    for (const column of columns)
      this.#add(nationalId(period, column), undefined, shownValue(source.national[column]), false);
    for (const areaId of areaIds) {
      const row = rows.get(areaId);
      for (const column of columns) {
        // An area missing from a period's file had nothing to count then: it did not exist yet.
        const cell = row?.cells[column] ?? shownValue(0);
        this.#add(areaCellId(period, areaId, column), areaUnit(period, areaId), cell, fresh);
      }
      for (const sum of rowSums)
        if ([sum.total, ...sum.members].every((column) => columns.includes(column)))
          this.#sum(
            areaCellId(period, areaId, sum.total),
            sum.members.map((member) => areaCellId(period, areaId, member)),
          );
    }
    for (const column of columns)
      this.#sum(
        nationalId(period, column),
        areaIds.map((areaId) => areaCellId(period, areaId, column)),
      );
    if (source.nationalAges && source.ages) this.#addAges(source, areaIds);
  }

  #addAges(source: PeriodSource, areaIds: readonly string[]): void {
    const year = source.period;
    const rows = new Map(source.ages!.map((row) => [`${row.areaId}${separator}${row.ageGroup}`, row]));
    for (const group of ageGroups)
      for (const measure of ageMeasures)
        this.#add(
          nationalAgeId(year, group, measure),
          undefined,
          shownValue(source.nationalAges![group][measure]),
          false,
        );
    for (const areaId of areaIds) {
      for (const group of ageGroups)
        for (const measure of ageMeasures) {
          const cell = rows.get(`${areaId}${separator}${group}`)?.cells[measure] ?? shownValue(0);
          this.#add(ageCellId(year, areaId, group, measure), ageUnit(year, areaId), cell, source.fresh);
        }
      for (const measure of ageMeasures)
        this.#sum(
          areaCellId(year, areaId, measure),
          ageGroups.map((group) => ageCellId(year, areaId, group, measure)),
        );
    }
    for (const group of ageGroups)
      for (const measure of ageMeasures)
        this.#sum(
          nationalAgeId(year, group, measure),
          areaIds.map((areaId) => ageCellId(year, areaId, group, measure)),
        );
  }

  /** A quarter is the sum of its months, a year of its quarters, wherever all of them are published. */
  #addTimeSums(periods: readonly PeriodSource[], areaIds: readonly string[]): void {
    const present = new Set(periods.map((source) => source.period));
    for (const source of periods) {
      if (periodKind(source.period) === 'month') continue;
      const parts = partsOf(source.period);
      if (!parts.every((part) => present.has(part))) continue;
      const shared = columnsOf(parts[0]!);
      for (const areaId of areaIds)
        for (const column of shared)
          this.#sum(
            areaCellId(source.period, areaId, column),
            parts.map((part) => areaCellId(part, areaId, column)),
          );
    }
  }
}

function shownValue(value: number): CellSource {
  return { value, state: 'shown' };
}
