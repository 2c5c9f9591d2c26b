// The statistics snapshot of one day: read the counters, build the files (buildSnapshot), write them to
// the statistics bucket in order, then record the snapshot in the table's index. The nightly schedule,
// POST /v1/stats/snapshots and `npm run snapshot` all come here.
import { createHash } from 'node:crypto';
import type { Area } from '../../domain/organisations.ts';
import { now as clockNow } from '../../lib/clock.ts';
import { mapLimit } from '../../lib/concurrency.ts';
import { today } from '../../lib/dates.ts';
import { deleteObject, getObject, listKeys, putObject } from '../../store/s3.ts';
import {
  allAreas,
  areaConcurrency,
  newReadCount,
  putSnapshotRecord,
  type ReadCount,
  readAggregates,
  snapshotBefore,
} from '../../store/stats.ts';
import { tableName } from '../../store/table.ts';
import type { AreaSnapshotRows } from '../counting/area-rows.ts';
import { snapshotInput } from '../counting/assemble.ts';
import { periodStart, takenIntoUseIn } from '../counting/counters.ts';
import { type DisclosureReport, fileKinds } from '../disclosure/partner.ts';
import { type ArchivedFile, archivePrefix } from '../files/archive.ts';
import { buildSnapshot, latestKey, latestObject, type SnapshotObject } from './files.ts';
import { checkSnapshotDate } from './snapshot-date.ts';

export interface SnapshotRun {
  readonly date: string;
  /** The manifest's generatedAt, which the snapshot listing calls createdAt. */
  readonly createdAt: string;
  readonly files: number;
  /** Data rows over every file of the manifest. */
  readonly rows: number;
  /** DynamoDB items the snapshot examined, and the requests that read them. */
  readonly itemsRead: number;
  readonly requests: number;
  /** Whether snapshots/latest.json now points at this snapshot. */
  readonly latest: boolean;
  readonly disclosure: {
    /** Closed periods published for the first time by this run. */
    readonly newPeriods: readonly string[];
    /** Rows of areas left out of new periods' files because they could not be protected. */
    readonly leftOut: number;
    /** Share of the non-zero area counts hidden in the snapshot's closed-period files, by kind of file. */
    readonly hiddenShare: Readonly<Record<string, number | null>>;
    readonly auditMillis: number;
  };
}

export type ObjectWriter = (object: SnapshotObject) => Promise<void>;

const writeToBucket: ObjectWriter = (object) => putObject(object.key, object.body, object.contentType);

/** Every counter of the area up to D, with consistent reads: a published figure must not lag. */
async function readArea(area: Area, date: string, count: ReadCount): Promise<AreaSnapshotRows> {
  const yearStart = periodStart(date, 'year');
  const monthStart = periodStart(date, 'month');
  const rows = await readAggregates(area.areaId, { to: date, ages: true }, count, { consistent: true });
  return {
    area,
    rows,
    takenIntoUse: {
      day: takenIntoUseIn(rows.cards, date, date),
      month: takenIntoUseIn(rows.cards, monthStart, date),
      year: takenIntoUseIn(rows.cards, yearStart, date),
      all: takenIntoUseIn(rows.cards, '', date),
    },
  };
}

const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** How many archived files are read at once. */
const archiveConcurrency = 16;

/** The closed periods published so far, as the archive holds them: never recomputed, only carried. */
async function readArchive(): Promise<ArchivedFile[]> {
  const keys = await listKeys(archivePrefix);
  return mapLimit(keys, archiveConcurrency, async (key) => {
    const body = await getObject(key);
    if (body === undefined) throw new Error(`${key} was listed but could not be read`);
    return { name: key.slice(archivePrefix.length), body };
  });
}

function hiddenShare(report: DisclosureReport): Record<string, number | null> {
  return Object.fromEntries(
    fileKinds.map((kind) => {
      const { hidden, nonZero } = report.hidden[kind];
      return [kind, nonZero === 0 ? null : Math.round((hidden / nonZero) * 1000) / 1000];
    }),
  );
}

/**
 * Files are rewritten in place (their keys are the contract's), so recomputing the day latest.json
 * points at with changed figures would leave it pointing at a mix of old and new files if the run
 * stopped half way (S3 failing, a timeout). Before the first changed file is written, latest.json steps
 * back to the newest earlier snapshot that is complete (or goes, when there is none); the run moves it
 * forward again once the new manifest is written.
 */
async function stepBackIfRewritingLatest(
  date: string,
  manifest: SnapshotObject,
  files: readonly SnapshotObject[],
): Promise<void> {
  if ((await currentLatest()) !== date) return;
  const existing = await getObject(manifest.key);
  const listed = new Map<string, string>();
  try {
    const parsed = JSON.parse(existing?.toString('utf8') ?? '{}') as {
      files?: { name: string; sha256: string }[];
    };
    for (const file of parsed.files ?? []) listed.set(file.name, file.sha256);
  } catch {}
  const prefix = manifest.key.slice(0, -'manifest.json'.length);
  const unchanged = files.every((file) => listed.get(file.key.slice(prefix.length)) === sha256(file.body));
  if (unchanged && existing !== undefined) return;
  const earlier = await snapshotBefore(date);
  if (earlier) await writeToBucket(latestObject(earlier.date));
  else await deleteObject(latestKey);
}

async function currentLatest(): Promise<string | undefined> {
  const body = await getObject(latestKey);
  if (!body) return undefined;
  const parsed = JSON.parse(body.toString('utf8')) as { date?: unknown };
  return typeof parsed.date === 'string' ? parsed.date : undefined;
}

/**
 * Writes the snapshot of `date`. The data files go first (in parallel), then manifest.json, then
 * snapshots/latest.json, then the index item that lists it. latest.json only moves forward and only to a
 * finished day: recomputing an old day, or taking today's figures so far, leaves it where it is.
 */
export async function runSnapshot(
  date: string,
  options: { readonly now?: Date; readonly write?: ObjectWriter } = {},
): Promise<SnapshotRun> {
  const now = options.now ?? clockNow();
  const problem = checkSnapshotDate(date, now);
  if (problem) throw new Error(`snapshot date ${date} ${problem}`);
  const write = options.write ?? writeToBucket;

  const count = newReadCount();
  const areas = await allAreas();
  const rows = await mapLimit(areas, areaConcurrency, (area) => readArea(area, date, count));
  const source = {
    table: tableName(),
    counters: 'daily aggregates per area (AGG#<area>: CARDS#, USES#, AGES# items of days up to the date)',
    asOf: `${date} (days are Europe/Helsinki days; everything recorded for them when generatedAt says)`,
    computedFrom: { areas: areas.length, itemsRead: count.items, requests: count.requests },
  };
  const snapshot = await buildSnapshot(snapshotInput(date, rows, source), {
    generatedAt: now.toISOString(),
    archived: await readArchive(),
  });

  // New closed periods into the archive first, one after the other: each period's disclosure record
  // comes last, and a period counts as published once it is there.
  for (const object of snapshot.archive) await write(object);
  const objects = snapshot.objects;
  const latest = objects[objects.length - 1]!;
  const manifest = objects[objects.length - 2]!;
  if (latest.key !== latestKey) throw new Error('buildSnapshot changed its write order');
  const files = objects.slice(0, -2);
  if (options.write === undefined) await stepBackIfRewritingLatest(date, manifest, files);
  // Every write settles before the run answers: a failed run leaves nothing in flight behind it (in
  // Lambda the process would freeze mid-write), and what it did write is there when the caller looks.
  const outcomes = await Promise.allSettled(files.map(write));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  await write(manifest);
  const previous = await currentLatest();
  const movesLatest = date < today(now) && (previous === undefined || previous <= date);
  if (movesLatest) await write(latest);
  await putSnapshotRecord({
    date,
    createdAt: snapshot.manifest.generatedAt,
    manifestKey: manifest.key,
    manifestSha256: sha256(manifest.body),
    manifest: manifest.body.toString('utf8'),
  });

  const report = snapshot.disclosure;
  const shares = hiddenShare(report);
  console.log(
    JSON.stringify({
      level: 'info',
      event: 'snapshot.disclosure',
      date,
      newPeriods: report.newPeriods,
      hiddenShare: shares,
      leftOut: report.leftOut.length,
      audit: report.audit,
    }),
  );
  if (report.leftOut.length > 0)
    console.warn(
      JSON.stringify({ level: 'warn', event: 'snapshot.disclosure.left-out', date, rows: report.leftOut }),
    );
  return {
    date,
    createdAt: snapshot.manifest.generatedAt,
    files: snapshot.manifest.files.length,
    rows: snapshot.manifest.files.reduce((sum, file) => sum + (file.rows ?? 0), 0),
    itemsRead: count.items,
    requests: count.requests,
    latest: movesLatest,
    disclosure: {
      newPeriods: report.newPeriods,
      leftOut: report.leftOut.length,
      hiddenShare: shares,
      auditMillis: report.audit.millis,
    },
  };
}
