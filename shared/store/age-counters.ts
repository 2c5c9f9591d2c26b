// Uses by the holder's birth year, for the statistics' age groups. A use does not know its holder's
// birth year when it is written (that would cost a read on the request path), so these counters are
// kept from the table's stream: each use is counted once, with a marker written in the same
// transaction, so a stream record delivered twice changes nothing.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Usage } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import { ageCountedKey, ageUsesKey, cardKey } from './keys.ts';
import { transactWrite } from './transact.ts';

export const ageAttribute = (birthYear: number | undefined) => `uses_${birthYear ?? 'unknown'}`;

/** Birth years of the named cards (absent for community cards). */
export async function birthYears(cardNumbers: readonly string[]): Promise<Map<string, number | undefined>> {
  const years = new Map<string, number | undefined>();
  const unique = [...new Set(cardNumbers)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(cardKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({
          RequestItems: { [tableName()]: { Keys: keys, ProjectionExpression: 'cardNumber, birthYear' } },
        }),
      );
      for (const item of result.Responses?.[tableName()] ?? [])
        years.set(item.cardNumber as string, item.birthYear as number | undefined);
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return years;
}

/** Stream records come again for at most a day; the marker outlives that, then TTL removes it. */
const markerLifetimeSeconds = 3 * 86_400;

/**
 * Adds (sign 1, a new use) or takes back (sign -1, a voided use) the use's persons under its holder's
 * birth year; false when this use was already counted that way. The marker is an item of its own: writing
 * it on the use would rewrite the use's three index entries too.
 */
export async function countAgeUses(
  usage: Usage,
  birthYear: number | undefined,
  sign: 1 | -1,
): Promise<boolean> {
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...ageCountedKey(usage.usageId, sign),
          expiresAt: Math.floor(Date.now() / 1000) + markerLifetimeSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: ageUsesKey(usage.areaId, usage.day),
        UpdateExpression: 'ADD #uses :persons',
        ExpressionAttributeNames: { '#uses': ageAttribute(birthYear) },
        ExpressionAttributeValues: { ':persons': sign * (usage.adults + usage.children) },
      },
    },
  ]);
  return cancelled === undefined;
}
