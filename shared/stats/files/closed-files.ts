// The partner files of closed periods (docs/api.md, "Snapshot files"), written and read back. Reading
// is for carrying published periods forward and for the audit, which must see exactly what partners see.
import { csvCell, parseCsv } from '../../lib/csv.ts';
import {
  type AgeCounts,
  type AgeMeasure,
  ageMeasures,
  type CountColumn,
  type Counts,
  countColumns,
  monthColumns,
} from '../model/closed-figures.ts';
import { periodKind } from '../model/closed-periods.ts';
import { type AgeGroup, ageGroups, type Count } from '../model/figures.ts';

export const nationalPeriodsHeader = `period,${countColumns.join(',')}`;
export const nationalAgeGroupsHeader = 'period,age_group,cards_registered,uses';
export const closedAgeGroupsHeader = 'period,area_id,age_group,cards_registered,uses';

export function columnsOf(period: string): readonly CountColumn[] {
  return periodKind(period) === 'month' ? monthColumns : countColumns;
}

export function closedAreasHeader(period: string): string {
  return `period,area_id,area_name,${columnsOf(period).join(',')}`;
}

/** Names of a period's files, relative to the snapshot folder. */
export const closedFileNames = {
  areas: (period: string) => `partner/areas/${period}.csv`,
  ageGroups: (year: string) => `partner/age-groups/${year}.csv`,
  disclosure: (period: string) => `partner/disclosure/${period}.json`,
  nationalPeriods: 'partner/national-periods.csv',
  nationalAgeGroups: 'partner/national-age-groups.csv',
} as const;

/** A published count as written: hidden is `..`. */
function countCell(value: Count): string {
  return value === null ? '..' : String(value);
}

function lines(header: string, rows: readonly (readonly string[])[]): string {
  return [header, ...rows.map((row) => row.join(','))].map((line) => `${line}\n`).join('');
}

export interface PublishedAreaRow {
  readonly areaId: string;
  readonly areaName: string;
  /** By column of the period; null where hidden. */
  readonly cells: Readonly<Partial<Record<CountColumn, Count>>>;
}

export interface PublishedAgeRow {
  readonly areaId: string;
  readonly ageGroup: AgeGroup;
  readonly cells: Readonly<Record<AgeMeasure, Count>>;
}

export function areasCsv(period: string, rows: readonly PublishedAreaRow[]): string {
  return lines(
    closedAreasHeader(period),
    rows.map((row) => [
      period,
      csvCell(row.areaId),
      csvCell(row.areaName),
      ...columnsOf(period).map((column) => countCell(row.cells[column] ?? null)),
    ]),
  );
}

export function ageGroupsCsv(year: string, rows: readonly PublishedAgeRow[]): string {
  return lines(
    closedAgeGroupsHeader,
    rows.map((row) => [
      year,
      csvCell(row.areaId),
      row.ageGroup,
      ...ageMeasures.map((measure) => countCell(row.cells[measure])),
    ]),
  );
}

/** One line of national-periods.csv, without its newline. */
export function nationalPeriodLine(period: string, counts: Counts): string {
  return [period, ...countColumns.map((column) => String(counts[column]))].join(',');
}

export function nationalAgeLines(year: string, counts: Readonly<Record<AgeGroup, AgeCounts>>): string[] {
  return ageGroups.map((group) =>
    [year, group, ...ageMeasures.map((measure) => String(counts[group][measure]))].join(','),
  );
}

export function csvFile(header: string, rows: readonly string[]): string {
  return [header, ...rows].map((line) => `${line}\n`).join('');
}

function parseCount(text: string, where: string): Count {
  if (text === '..') return null;
  if (!/^\d+$/.test(text)) throw new Error(`${where}: ${JSON.stringify(text)} is not a count`);
  return Number(text);
}

function checkedTable(body: string, header: string, name: string): string[][] {
  const [first, ...rows] = parseCsv(body);
  if (first?.join(',') !== header) throw new Error(`${name}: not the header ${header}`);
  return rows;
}

export function parseAreasCsv(period: string, body: string): PublishedAreaRow[] {
  const name = closedFileNames.areas(period);
  const columns = columnsOf(period);
  return checkedTable(body, closedAreasHeader(period), name).map((row) => {
    if (row[0] !== period || row.length !== columns.length + 3) throw new Error(`${name}: bad row ${row}`);
    return {
      areaId: row[1]!,
      areaName: row[2]!,
      cells: Object.fromEntries(
        columns.map((column, index) => [column, parseCount(row[index + 3]!, `${name} ${row[1]}`)]),
      ),
    };
  });
}

export function parseAgeGroupsCsv(year: string, body: string): PublishedAgeRow[] {
  const name = closedFileNames.ageGroups(year);
  return checkedTable(body, closedAgeGroupsHeader, name).map((row) => {
    if (row[0] !== year || row.length !== 5 || !ageGroups.includes(row[2] as AgeGroup))
      throw new Error(`${name}: bad row ${row}`);
    return {
      areaId: row[1]!,
      ageGroup: row[2] as AgeGroup,
      cells: { cards_registered: parseCount(row[3]!, name), uses: parseCount(row[4]!, name) },
    };
  });
}

/** National figures of each period in a national-periods.csv body. */
export function parseNationalPeriods(body: string): Map<string, Counts> {
  const found = new Map<string, Counts>();
  for (const row of checkedTable(body, nationalPeriodsHeader, closedFileNames.nationalPeriods))
    found.set(
      row[0]!,
      Object.fromEntries(countColumns.map((column, index) => [column, Number(row[index + 1])])) as Counts,
    );
  return found;
}
