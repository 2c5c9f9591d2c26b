// Figures by area for partners: closed periods only, each computed once, protected, audited and frozen.
//
// A snapshot carries every period already in the archive byte for byte and publishes the periods closed
// since: their counts from 1 to 4 hidden, more hidden until the audit of the calendar year (every
// partner file of the year published so far and the new ones) finds no hidden count narrowed below the
// threshold, areas that cannot be protected left out.
import { performance } from 'node:perf_hooks';
import {
  type ArchivedFile,
  type ArchivedPeriod,
  archivedPeriods,
  archiveObjects,
  nationalFiles,
} from '../files/archive.ts';
import {
  ageGroupsCsv,
  areasCsv,
  closedFileNames,
  columnsOf,
  csvFile,
  nationalAgeLines,
  nationalPeriodLine,
  nationalPeriodsHeader,
  parseAgeGroupsCsv,
  parseAreasCsv,
  parseNationalPeriods,
} from '../files/closed-files.ts';
import {
  type AgeMeasure,
  ageMeasures,
  type ClosedPeriodFigures,
  closedFiguresProblems,
  nationalAgeCounts,
  nationalCounts,
} from '../model/closed-figures.ts';
import { byPeriod, closesOn, periodKind, yearOf } from '../model/closed-periods.ts';
import {
  disclosureJson,
  isSmallCount,
  type LeftOut,
  type PeriodDisclosure,
  protectionRule,
  threshold,
} from '../model/disclosure.ts';
import { type AgeGroup, ageGroups, byCodeUnits } from '../model/figures.ts';
import { SnapshotInputError } from '../model/input.ts';
import {
  type AgeRowSource,
  type AreaRowSource,
  ageCellId,
  ageUnit,
  areaCellId,
  areaUnit,
  type CellSource,
  type ModelCell,
  type PeriodSource,
  unitParts,
  YearModel,
} from './closed-tables.ts';
import { protectYear, type YearProtection } from './protection.ts';
import { loadSolver } from './solver.ts';

export const fileKinds = ['month', 'quarter', 'year', 'age-groups'] as const;
export type FileKind = (typeof fileKinds)[number];

export interface ClosedPublication {
  /** The periods closed on the snapshot's day, in period order: carried and new alike. */
  readonly periods: readonly ArchivedPeriod[];
  /** national-periods.csv and national-age-groups.csv over those periods. */
  readonly nationalFiles: readonly ArchivedFile[];
  /** Objects to add to the archive (new periods), in write order, before the snapshot's own files. */
  readonly archive: readonly ArchivedFile[];
  readonly report: DisclosureReport;
}

export interface DisclosureReport {
  readonly newPeriods: readonly string[];
  /** For the operators' log only (the reason names a count and its range): never in a partner file. */
  readonly leftOut: readonly (LeftOut & { readonly period: string; readonly reason: string })[];
  /** Over the closed-period files of the snapshot: non-zero area counts, and how many are hidden. */
  readonly hidden: Readonly<Record<FileKind, { readonly hidden: number; readonly nonZero: number }>>;
  readonly audit: {
    readonly years: readonly string[];
    readonly hiddenCells: number;
    readonly rounds: number;
    readonly lpSolves: number;
    readonly mipSolves: number;
    readonly patternSolves: number;
    readonly millis: number;
  };
}

const shown = (value: number): CellSource => ({ value, state: 'shown' });
const primary = (value: number): CellSource => ({ value, state: isSmallCount(value) ? 'hidden' : 'shown' });
/** A count as partners see it: the value, or (hidden before) an unknown. */
const asPublished = (value: number | null): CellSource =>
  value === null ? { value: undefined, state: 'hidden' } : shown(value);
const leftOutCell: CellSource = { value: undefined, state: 'leftOut' };

/** A period published before, as its files show it (and the daily national files' bounds, if any). */
function archivedSource(period: ArchivedPeriod, lateJoins: LateJoins): PeriodSource {
  const body = (name: string) => period.files.find((file) => file.name === name)!.body.toString('utf8');
  const leftOut = (name: string) =>
    period.disclosure.leftOut.filter((entry) => entry.file === name).map((entry) => entry.areaId);
  const columns = columnsOf(period.period);
  const areas: AreaRowSource[] = [
    ...parseAreasCsv(period.period, body(closedFileNames.areas(period.period))).map((row) => ({
      areaId: row.areaId,
      cells: Object.fromEntries(columns.map((column) => [column, asPublished(row.cells[column] ?? null)])),
    })),
    ...leftOut(closedFileNames.areas(period.period)).map((areaId) => ({
      areaId,
      cells: Object.fromEntries(columns.map((column) => [column, leftOutCell])),
    })),
  ];
  const national = parseNationalPeriods(csvFile(nationalPeriodsHeader, [period.nationalLine])).get(
    period.period,
  )!;
  if (periodKind(period.period) !== 'year')
    return { period: period.period, fresh: false, national, areas, ...lateJoinsOf(lateJoins, period.period) };
  const agesName = closedFileNames.ageGroups(period.period);
  const ages: AgeRowSource[] = [
    ...parseAgeGroupsCsv(period.period, body(agesName)).map((row) => ({
      areaId: row.areaId,
      ageGroup: row.ageGroup,
      cells: { cards_registered: asPublished(row.cells.cards_registered), uses: asPublished(row.cells.uses) },
    })),
    ...leftOut(agesName).flatMap((areaId) =>
      ageGroups.map((ageGroup) => ({
        areaId,
        ageGroup,
        cells: { cards_registered: leftOutCell, uses: leftOutCell },
      })),
    ),
  ];
  const nationalAges = Object.fromEntries(
    period.nationalAgeLines.map((line) => {
      const [, group, cards, uses] = line.split(',');
      return [group, { cards_registered: Number(cards), uses: Number(uses) }];
    }),
  ) as Record<AgeGroup, { cards_registered: number; uses: number }>;
  return { period: period.period, fresh: false, national, areas, nationalAges, ages };
}

/** Months' late joins, from the exact figures of every period closed (published before or now). */
type LateJoins = ReadonlyMap<string, NonNullable<ClosedPeriodFigures['lateJoins']>>;

function lateJoinsOf(lateJoins: LateJoins, period: string): Pick<PeriodSource, 'lateJoins'> {
  const found = lateJoins.get(period);
  return found && found.length > 0 ? { lateJoins: found } : {};
}

/** A period being published now: exact figures, counts from 1 to 4 hidden. */
function freshSource(figures: ClosedPeriodFigures): PeriodSource {
  const areas = figures.areas.map((area) => ({
    areaId: area.areaId,
    cells: Object.fromEntries(
      columnsOf(figures.period).map((column) => [column, primary(area.counts[column])]),
    ),
  }));
  const base = {
    period: figures.period,
    fresh: true,
    national: nationalCounts(figures),
    areas,
    ...(figures.lateJoins && figures.lateJoins.length > 0 && { lateJoins: figures.lateJoins }),
  };
  if (periodKind(figures.period) !== 'year') return base;
  const byKey = new Map(figures.ageGroups.map((row) => [`${row.areaId}\u0000${row.ageGroup}`, row]));
  const ages = figures.areas.flatMap((area) =>
    ageGroups.map((ageGroup) => {
      const row = byKey.get(`${area.areaId}\u0000${ageGroup}`);
      return {
        areaId: area.areaId,
        ageGroup,
        cells: { cards_registered: primary(row?.cards_registered ?? 0), uses: primary(row?.uses ?? 0) },
      };
    }),
  );
  return { ...base, nationalAges: nationalAgeCounts(figures), ages };
}

const published = (cell: ModelCell) => (cell.state === 'hidden' ? null : cell.value!);

/** The files of a period just protected, from the states its cells ended in. */
function render(
  figures: ClosedPeriodFigures,
  model: YearModel,
  protection: YearProtection,
  date: string,
): ArchivedPeriod {
  const { period } = figures;
  const areas = [...figures.areas].sort((a, b) => byCodeUnits(a.areaId, b.areaId));
  const included = (unit: string) => model.unitCells(unit).every((cell) => cell.state !== 'leftOut');
  const counted: ModelCell[] = [];
  const cellOf = (id: string) => {
    const cell = model.cell(id);
    counted.push(cell);
    return published(cell);
  };
  const areaRows = areas
    .filter((area) => included(areaUnit(period, area.areaId)))
    .map((area) => ({
      ...area,
      cells: Object.fromEntries(
        columnsOf(period).map((column) => [column, cellOf(areaCellId(period, area.areaId, column))]),
      ),
    }));
  const files = [{ name: closedFileNames.areas(period), body: areasCsv(period, areaRows) }];
  const year = periodKind(period) === 'year';
  if (year) {
    const ageRows = areas
      .filter((area) => included(ageUnit(period, area.areaId)))
      .flatMap((area) =>
        ageGroups.map((ageGroup) => ({
          areaId: area.areaId,
          ageGroup,
          cells: Object.fromEntries(
            ageMeasures.map((measure) => [
              measure,
              cellOf(ageCellId(period, area.areaId, ageGroup, measure)),
            ]),
          ) as Record<AgeMeasure, number | null>,
        })),
      );
    files.push({ name: closedFileNames.ageGroups(period), body: ageGroupsCsv(period, ageRows) });
  }
  const leftOut = protection.leftOut
    .map((entry) => unitParts(entry.unit))
    .filter((entry) => entry.period === period)
    .map((entry) => ({
      file: entry.file === 'areas' ? closedFileNames.areas(period) : closedFileNames.ageGroups(period),
      areaId: entry.areaId,
    }))
    .sort((a, b) => byCodeUnits(a.file, b.file) || byCodeUnits(a.areaId, b.areaId));
  const disclosure: PeriodDisclosure = {
    period,
    firstPublished: date,
    files: files.map((file) => file.name),
    threshold,
    rule: protectionRule,
    hidden: counted.filter((cell) => cell.state === 'hidden').length,
    leftOut,
    audit: { periods: [...model.periods].sort(byPeriod), result: 'passed' },
  };
  files.push({ name: closedFileNames.disclosure(period), body: disclosureJson(disclosure) });
  return {
    period,
    disclosure,
    files: files.map((file) => ({ name: file.name, body: Buffer.from(file.body, 'utf8') })),
    nationalLine: nationalPeriodLine(period, nationalCounts(figures)),
    nationalAgeLines: year ? nationalAgeLines(period, nationalAgeCounts(figures)) : [],
  };
}

/** Hidden and non-zero counts per file kind, read from the files as partners get them. */
function hiddenShares(periods: readonly ArchivedPeriod[]): DisclosureReport['hidden'] {
  const shares = Object.fromEntries(fileKinds.map((kind) => [kind, { hidden: 0, nonZero: 0 }])) as Record<
    FileKind,
    { hidden: number; nonZero: number }
  >;
  for (const period of periods)
    for (const file of period.files) {
      if (file.name.endsWith('.json')) continue;
      const kind = file.name.startsWith('partner/age-groups/') ? 'age-groups' : periodKind(period.period);
      const cells =
        kind === 'age-groups'
          ? parseAgeGroupsCsv(period.period, file.body.toString()).flatMap((row) => Object.values(row.cells))
          : parseAreasCsv(period.period, file.body.toString()).flatMap((row) => Object.values(row.cells));
      for (const cell of cells) {
        if (cell === null) shares[kind].hidden++;
        if (cell !== 0) shares[kind].nonZero++;
      }
    }
  return shares;
}

/**
 * The closed periods of the snapshot of `date`: those in the archive carried as they are, those closed
 * since computed from `closed` (the exact figures of every period closed on `date`) and protected.
 */
export async function publishClosedPeriods(
  date: string,
  closed: readonly ClosedPeriodFigures[],
  archived: readonly ArchivedFile[],
): Promise<ClosedPublication> {
  const archive = archivedPeriods(archived);
  const known = new Set(archive.map((period) => period.period));
  const fresh = closed
    .filter((figures) => !known.has(figures.period) && closesOn(figures.period) <= date)
    .sort((a, b) => byPeriod(a.period, b.period));
  const problems = fresh.flatMap(closedFiguresProblems);
  if (problems.length > 0) throw new SnapshotInputError(problems);

  const lateJoins: LateJoins = new Map(
    closed.flatMap((figures) => (figures.lateJoins ? [[figures.period, figures.lateJoins] as const] : [])),
  );
  const started = performance.now();
  const audit = {
    years: [] as string[],
    hiddenCells: 0,
    rounds: 0,
    lpSolves: 0,
    mipSolves: 0,
    patternSolves: 0,
  };
  const leftOut: DisclosureReport['leftOut'][number][] = [];
  const rendered: ArchivedPeriod[] = [];
  const years = [...new Set(fresh.map((figures) => yearOf(figures.period)))].sort();
  const highs = years.length > 0 ? await loadSolver() : undefined;
  for (const year of years) {
    const freshOfYear = fresh.filter((figures) => yearOf(figures.period) === year);
    const sources = [
      ...archive
        .filter((period) => yearOf(period.period) === year)
        .map((period) => archivedSource(period, lateJoins)),
      ...freshOfYear.map(freshSource),
    ].sort((a, b) => byPeriod(a.period, b.period));
    const model = new YearModel(sources);
    const protection = protectYear(highs!, model, threshold);
    audit.years.push(year);
    audit.hiddenCells += protection.audit.hiddenCells;
    audit.rounds += protection.rounds;
    audit.lpSolves += protection.audit.lpSolves;
    audit.mipSolves += protection.audit.mipSolves;
    audit.patternSolves += protection.patternSolves;
    for (const figures of freshOfYear) {
      const period = render(figures, model, protection, date);
      rendered.push(period);
      for (const entry of protection.leftOut) {
        const { file, period: of, areaId } = unitParts(entry.unit);
        if (of !== figures.period) continue;
        const name = file === 'areas' ? closedFileNames.areas(of) : closedFileNames.ageGroups(of);
        leftOut.push({ file: name, areaId, period: of, reason: entry.reason });
      }
    }
  }
  const periods = [...archive.filter((period) => closesOn(period.period) <= date), ...rendered].sort((a, b) =>
    byPeriod(a.period, b.period),
  );
  return {
    periods,
    nationalFiles: nationalFiles(periods),
    archive: rendered.flatMap(archiveObjects),
    report: {
      newPeriods: rendered.map((period) => period.period),
      leftOut,
      hidden: hiddenShares(periods),
      audit: { ...audit, millis: Math.round(performance.now() - started) },
    },
  };
}
