// Recorded uses. The happy path of a use is one TransactWriteItems: the use (also its idempotency
// record), the card's count and first-use day, the area's daily counters, and the venue's checks.
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { badCursor } from '../cursor.ts';
import { addDays } from '../dates.ts';
import type { Card } from '../domain/cards.ts';
import type { Refusal, Usage, VenueRef } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { cardFromItem } from './cards.ts';
import { documentClient } from './client.ts';
import {
  cardKey,
  organisationKey,
  takenIntoUseSort,
  usageKey,
  usagesOfArea,
  usagesOfMonth,
  usagesOfVenue,
  usageTimeSort,
  useAggregateKey,
  venueCardDayKey,
} from './keys.ts';
import { type TransactItem, transactWrite } from './transact.ts';

const month = (day: string) => day.slice(0, 7);

function usageItem(usage: Usage) {
  const sort = usageTimeSort(usage.occurredAt, usage.usageId);
  return {
    ...usageKey(usage.usageId),
    entity: 'usage',
    gsi1pk: usagesOfVenue(usage.venueId),
    gsi1sk: sort,
    gsi2pk: usagesOfArea(usage.areaId),
    gsi2sk: sort,
    gsi3pk: usagesOfMonth(month(usage.day)),
    gsi3sk: sort,
    ...usage,
  };
}

function usageFromItem(item: Record<string, unknown>): Usage {
  const { pk, sk, entity, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, ...usage } = item;
  return usage as unknown as Usage;
}

function aggregateUpdate(usage: Usage, sign: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: useAggregateKey(usage.areaId, usage.day, usage.sector),
      UpdateExpression: 'ADD adultUses :adults, childUses :children, records :records',
      ExpressionAttributeValues: {
        ':adults': sign * usage.adults,
        ':children': sign * usage.children,
        ':records': sign,
      },
    },
  };
}

/** The items of a use's single write, in the order writeUsage reads the refusal reasons. */
export function usageTransactItems(usage: Usage, venue: VenueRef): TransactItem[] {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: usageItem(usage),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: cardKey(usage.cardNumber),
        UpdateExpression:
          'ADD useCount :one SET lastUsedAt = :at, firstUsedOn = if_not_exists(firstUsedOn, :day), gsi2sk = if_not_exists(gsi2sk, :taken)',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND issuedOn <= :day AND validUntil >= :day AND adultAllowance >= :adults AND childAllowance >= :children',
        ExpressionAttributeValues: {
          ':one': 1,
          ':at': usage.occurredAt,
          ':day': usage.day,
          ':taken': takenIntoUseSort(usage.day, usage.cardNumber),
          ':adults': usage.adults,
          ':children': usage.children,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    aggregateUpdate(usage, 1),
    {
      ConditionCheck: {
        TableName: tableName(),
        Key: organisationKey(venue.venueId),
        ConditionExpression: '#status = :active AND kind = :venue',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active', ':venue': 'venue' },
      },
    },
  ];
  if (venue.cardLimitPerDay !== undefined) {
    items.push({
      Update: {
        TableName: tableName(),
        Key: venueCardDayKey(venue.venueId, usage.cardNumber, usage.day),
        UpdateExpression: 'ADD uses :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(uses) OR uses < :limit',
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': venue.cardLimitPerDay,
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
  const [usageOutcome, cardOutcome, , venueOutcome, limitOutcome] = cancelled;
  return {
    usageConflict: usageOutcome?.conditionFailed ?? false,
    existingUsage: usageOutcome?.old ? usageFromItem(usageOutcome.old) : undefined,
    cardFailed: cardOutcome?.conditionFailed ?? false,
    card: cardOutcome?.old ? (cardFromItem(cardOutcome.old) as Card) : undefined,
    venueFailed: venueOutcome?.conditionFailed ?? false,
    limitFailed: limitOutcome?.conditionFailed ?? false,
  };
}

export async function getUsage(usageId: string): Promise<Usage | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: usageKey(usageId) }),
  );
  return Item ? usageFromItem(Item) : undefined;
}

/** Marks the use voided and takes it out of every counter; false if it was voided meanwhile. */
export async function voidUsage(usage: Usage, now: Date): Promise<boolean> {
  const cancelled = await transactWrite([
    {
      Update: {
        TableName: tableName(),
        Key: usageKey(usage.usageId),
        UpdateExpression: 'SET voided = :true, voidedAt = :at',
        ConditionExpression: 'voided = :false',
        ExpressionAttributeValues: { ':true': true, ':false': false, ':at': now.toISOString() },
      },
    },
    aggregateUpdate(usage, -1),
    {
      Update: {
        TableName: tableName(),
        Key: cardKey(usage.cardNumber),
        UpdateExpression: 'ADD useCount :minus',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':minus': -1 },
      },
    },
  ]);
  return cancelled === undefined;
}

export type UsageScope = { venueId: string } | { areaId: string } | { national: true };

export interface UsagePage {
  readonly items: Usage[];
  readonly next?: Record<string, unknown>;
}

/**
 * Uses that occurred in [from, to] (Helsinki days; instants compared in UTC with a day of margin and
 * then filtered exactly by day), oldest first. National listings walk month partitions in order.
 */
export async function listUsages(
  scope: UsageScope,
  range: { from: string; to: string },
  limit: number,
  after?: { month?: string; key?: Record<string, unknown> },
): Promise<UsagePage & { nextMonth?: string }> {
  const lower = `${addDays(range.from, -1)}T`;
  const upper = `${addDays(range.to, 1)}T~`;
  const query = (
    index: string,
    partitionKey: string,
    partition: string,
    startKey?: Record<string, unknown>,
  ) => {
    const input: QueryCommandInput = {
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
      ExpressionAttributeNames: {
        '#pk': partitionKey,
        '#sk': partitionKey.replace('pk', 'sk'),
        '#day': 'day',
      },
      ExpressionAttributeValues: {
        ':pk': partition,
        ':lower': lower,
        ':upper': upper,
        ':from': range.from,
        ':to': range.to,
      },
      FilterExpression: '#day BETWEEN :from AND :to',
      Limit: limit,
      ExclusiveStartKey: startKey,
    };
    return documentClient()
      .send(new QueryCommand(input))
      .catch((error: unknown) => {
        // A start key that DynamoDB refuses came from a cursor the client changed.
        if (startKey && error instanceof Error && error.name === 'ValidationException') throw badCursor();
        throw error;
      });
  };
  if ('venueId' in scope || 'areaId' in scope) {
    const [index, partitionKey, partition] =
      'venueId' in scope
        ? ['gsi1', 'gsi1pk', usagesOfVenue(scope.venueId)]
        : ['gsi2', 'gsi2pk', usagesOfArea(scope.areaId)];
    const page = await query(index, partitionKey, partition, after?.key);
    return { items: (page.Items ?? []).map(usageFromItem), next: page.LastEvaluatedKey };
  }
  let current = after?.month ?? month(addDays(range.from, -1));
  let startKey = after?.key;
  const last = month(addDays(range.to, 1));
  const items: Usage[] = [];
  while (current <= last) {
    const page = await query('gsi3', 'gsi3pk', usagesOfMonth(current), startKey);
    items.push(...(page.Items ?? []).map(usageFromItem));
    if (page.LastEvaluatedKey) return { items, next: page.LastEvaluatedKey, nextMonth: current };
    current = nextMonth(current);
    startKey = undefined;
    if (items.length >= limit) return current <= last ? { items, nextMonth: current } : { items };
  }
  return { items };
}

function nextMonth(yyyyMm: string): string {
  const [year, mon] = yyyyMm.split('-').map(Number) as [number, number];
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}
