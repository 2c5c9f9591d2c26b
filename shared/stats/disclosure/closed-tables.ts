// One calendar year of closed-period partner files as a reader sees them: cells (published, hidden, or
// of an area left out) and every sum the reader can rely on. No sum crosses a year (there is no period
// longer than a year), so a year is the unit of the audit.
//
// The sums: a row's parts (uses = adult + child, each the sum of the sectors), each column's areas adding
// up to the exact national figure (national-periods.csv), a quarter's months and a year's quarters, and a
// year's age groups adding up to the area's total and, over the areas, to national-age-groups.csv. Counts
// of rows left out stay inside every one of these sums, as unknowns.
//
// And what the daily national files add (national.json of every night, kept for good): for areas that
// joined after a month's first day, the national figures from that day to the month's end bound what
// they counted in it, in every column. Sectors by month are not published, so those areas' month-by-sector
// figures are helper unknowns (adding up to their month's adult and child uses, and to their quarter);
// an inequality is an equation with a helper slack of at least 0.

import { columnsOf } from '../files/closed-files.ts';
import {
  type AgeCounts,
  type AgeMeasure,
  ageMeasures,
  type CountColumn,
  type Counts,
  type LateJoin,
  monthColumns,
  rowSums,
} from '../model/closed-figures.ts';
import { monthsOf, partsOf, periodKind } from '../model/closed-periods.ts';
import { type AgeGroup, ageGroups } from '../model/figures.ts';

/** `helper`: an unknown of at least 0 that is no count of a file (a slack, a month's sector split). */
export type CellState = 'shown' | 'hidden' | 'leftOut' | 'helper';

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
  /** Months only: areas that joined after the first day, with the national figures from then on. */
  readonly lateJoins?: readonly LateJoin[];
}

export interface ModelCell {
  readonly id: string;
  /** What is left out together (an area's row of one file), or undefined for a national figure. */
  readonly unit: string | undefined;
  readonly value: number | undefined;
  state: CellState;
  /** In a period being published now: its state may still change. */
  readonly fresh: boolean;
  /** The national figure of the cell's column (the sum it is part of), for an area's or age group's count. */
  readonly national?: string;
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
    const present = new Set(this.periods);
    for (const source of periods)
      if (source.lateJoins && source.lateJoins.length > 0) this.#addJoins(source, present);
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

  #add(id: string, unit: string | undefined, source: CellSource, fresh: boolean, national?: string): void {
    this.cells.set(id, {
      id,
      unit,
      value: source.value,
      state: source.state,
      fresh,
      ...(national !== undefined && { national }),
    });
  }

  /**
   * The range a count partners are not shown must keep: a hidden one the threshold; one of a row left
   * out the threshold too, or, where the national figures alone narrow it below that (a column whose
   * national figure N is below 5: every count of it lies in 0..N), the whole range they allow.
   */
  needs(cell: ModelCell, threshold: number): number {
    if (cell.state === 'hidden') return threshold;
    if (cell.state !== 'leftOut') return 0;
    return Math.min(threshold, this.nationalRange.get(cell.id) ?? threshold);
  }

  /**
   * For counts of rows left out: their range when every count by area is unknown, i.e. what the
   * national figures alone (by period, and the daily ones) allow. Filled in by the audit.
   */
  readonly nationalRange = new Map<string, number>();

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
        this.#add(
          areaCellId(period, areaId, column),
          areaUnit(period, areaId),
          cell,
          fresh,
          nationalId(period, column),
        );
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
          this.#add(
            ageCellId(year, areaId, group, measure),
            ageUnit(year, areaId),
            cell,
            source.fresh,
            nationalAgeId(year, group, measure),
          );
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

  #addJoins(source: PeriodSource, present: ReadonlySet<string>): void {
    joinBounds(
      this,
      {
        helper: (id) => this.#add(id, undefined, { value: undefined, state: 'helper' }, false),
        constant: (id, value) => this.#add(id, undefined, shownValue(value), false),
        sum: (total, members) => this.#sum(total, members),
      },
      source,
      present,
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

/**
 * The bounds the daily national files put on the first month of areas that joined after its first day:
 * for each join day, the areas that joined then or later counted at most the national figures from that
 * day on. Sector columns through the areas' month-by-sector helpers, tied to their quarter if published.
 */
function joinBounds(model: YearModel, add: JoinAdder, source: PeriodSource, present: ReadonlySet<string>) {
  const month = source.period;
  const quarter = `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5)) / 3)}`;
  const joins = [...source.lateJoins!].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const joiners = joins
    .flatMap((join) => join.areaIds)
    .filter((areaId) => model.cells.has(areaCellId(month, areaId, 'uses')));
  const sectorColumns = present.has(quarter)
    ? columnsOf(quarter).filter((column) => !(monthColumns as readonly string[]).includes(column))
    : [];
  const sectorCell = (part: string, areaId: string, column: CountColumn) =>
    ['month-sectors', part, areaId, column].join(separator);
  if (sectorColumns.length > 0) {
    const later = monthsOf(quarter).filter((part) => part >= month && present.has(part));
    for (const areaId of joiners) {
      for (const part of later) {
        for (const column of sectorColumns) add.helper(sectorCell(part, areaId, column));
        for (const sum of rowSums.slice(1))
          add.sum(
            areaCellId(part, areaId, sum.total),
            sum.members.map((member) => sectorCell(part, areaId, member)),
          );
      }
      for (const column of sectorColumns)
        add.sum(
          areaCellId(quarter, areaId, column),
          later.map((part) => sectorCell(part, areaId, column)),
        );
    }
  }
  for (const [at, join] of joins.entries()) {
    const from = new Set(joins.slice(at).flatMap((later) => later.areaIds));
    const areas = joiners.filter((areaId) => from.has(areaId));
    if (areas.length === 0) continue;
    for (const column of [...columnsOf(month), ...sectorColumns]) {
      const bound = ['daily-national', month, join.day, column].join(separator);
      add.constant(bound, join.nationalFrom[column]);
      const slack = ['slack', month, join.day, column].join(separator);
      add.helper(slack);
      const counted = (areaId: string) =>
        (monthColumns as readonly string[]).includes(column)
          ? areaCellId(month, areaId, column)
          : sectorCell(month, areaId, column);
      add.sum(bound, [...areas.map(counted), slack]);
    }
  }
}

interface JoinAdder {
  helper(id: string): void;
  constant(id: string, value: number): void;
  sum(total: string, members: readonly string[]): void;
}

function shownValue(value: number): CellSource {
  return { value, state: 'shown' };
}
