// Paged queries shared by every listing: one key condition, an opaque position, and a refused cursor
// reported as the client's mistake.
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { badCursor, type Position } from '../lib/cursor.ts';
import { addDays, nextMonth } from '../lib/dates.ts';
import { documentClient } from './client.ts';
import { tableName } from './table.ts';

export interface Page<T> {
  readonly items: T[];
  readonly next?: Position;
}

export interface KeyCondition {
  readonly index?: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly partition: string;
  /** Sort key BETWEEN lower AND upper, or begins_with(prefix). */
  readonly lower?: string;
  readonly upper?: string;
  readonly prefix?: string;
  /** Newest (largest sort key) first. */
  readonly descending?: boolean;
}

export async function queryPage(
  condition: KeyCondition,
  limit: number,
  startKey?: Record<string, string>,
): Promise<Page<Record<string, unknown>>> {
  const sortCondition =
    condition.lower !== undefined
      ? ' AND #sk BETWEEN :lower AND :upper'
      : condition.prefix !== undefined
        ? ' AND begins_with(#sk, :prefix)'
        : '';
  const input: QueryCommandInput = {
    TableName: tableName(),
    IndexName: condition.index,
    KeyConditionExpression: `#pk = :pk${sortCondition}`,
    ExpressionAttributeNames: {
      '#pk': condition.partitionKey,
      ...(sortCondition && { '#sk': condition.sortKey }),
    },
    ExpressionAttributeValues: {
      ':pk': condition.partition,
      ...(condition.lower !== undefined && { ':lower': condition.lower, ':upper': condition.upper }),
      ...(condition.prefix !== undefined && { ':prefix': condition.prefix }),
    },
    Limit: limit,
    ExclusiveStartKey: startKey,
    ...(condition.descending && { ScanIndexForward: false }),
  };
  try {
    const page = await documentClient().send(new QueryCommand(input));
    const next = page.LastEvaluatedKey as Record<string, string> | undefined;
    return { items: page.Items ?? [], ...(next && { next: { key: next } }) };
  } catch (error) {
    // A start key DynamoDB refuses came from a cursor the client changed.
    if (startKey && error instanceof Error && error.name === 'ValidationException') throw badCursor();
    throw error;
  }
}

/** Time-ordered listings over month partitions (national uses, audit), resumable mid-month. */
export async function monthByMonth<T>(
  range: { from: string; to: string },
  limit: number,
  position: { key?: Record<string, string>; month?: string } | undefined,
  /** One month's query; `limit` is what is left of the page, so a page never holds more than asked. */
  page: (month: string, startKey: Record<string, string> | undefined, limit: number) => Promise<Page<T>>,
  /** Days read beyond each end: 1 for UTC instants (a Helsinki day spans two UTC days), 0 for Helsinki days. */
  marginDays: 0 | 1 = 1,
): Promise<Page<T>> {
  const first = addDays(range.from, -marginDays).slice(0, 7);
  const last = addDays(range.to, marginDays).slice(0, 7);
  let month = position?.month ?? first;
  // A cursor from another range would walk months the query never asked for.
  if (month < first || month > last) throw badCursor();
  let startKey = position?.key;
  const items: T[] = [];
  while (month <= last) {
    const result = await page(month, startKey, limit - items.length);
    items.push(...result.items);
    if (result.next) return { items, next: { key: result.next.key, month } };
    month = nextMonth(month);
    startKey = undefined;
    if (items.length >= limit) return month <= last ? { items, next: { month } } : { items };
  }
  return { items };
}
