// The files of a statistics snapshot exactly as the contract fixes them (docs/api.md, "Snapshot
// files"), for both tiers, plus the manifest and latest.json. Pure: the closed periods already published
// come in as input (the archive's files), and the caller writes the objects to S3 in the order given, so
// latest.json only ever points at a complete snapshot.

import { createHash } from 'node:crypto';
import { csvCell } from '../../lib/csv.ts';
import { type DisclosureReport, publishClosedPeriods } from '../disclosure/partner.ts';
import type { ArchivedFile } from '../files/archive.ts';
import { monthlyUsesChart, sectorsChart } from '../files/charts.ts';
import { archivePrefix, latestKey, snapshotPrefix, snapshotsPrefix } from '../files/snapshot-keys.ts';
import {
  type Count,
  type Figures,
  type JsonValue,
  type Period,
  type Published,
  periods,
  sectors,
  type TierFigures,
} from '../model/figures.ts';
import type { SnapshotInput } from '../model/input.ts';
import { prepareInput } from '../model/input.ts';

export { latestKey, snapshotPrefix, snapshotsPrefix };

export const schemaVersion = 1;
export const tiers = ['internal', 'partner'] as const;
export type Tier = (typeof tiers)[number];

export const areasHeader =
  'period,area_id,area_name,cards_registered,cards_active,cards_taken_into_use,uses,adult_uses,child_uses,culture_adult_uses,culture_child_uses,education_adult_uses,education_child_uses,science_adult_uses,science_child_uses,sport_adult_uses,sport_child_uses';
export const monthlyHeader =
  'month,uses,adult_uses,child_uses,culture_uses,education_uses,science_uses,sport_uses';
export const ageGroupsHeader = 'period,area_id,age_group,cards_registered,uses';

const contentTypes = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
} as const;

export interface SnapshotObject {
  /** S3 key, e.g. `snapshots/2025-03-01/partner/areas.csv`. */
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
}

export interface ManifestFile {
  /** Relative to the snapshot's folder, e.g. `partner/areas.csv`. */
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
  /** CSV: data rows without the header; national.json: periods (4); SVG: bars drawn; disclosure: 1. */
  readonly rows: number;
  /** Files of a closed period: the snapshot day that first published them (they never change). */
  readonly firstPublished?: string;
}

export interface Manifest {
  readonly date: string;
  readonly generatedAt: string;
  readonly schemaVersion: number;
  readonly source: { readonly [key: string]: JsonValue };
  readonly files: readonly ManifestFile[];
}

export interface Snapshot {
  /**
   * Closed periods published for the first time, for the archive: to be written before `objects`, so
   * that no snapshot lists a period the archive does not hold.
   */
  readonly archive: readonly SnapshotObject[];
  /** In write order: every data file, then manifest.json, then snapshots/latest.json. */
  readonly objects: readonly SnapshotObject[];
  readonly manifest: Manifest;
  /** What disclosure control did: periods published, areas left out, hidden shares, the audit's cost. */
  readonly disclosure: DisclosureReport;
}

/** Counts in CSV: a hidden one is `..`. */
function csvCount(value: Count): string {
  return value === null ? '..' : String(value);
}

function csv(header: string, rows: readonly string[][]): string {
  return [header, ...rows.map((row) => row.join(','))].map((line) => `${line}\n`).join('');
}

/** Key order is fixed by construction for figures; free-form objects (source) get sorted keys. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const object = value as { [key: string]: JsonValue };
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, canonical(object[key]!)]),
  );
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function figuresJson(figures: Published<Figures>) {
  return {
    cardsRegistered: figures.cardsRegistered,
    cardsActive: figures.cardsActive,
    cardsTakenIntoUse: figures.cardsTakenIntoUse,
    uses: figures.uses,
    adultUses: figures.adultUses,
    childUses: figures.childUses,
    bySector: Object.fromEntries(
      sectors.map((sector) => [
        sector,
        { adultUses: figures.bySector[sector].adultUses, childUses: figures.bySector[sector].childUses },
      ]),
    ),
    municipalities: figures.municipalities,
  };
}

function areasCsv(tier: TierFigures): { body: string; rows: number } {
  const rows = periods.flatMap((period: Period) =>
    tier.areas.map((area) => {
      const figures = area.periods[period];
      return [
        period,
        csvCell(area.areaId),
        csvCell(area.areaName),
        ...[
          figures.cardsRegistered,
          figures.cardsActive,
          figures.cardsTakenIntoUse,
          figures.uses,
          figures.adultUses,
          figures.childUses,
          ...sectors.flatMap((sector) => [
            figures.bySector[sector].adultUses,
            figures.bySector[sector].childUses,
          ]),
        ].map(csvCount),
      ];
    }),
  );
  return { body: csv(areasHeader, rows), rows: rows.length };
}

function monthlyCsv(tier: TierFigures): { body: string; rows: number } {
  const rows = tier.monthly.map((row) => [
    row.month,
    ...[
      row.adultUses + row.childUses,
      row.adultUses,
      row.childUses,
      ...sectors.map((sector) => row.bySector[sector]),
    ].map(csvCount),
  ]);
  return { body: csv(monthlyHeader, rows), rows: rows.length };
}

function ageGroupsCsv(tier: TierFigures): { body: string; rows: number } {
  const rows = tier.ageGroups.map((row) => [
    row.period,
    csvCell(row.areaId),
    row.ageGroup,
    csvCount(row.cardsRegistered),
    csvCount(row.uses),
  ]);
  return { body: csv(ageGroupsHeader, rows), rows: rows.length };
}

export interface TierFile {
  readonly name: string;
  readonly body: string;
  readonly rows: number;
  readonly contentType: string;
}

/**
 * The daily files of one tier, in write order, named relative to the snapshot folder. Figures by area
 * (areas.csv, age-groups.csv) are internal only: partners get them by closed period.
 */
export function tierFiles(tier: Tier, figures: TierFigures): TierFile[] {
  const national = {
    date: figures.date,
    periods: Object.fromEntries(periods.map((period) => [period, figuresJson(figures.national[period])])),
  };
  const monthlyChart = monthlyUsesChart(figures.date, figures.monthly);
  const sectorChart = sectorsChart(figures.date, figures.national.year.bySector);
  const byArea = tier === 'internal';
  return [
    { name: 'national.json', body: json(national), rows: periods.length, contentType: contentTypes.json },
    ...(byArea ? [{ name: 'areas.csv', ...areasCsv(figures), contentType: contentTypes.csv }] : []),
    { name: 'monthly.csv', ...monthlyCsv(figures), contentType: contentTypes.csv },
    ...(byArea ? [{ name: 'age-groups.csv', ...ageGroupsCsv(figures), contentType: contentTypes.csv }] : []),
    {
      name: 'charts/monthly-uses.svg',
      body: monthlyChart.svg,
      rows: monthlyChart.bars,
      contentType: contentTypes.svg,
    },
    {
      name: 'charts/sectors.svg',
      body: sectorChart.svg,
      rows: sectorChart.bars,
      contentType: contentTypes.svg,
    },
  ].map((file) => ({ ...file, name: `${tier}/${file.name}` }));
}

const csvRows = (body: Buffer) => body.toString('utf8').split('\n').length - 2;

export function manifestEntry(
  name: string,
  body: Buffer,
  rows: number,
  firstPublished?: string,
): ManifestFile {
  return {
    name,
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    rows,
    ...(firstPublished !== undefined && { firstPublished }),
  };
}

/** What a partner is shown: only the partner tier's files. */
/** Of the source, a partner learns when the figures were taken; nothing of how the register stores them. */
const partnerSource = ['asOf'];

export function partnerManifest(manifest: Manifest): Manifest {
  return {
    ...manifest,
    source: Object.fromEntries(
      Object.entries(manifest.source).filter(([key]) => partnerSource.includes(key)),
    ),
    files: manifest.files.filter((file) => file.name.startsWith('partner/')),
  };
}

export function latestPointer(date: string): { date: string; manifest: string } {
  return { date, manifest: `${snapshotPrefix(date)}manifest.json` };
}

/** snapshots/latest.json pointing at the snapshot of `date`. */
export function latestObject(date: string): SnapshotObject {
  return {
    key: latestKey,
    body: Buffer.from(json(latestPointer(date)), 'utf8'),
    contentType: contentTypes.json,
  };
}

interface DataFile {
  readonly name: string;
  readonly buffer: Buffer;
  readonly rows: number;
  readonly contentType: string;
  readonly firstPublished?: string;
}

export interface BuildOptions {
  readonly generatedAt: string;
  /** The archive of closed periods published so far (names relative to snapshots/closed-periods/). */
  readonly archived?: readonly ArchivedFile[];
}

/**
 * Every object of the snapshot of `input.date`. `generatedAt` (an ISO instant) is the only thing
 * outside the input that reaches the output, and only the manifest holds it. Asynchronous only because
 * the disclosure audit's solver loads asynchronously (on the days a period closes).
 */
export async function buildSnapshot(input: SnapshotInput, options: BuildOptions): Promise<Snapshot> {
  const exact = prepareInput(input);
  const closed = await publishClosedPeriods(exact.date, input.closedPeriods ?? [], options.archived ?? []);
  const prefix = snapshotPrefix(exact.date);
  const daily = [...tierFiles('internal', exact), ...tierFiles('partner', exact)].map(
    (file): DataFile => ({ ...file, buffer: Buffer.from(file.body, 'utf8') }),
  );
  const closedFiles: DataFile[] = [
    ...closed.nationalFiles.map((file) => ({
      name: file.name,
      buffer: file.body,
      rows: csvRows(file.body),
      contentType: contentTypes.csv,
    })),
    ...closed.periods.flatMap((period) =>
      period.files.map((file) => {
        const isJson = file.name.endsWith('.json');
        return {
          name: file.name,
          buffer: file.body,
          rows: isJson ? 1 : csvRows(file.body),
          contentType: isJson ? contentTypes.json : contentTypes.csv,
          firstPublished: period.disclosure.firstPublished,
        };
      }),
    ),
  ];
  const files = [...daily, ...closedFiles];
  const manifest: Manifest = {
    date: exact.date,
    generatedAt: options.generatedAt,
    schemaVersion,
    source: canonical(input.source) as Manifest['source'],
    files: files.map((file) => manifestEntry(file.name, file.buffer, file.rows, file.firstPublished)),
  };
  const objects: SnapshotObject[] = [
    ...files.map((file) => ({
      key: `${prefix}${file.name}`,
      body: file.buffer,
      contentType: file.contentType,
    })),
    {
      key: `${prefix}manifest.json`,
      body: Buffer.from(json(manifest), 'utf8'),
      contentType: contentTypes.json,
    },
    latestObject(exact.date),
  ];
  const archive = closed.archive.map((file) => ({
    key: `${archivePrefix}${file.name}`,
    body: file.body,
    contentType: file.name.endsWith('.json') ? contentTypes.json : contentTypes.csv,
  }));
  return { archive, objects, manifest, disclosure: closed.report };
}
