// Closed periods already published: their files are kept once, under snapshots/closed-periods/, and
// every later snapshot copies them byte for byte; a published period is never computed again.
//
// Per period P the archive holds the partner files (partner/areas/P.csv, partner/age-groups/P.csv for a
// year, partner/disclosure/P.json) and its exact national figures (national/P.csv, a one-row
// national-periods.csv, and national-age-groups/P.csv for a year), from which national-periods.csv and
// national-age-groups.csv are put together. The disclosure record is written last: a period is in the
// archive once it is there, and a run that stopped half way leaves only files the next run overwrites.

import { byPeriod, isClosedPeriodKey, periodKind } from '../model/closed-periods.ts';
import { type PeriodDisclosure, parseDisclosure } from '../model/disclosure.ts';
import { closedFileNames, csvFile, nationalAgeGroupsHeader, nationalPeriodsHeader } from './closed-files.ts';
import { archivePrefix } from './snapshot-keys.ts';

export { archivePrefix };

const archiveNames = {
  nationalRow: (period: string) => `national/${period}.csv`,
  nationalAges: (year: string) => `national-age-groups/${year}.csv`,
} as const;

/** One object of the archive, named relative to archivePrefix. */
export interface ArchivedFile {
  readonly name: string;
  readonly body: Buffer;
}

export interface ArchivedPeriod {
  readonly period: string;
  readonly disclosure: PeriodDisclosure;
  /** The partner files of the period, in manifest order, as published. */
  readonly files: readonly ArchivedFile[];
  /** Its line of national-periods.csv, and for a year its lines of national-age-groups.csv. */
  readonly nationalLine: string;
  readonly nationalAgeLines: readonly string[];
}

/** The partner files of a period, in manifest order. */
function periodFileNames(period: string): string[] {
  return [
    closedFileNames.areas(period),
    ...(periodKind(period) === 'year' ? [closedFileNames.ageGroups(period)] : []),
    closedFileNames.disclosure(period),
  ];
}

const disclosureName = /^partner\/disclosure\/(.+)\.json$/;

/** The periods the archive holds completely, in period order. */
export function archivedPeriods(files: readonly ArchivedFile[]): ArchivedPeriod[] {
  const byName = new Map(files.map((file) => [file.name, file.body]));
  const text = (name: string) => {
    const body = byName.get(name);
    if (body === undefined) throw new Error(`the archive of closed periods lacks ${name}`);
    return body.toString('utf8');
  };
  const periods: ArchivedPeriod[] = [];
  for (const file of files) {
    const period = disclosureName.exec(file.name)?.[1];
    if (period === undefined || !isClosedPeriodKey(period)) continue;
    const disclosure = parseDisclosure(file.body.toString('utf8'), file.name);
    const [header, line] = text(archiveNames.nationalRow(period)).split('\n');
    if (header !== nationalPeriodsHeader || !line?.startsWith(`${period},`))
      throw new Error(`${archiveNames.nationalRow(period)} is not the national row of ${period}`);
    const ageLines =
      periodKind(period) === 'year' ? text(archiveNames.nationalAges(period)).split('\n').slice(1, -1) : [];
    periods.push({
      period,
      disclosure,
      files: periodFileNames(period).map((name) => ({ name, body: Buffer.from(text(name), 'utf8') })),
      nationalLine: line,
      nationalAgeLines: ageLines,
    });
  }
  return periods.sort((a, b) => byPeriod(a.period, b.period));
}

/** national-periods.csv and national-age-groups.csv of the periods given (in period order). */
export function nationalFiles(periods: readonly ArchivedPeriod[]): ArchivedFile[] {
  return [
    {
      name: closedFileNames.nationalPeriods,
      body: Buffer.from(
        csvFile(
          nationalPeriodsHeader,
          periods.map((period) => period.nationalLine),
        ),
      ),
    },
    {
      name: closedFileNames.nationalAgeGroups,
      body: Buffer.from(
        csvFile(
          nationalAgeGroupsHeader,
          periods.flatMap((period) => period.nationalAgeLines),
        ),
      ),
    },
  ];
}

/** What goes into the archive for a period published now, in write order (the disclosure record last). */
export function archiveObjects(period: ArchivedPeriod): ArchivedFile[] {
  const national = [
    {
      name: archiveNames.nationalRow(period.period),
      body: Buffer.from(csvFile(nationalPeriodsHeader, [period.nationalLine])),
    },
    ...(period.nationalAgeLines.length > 0
      ? [
          {
            name: archiveNames.nationalAges(period.period),
            body: Buffer.from(csvFile(nationalAgeGroupsHeader, period.nationalAgeLines)),
          },
        ]
      : []),
  ];
  return [...national, ...period.files];
}
