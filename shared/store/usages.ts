// Recorded uses. The happy path of a use is one TransactWriteItems: the use (also its idempotency
// record), the card's count and first-use day, the area's daily counters, and the venue's checks.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Position } from '../cursor.ts';
import { addDays } from '../dates.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { Card } from '../domain/cards.ts';
import type { Refusal, Usage, VenueRef } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { auditPut } from './audit.ts';
import { cardFromItem } from './cards.ts';
import { documentClient } from './client.ts';
import {
  cardKey,
  organisationKey,
  usageKey,
  usagesOfArea,
  usagesOfMonth,
  usagesOfVenue,
  usageTimeSort,
  useAggregateKey,
  useCounters,
  venueCardDayKey,
} from './keys.ts';
import { type KeyCondition, monthByMonth, type Page, queryPage } from './query.ts';
import { type TransactItem, transactWrite } from './transact.ts';

const month = (day: string) => day.slice(0, 7);

/** The stored use, with its three listing keys (venue, area, national month). */
export function usageItem(usage: Usage) {
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
  const counters = useCounters(usage.sector);
  return {
    Update: {
      TableName: tableName(),
      Key: useAggregateKey(usage.areaId, usage.day),
      UpdateExpression: 'ADD #adults :adults, #children :children, #records :records',
      ExpressionAttributeNames: {
        '#adults': counters.adultUses,
        '#children': counters.childUses,
        '#records': counters.records,
      },
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
          'ADD useCount :one SET lastUsedAt = :at, firstUsedOn = if_not_exists(firstUsedOn, :day)',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(revokedAt) AND issuedOn <= :day AND validUntil >= :day AND adultAllowance >= :adults AND childAllowance >= :children',
        ExpressionAttributeValues: {
          ':one': 1,
          ':at': usage.occurredAt,
          ':day': usage.day,
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
export async function voidUsage(usage: Usage, now: Date, audit: AuditEntry): Promise<boolean> {
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
    auditPut(audit),
  ]);
  return cancelled === undefined;
}

export type UsageScope = { venueId: string } | { areaId: string } | { national: true };

/**
 * Uses that occurred in the Helsinki days [from, to], oldest first. `occurredAt` is UTC, so the key
 * condition is a day wider on each side and the `day` attribute makes the answer exact.
 */
export async function listUsages(
  scope: UsageScope,
  range: { from: string; to: string },
  limit: number,
  position?: Position,
): Promise<Page<Usage>> {
  const lower = `${addDays(range.from, -1)}T`;
  const upper = `${addDays(range.to, 1)}T~`;
  const page = async (
    condition: Omit<KeyCondition, 'lower' | 'upper'>,
    startKey?: Record<string, string>,
    pageLimit = limit,
  ) => {
    const result = await queryPage({ ...condition, lower, upper }, pageLimit, startKey);
    const items = result.items
      .map(usageFromItem)
      .filter((usage) => usage.day >= range.from && usage.day <= range.to);
    return { items, next: result.next };
  };
  if ('venueId' in scope)
    return page(
      { index: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', partition: usagesOfVenue(scope.venueId) },
      position?.key,
    );
  if ('areaId' in scope)
    return page(
      { index: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', partition: usagesOfArea(scope.areaId) },
      position?.key,
    );
  return monthByMonth(range, limit, position, (month, startKey, left) =>
    page(
      { index: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', partition: usagesOfMonth(month) },
      startKey,
      left,
    ),
  );
}
