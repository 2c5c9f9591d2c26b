// Recorded uses. The happy path of a use is one TransactWriteItems: the use (also its idempotency
// record, listed in its area's index only), the card's count, first-use day and the tallies of its day
// (behind the flags of abnormal use), and the venue's daily limit per card. Nothing in it is shared by the
// venue's other uses (the venue's status is read before it: shared/use-cases/record-usage.ts), so a venue's desks
// never hold an item another desk's transaction needs.
// The area's daily counters are kept from the table's stream (stream-counters.ts), batched.
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.ts';
import type { Card } from '../domain/cards.ts';
import { areasTally, tallyRemovals, usesTally } from '../domain/flags.ts';
import type { Refusal, Usage, VenueRef } from '../domain/usages.ts';
import { badCursor, type Position } from '../lib/cursor.ts';
import { addDays, helsinkiDate, helsinkiDayStart } from '../lib/dates.ts';
import { auditPut } from './audit.ts';
import { cardFromItem } from './cards.ts';
import { documentClient } from './client.ts';
import { cardKey, usageKey, usagesOfArea, usagesOfVenue, usageTimeSort, venueCardDayKey } from './keys.ts';
import { listAreas } from './organisations.ts';
import type { Page } from './query.ts';
import { tableName } from './table.ts';
import { type TransactItem, transactWrite } from './transact.ts';

/** The stored use, with its two listing keys by time: its area's partition of gsi2, its venue's of gsi4. */
export function usageItem(usage: Usage) {
  const sort = usageTimeSort(usage.occurredAt, usage.usageId);
  return {
    ...usageKey(usage.usageId),
    entity: 'usage',
    gsi2pk: usagesOfArea(usage.areaId),
    gsi2sk: sort,
    gsi4pk: usagesOfVenue(usage.venueId),
    gsi4sk: sort,
    ...usage,
  };
}

function usageFromItem(item: Record<string, unknown>): Usage {
  const {
    pk,
    sk,
    entity,
    gsi1pk,
    gsi1sk,
    gsi2pk,
    gsi2sk,
    gsi3pk,
    gsi3sk,
    gsi4pk,
    gsi4sk,
    ageCountedAt,
    ...usage
  } = item;
  return usage as unknown as Usage;
}

/** The items of a use's single write, in the order writeUsage reads the refusal reasons. */
export function usageTransactItems(usage: Usage, venue: VenueRef): TransactItem[] {
  const limited = venue.cardLimitPerDay !== undefined;
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        // The use says whether this write counts it for the limit, so a void frees exactly what it took.
        Item: usageItem(limited ? { ...usage, countedForVenueLimit: true } : usage),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: cardKey(usage.cardNumber),
        // The card's day tallies ride on the card's own update (the flags come from its stream record);
        // the days too old to change any more are removed so the card stays small (domain/flags.ts).
        UpdateExpression: `ADD useCount :one, ${usesTally(usage.day)} :one, ${areasTally(usage.day)} :area SET lastUsedAt = :at, firstUsedOn = if_not_exists(firstUsedOn, :day) REMOVE ${tallyRemovals(helsinkiDate(new Date(usage.recordedAt))).join(', ')}`,
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND issuedOn <= :day AND validUntil >= :day AND adultAllowance >= :adults AND childAllowance >= :children',
        ExpressionAttributeValues: {
          ':one': 1,
          ':area': new Set([usage.areaId]),
          ':at': usage.occurredAt,
          ':day': usage.day,
          ':adults': usage.adults,
          ':children': usage.children,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ];
  if (limited) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: venueCardDayKey(venue.venueId, usage.cardNumber, usage.day),
        UpdateExpression: 'ADD uses :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(uses) OR uses < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': venue.cardLimitPerDay ?? 0,
          // Kept two days past the day, then DynamoDB's TTL removes it.
          ':expires': Math.floor(Date.parse(`${addDays(usage.day, 2)}T00:00:00Z`) / 1000),
        },
      },
    });
  }
  return items;
}

/** Writes the use, or says why not (from the old items the refused conditions return: no extra read). */
export async function writeUsage(usage: Usage, venue: VenueRef): Promise<Refusal | undefined> {
  const items = usageTransactItems(usage, venue);
  const cancelled = await transactWrite(items);
  if (!cancelled) return undefined;
  const [usageOutcome, cardOutcome, limitOutcome] = cancelled;
  return {
    usageConflict: usageOutcome?.conditionFailed ?? false,
    existingUsage: usageOutcome?.old ? usageFromItem(usageOutcome.old) : undefined,
    cardFailed: cardOutcome?.conditionFailed ?? false,
    card: cardOutcome?.old ? (cardFromItem(cardOutcome.old) as Card) : undefined,
    limitFailed: limitOutcome?.conditionFailed ?? false,
  };
}

/** How many of the card's uses the venue's daily limit counts on the day (0 when none). */
export async function venueUsesOfDay(venueId: string, cardNumber: string, day: string): Promise<number> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: venueCardDayKey(venueId, cardNumber, day) }),
  );
  return typeof Item?.uses === 'number' ? Math.max(0, Item.uses) : 0;
}

export async function getUsage(usageId: string): Promise<Usage | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: usageKey(usageId) }),
  );
  return Item ? usageFromItem(Item) : undefined;
}

/**
 * Marks the use voided and takes it out of the card's count, its day's tally and the venue's daily count
 * for the card (a mistaken use never locks the holder out); false if it was voided meanwhile. The stream
 * takes it out of the area's and the age counters (the use's MODIFY record) and withdraws a flag that no
 * longer holds (the card's).
 */
export async function voidUsage(usage: Usage, now: Date, audit: AuditEntry): Promise<boolean> {
  const voiding: TransactItem[] = [
    {
      Update: {
        TableName: tableName(),
        Key: usageKey(usage.usageId),
        UpdateExpression: 'SET voided = :true, voidedAt = :at',
        ConditionExpression: 'voided = :false',
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': now.toISOString() },
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: cardKey(usage.cardNumber),
        // Out of its day's tally too; its area stays among the day's areas (another use may have been there).
        UpdateExpression: `ADD useCount :minus, ${usesTally(usage.day)} :minus`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minus': -1 },
      },
    },
    auditPut(audit),
  ];
  if (!usage.countedForVenueLimit) return (await transactWrite(voiding)) === undefined;
  const cancelled = await transactWrite([...voiding, freeVenueLimit(usage)]);
  if (cancelled === undefined) return true;
  const [usageOutcome] = cancelled;
  const countGone = cancelled.at(-1)?.conditionFailed === true;
  // The day's count is gone (its TTL removed it, days later): nothing to free, the void itself still holds.
  if (countGone && !usageOutcome?.conditionFailed) return (await transactWrite(voiding)) === undefined;
  return false;
}

/** One less in the venue's count of the card's day; never below zero, never a count made up. */
function freeVenueLimit(usage: Usage): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: venueCardDayKey(usage.venueId, usage.cardNumber, usage.day),
      UpdateExpression: 'ADD uses :minus',
      ConditionExpression: 'uses > :zero',
      ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
    },
  };
}

export type UsageScope = { venueId: string; areaId: string } | { areaId: string } | { national: true };

/** One time-ordered partition of uses: an area's (gsi2) or a venue's (gsi4). */
interface UsePartition {
  readonly index: 'gsi2' | 'gsi4';
  readonly partition: string;
}

/** The areas' partitions, every area once (the national list merges them). */
async function allAreaIds(): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, string> | undefined;
  do {
    const page = await listAreas(100, startKey);
    ids.push(...page.items.map((area) => area.areaId));
    startKey = page.next?.key;
  } while (startKey);
  return ids;
}

interface Entry {
  readonly sort: string;
  readonly usageId: string;
}

/**
 * One partition's index entries with sort keys in (after, upper], oldest first; `more` if it stopped early.
 * The bounds are exact instants, so every entry read is a use of the page's range: no filter, nothing read
 * beyond what the page needs.
 */
async function entriesAfter(
  source: UsePartition,
  after: string,
  upper: string,
  limit: number,
): Promise<{ entries: Entry[]; more: boolean }> {
  const result = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: source.index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
      ExpressionAttributeNames: { '#pk': `${source.index}pk`, '#sk': `${source.index}sk` },
      ExpressionAttributeValues: { ':pk': source.partition, ':lower': after, ':upper': upper },
      // Only what the merge reads: the time key and the use's own key.
      ProjectionExpression: '#sk, pk',
      Limit: limit,
    }),
  );
  const sortName = `${source.index}sk`;
  const entries = (result.Items ?? [])
    .map((item) => ({ sort: String(item[sortName]), usageId: String(item.pk).slice('USAGE#'.length) }))
    // BETWEEN includes its lower end: the entry the cursor names was on the previous page.
    .filter((entry) => entry.sort > after);
  return { entries, more: result.LastEvaluatedKey !== undefined };
}

/** The uses themselves, in the order given (BatchGetItem, a hundred keys a request). */
async function usagesById(ids: readonly string[]): Promise<Usage[]> {
  const found = new Map<string, Usage>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map(usageKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const usage = usageFromItem(item);
        found.set(usage.usageId, usage);
      }
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return ids.flatMap((id) => {
    const usage = found.get(id);
    return usage ? [usage] : [];
  });
}

/**
 * Uses that occurred in the Helsinki days [from, to], oldest first. The key condition runs from the UTC
 * instant the first day begins to the one the day after the last begins, so a page reads its own uses and
 * at most one more per partition, whatever the partition holds. A venue reads its own partition (gsi4), an
 * area its own (gsi2), the national list every area's, merged by sort key. The cursor is the sort key of
 * the last use looked at, so each page starts right after it in every partition: each use is listed
 * exactly once however the pages fall.
 */
export async function listUsages(
  scope: UsageScope,
  range: { from: string; to: string },
  limit: number,
  position?: Position,
): Promise<Page<Usage>> {
  const lower = helsinkiDayStart(range.from).toISOString();
  const upper = helsinkiDayStart(addDays(range.to, 1)).toISOString();
  // A cursor names its list (another caller's, or another list's, is refused) and the last use looked at.
  const list =
    'national' in scope
      ? 'NATIONAL'
      : 'venueId' in scope
        ? `VENUE#${scope.venueId}`
        : usagesOfArea(scope.areaId);
  const cursor = position?.key?.after;
  if (position && (cursor === undefined || position.key?.list !== list || cursor < lower || cursor > upper))
    throw badCursor();
  const sources: UsePartition[] =
    'national' in scope
      ? (await allAreaIds()).map((areaId) => ({ index: 'gsi2', partition: usagesOfArea(areaId) }))
      : 'venueId' in scope
        ? [{ index: 'gsi4', partition: usagesOfVenue(scope.venueId) }]
        : [{ index: 'gsi2', partition: usagesOfArea(scope.areaId) }];
  let after = cursor ?? lower;
  let open = sources;
  let done = false;
  const page: string[] = [];
  while (!done) {
    const reads = await Promise.all(
      open.map(async (source) => ({
        source,
        ...(await entriesAfter(source, after, upper, limit - page.length + 1)),
      })),
    );
    // Merged only up to where every partition that stopped early is known: beyond that one of them may
    // hold an earlier use than the others show (those come again in the next round).
    const horizon =
      reads
        .filter((read) => read.more)
        .map((read) => read.entries.at(-1)?.sort ?? after)
        .sort()[0] ?? unbounded;
    const merged = reads
      .flatMap((read) => read.entries)
      .filter((entry) => entry.sort <= horizon)
      .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
    let left = merged.length;
    for (const entry of merged) {
      after = entry.sort;
      left--;
      page.push(entry.usageId);
      if (page.length >= limit) break;
    }
    if (merged.length === 0 && horizon !== unbounded) after = horizon;
    open = reads.filter((read) => read.more).map((read) => read.source);
    if (open.length === 0 && left === 0) done = true;
    else if (page.length >= limit) break;
  }
  const items = await usagesById(page);
  return done ? { items } : { items, next: { key: { list, after } } };
}

/** Above every sort key (they are ISO instants and ids). */
const unbounded = '~';
