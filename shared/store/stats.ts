// Reading the statistics counters (docs/data-model.md): an area's daily aggregates in its AGG#
// partition. Never the uses or the cards themselves.
// Every request is counted, with the items DynamoDB examined, so that a snapshot can say what it was
// computed from and the bench can report what a snapshot reads.

import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type Sector, sectors } from '../contract/roles.ts';
import type { Area } from '../domain/organisations.ts';
import { addDays, previousMonth } from '../lib/dates.ts';
import { documentClient } from './client.ts';
import { aggregatePartition, snapshotIndexKey, snapshotsPartition, useCounters } from './keys.ts';
import { listAreas } from './organisations.ts';
import { type Page, queryPage } from './query.ts';
import { tableName } from './table.ts';

export interface ReadCount {
  /** Items DynamoDB examined (ScannedCount): what the reads cost, whether or not they were returned. */
  items: number;
  requests: number;
}

/** How many areas are read at once: enough to hide latency, few enough not to spike the table. */
export const areaConcurrency = 8;

export const newReadCount = (): ReadCount => ({ items: 0, requests: 0 });

/**
 * A day's card counters, summed over its items (`CARDS#<day>` and its shards `CARDS#<day>#<n>`): cards
 * registered that day (in total and by the holder's birth year), the active delta, and cards taken into
 * use that day (kept from the table's stream).
 */
export interface CardDay {
  readonly day: string;
  readonly registered: number;
  /** `registered_<birthYear>`, `registered_unknown` (community cards), keyed by what follows `_`. */
  readonly registeredByBirthYear: Readonly<Record<string, number>>;
  readonly activeDelta: number;
  readonly takenIntoUse: number;
}

/** One sector's counters of a `USES#<day>` item. */
export interface UseDay {
  readonly day: string;
  readonly sector: Sector;
  readonly adultUses: number;
  readonly childUses: number;
}

/** `AGES#<day>`: persons admitted that day by the holder's birth year (kept from the table's stream). */
export interface AgeDay {
  readonly day: string;
  readonly usesByBirthYear: Readonly<Record<string, number>>;
}

export interface AggregateRows {
  readonly cards: CardDay[];
  readonly uses: UseDay[];
  readonly ages: AgeDay[];
}

/** Lower than every day: an open start of a range. */
const beginning = '0000-00-00';

async function queryAll(input: QueryCommandInput, count: ReadCount): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    count.requests++;
    count.items += page.ScannedCount ?? 0;
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function aggregateQuery(
  areaId: string,
  lower: string,
  upper: string,
  consistent: boolean,
): QueryCommandInput {
  return {
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
    ExpressionAttributeValues: { ':pk': aggregatePartition(areaId), ':lower': lower, ':upper': upper },
    ConsistentRead: consistent,
  };
}

const numberOf = (value: unknown): number => (typeof value === 'number' ? value : 0);

function byPrefix(item: Record<string, unknown>, prefix: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, value] of Object.entries(item))
    if (name.startsWith(prefix)) found[name.slice(prefix.length)] = numberOf(value);
  return found;
}

const dayOf = (sortKey: unknown, prefix: string) => String(sortKey).slice(prefix.length, prefix.length + 10);

/** One row a day: a day's card counters are spread over several items (store/keys.ts). */
function mergeDays(rows: readonly CardDay[]): CardDay[] {
  const byDay = new Map<string, CardDay>();
  for (const row of rows) {
    const seen = byDay.get(row.day);
    if (!seen) {
      byDay.set(row.day, row);
      continue;
    }
    const byBirthYear: Record<string, number> = { ...seen.registeredByBirthYear };
    for (const [year, count] of Object.entries(row.registeredByBirthYear))
      byBirthYear[year] = (byBirthYear[year] ?? 0) + count;
    byDay.set(row.day, {
      day: row.day,
      registered: seen.registered + row.registered,
      registeredByBirthYear: byBirthYear,
      activeDelta: seen.activeDelta + row.activeDelta,
      takenIntoUse: seen.takenIntoUse + row.takenIntoUse,
    });
  }
  return [...byDay.values()];
}

/**
 * An area's daily counters up to and including `to`: card counters from the very first day (cards
 * active on `to` is the sum of every delta before it), use counters from `usesFrom`, and, if asked for,
 * the age counters: day by day in `to`'s month, and as month totals before it (each dated the 1st of
 * its month), so their cost does not grow with the birth years seen each day. Counters of later days
 * (future expiries) are not read.
 */
export async function readAggregates(
  areaId: string,
  range: { readonly usesFrom?: string; readonly to: string; readonly ages: boolean },
  count: ReadCount,
  options: { readonly consistent?: boolean } = {},
): Promise<AggregateRows> {
  const consistent = options.consistent ?? false;
  const from = range.usesFrom ?? beginning;
  const monthStart = `${range.to.slice(0, 7)}-01`;
  const [cardItems, useItems, ageItems, ageMonthItems] = await Promise.all([
    // `#~` takes the day's shards too (`CARDS#<day>#<n>`, store/keys.ts).
    queryAll(aggregateQuery(areaId, 'CARDS#', `CARDS#${range.to}#~`, consistent), count),
    queryAll(aggregateQuery(areaId, `USES#${from}`, `USES#${range.to}`, consistent), count),
    range.ages
      ? queryAll(
          aggregateQuery(
            areaId,
            `AGES#${from > monthStart ? from : monthStart}`,
            `AGES#${range.to}`,
            consistent,
          ),
          count,
        )
      : Promise.resolve([]),
    range.ages && from < monthStart
      ? queryAll(
          aggregateQuery(
            areaId,
            `AGEMONTH#${from.slice(0, 7)}`,
            `AGEMONTH#${previousMonth(range.to.slice(0, 7))}`,
            consistent,
          ),
          count,
        )
      : Promise.resolve([]),
  ]);
  const cards = mergeDays(
    cardItems.map(
      (item): CardDay => ({
        day: dayOf(item.sk, 'CARDS#'),
        registered: numberOf(item.registered),
        registeredByBirthYear: byPrefix(item, 'registered_'),
        activeDelta: numberOf(item.activeDelta),
        takenIntoUse: numberOf(item.takenIntoUse),
      }),
    ),
  );
  const uses = useItems.flatMap((item): UseDay[] =>
    sectors.map((sector) => {
      const names = useCounters(sector);
      return {
        day: dayOf(item.sk, 'USES#'),
        sector,
        adultUses: numberOf(item[names.adultUses]),
        childUses: numberOf(item[names.childUses]),
      };
    }),
  );
  const ages = [
    ...ageMonthItems.map(
      (item): AgeDay => ({
        day: `${String(item.sk).slice('AGEMONTH#'.length)}-01`,
        usesByBirthYear: byPrefix(item, 'uses_'),
      }),
    ),
    ...ageItems.map(
      (item): AgeDay => ({ day: dayOf(item.sk, 'AGES#'), usesByBirthYear: byPrefix(item, 'uses_') }),
    ),
  ];
  return { cards, uses, ages };
}

/** Every area, active or not (a few hundred at most: one page each of up to 500). */
export async function allAreas(): Promise<Area[]> {
  const areas: Area[] = [];
  let startKey: Record<string, string> | undefined;
  do {
    const page = await listAreas(500, startKey);
    areas.push(...page.items);
    startKey = page.next?.key;
  } while (startKey);
  return areas;
}

/** A snapshot whose files are all in the bucket: written after snapshots/latest.json. */
export interface SnapshotRecord {
  readonly date: string;
  /** The manifest's generatedAt. */
  readonly createdAt: string;
  readonly manifestKey: string;
  readonly manifestSha256: string;
}

/** The index item also holds the manifest itself (a few KB), so the API reads one item, not S3. */
export interface SnapshotRecordWithManifest extends SnapshotRecord {
  readonly manifest: string;
}

export async function putSnapshotRecord(record: SnapshotRecordWithManifest): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...snapshotIndexKey(record.date), entity: 'snapshot', ...record },
    }),
  );
}

function recordOf(item: Record<string, unknown>): SnapshotRecord {
  return {
    date: String(item.date),
    createdAt: String(item.createdAt),
    manifestKey: String(item.manifestKey),
    manifestSha256: String(item.manifestSha256),
  };
}

export async function getSnapshotRecord(date: string): Promise<SnapshotRecordWithManifest | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: snapshotIndexKey(date) }),
  );
  return Item ? { ...recordOf(Item), manifest: String(Item.manifest) } : undefined;
}

/** The newest snapshot of a day before `date` whose files were all written, if any. */
export async function snapshotBefore(date: string): Promise<SnapshotRecord | undefined> {
  const page = await queryPage(
    {
      partitionKey: 'pk',
      sortKey: 'sk',
      partition: snapshotsPartition,
      lower: '0',
      upper: addDays(date, -1),
      descending: true,
    },
    1,
  );
  return page.items[0] && recordOf(page.items[0]);
}

/** Snapshots, newest day first. */
export async function listSnapshotRecords(
  limit: number,
  startKey?: Record<string, string>,
): Promise<Page<SnapshotRecord>> {
  const page = await queryPage(
    { partitionKey: 'pk', sortKey: 'sk', partition: snapshotsPartition, descending: true },
    limit,
    startKey,
  );
  return { items: page.items.map(recordOf), ...(page.next && { next: page.next }) };
}
