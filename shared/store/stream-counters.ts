// Counters kept from the table's stream, off the request path: uses by the holder's birth year (for the
// age groups: a use does not know its holder's birth year when it is written) and cards taken into use
// (a use does not know whether it is the card's first). Each change is counted once: a marker item is
// written in the same transaction, so a stream record delivered twice changes nothing.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Card } from '../domain/cards.ts';
import type { Usage } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import { ageMonthUsesKey, ageUsesKey, cardAggregateKey, cardKey, countedMarkerKey } from './keys.ts';
import { type TransactItem, transactWrite } from './transact.ts';

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

/** The counter change and its marker, together; false when this change was already counted. */
async function countOnce(marker: { pk: string; sk: string }, counters: TransactItem[]): Promise<boolean> {
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: { ...marker, expiresAt: Math.floor(Date.now() / 1000) + markerLifetimeSeconds },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...counters,
  ]);
  return cancelled === undefined;
}

const add = (key: { pk: string; sk: string }, attribute: string, amount: number): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: key,
    UpdateExpression: 'ADD #counter :amount',
    ExpressionAttributeNames: { '#counter': attribute },
    ExpressionAttributeValues: { ':amount': amount },
  },
});

/** Adds (1, a new use) or takes back (-1, a voided use) the use's persons under the holder's birth year. */
export function countAgeUses(usage: Usage, birthYear: number | undefined, sign: 1 | -1): Promise<boolean> {
  const persons = sign * (usage.adults + usage.children);
  return countOnce(countedMarkerKey(sign > 0 ? 'USE' : 'VOID', usage.usageId), [
    add(ageUsesKey(usage.areaId, usage.day), ageAttribute(birthYear), persons),
    add(ageMonthUsesKey(usage.areaId, usage.day.slice(0, 7)), ageAttribute(birthYear), persons),
  ]);
}

/** A card's first use: one more card taken into use on that day, in the card's own area. */
export function countTakenIntoUse(
  card: Pick<Card, 'cardNumber' | 'areaId' | 'firstUsedOn'>,
): Promise<boolean> {
  if (!card.firstUsedOn) throw new Error(`card ${card.cardNumber} has no first use`);
  return countOnce(countedMarkerKey('FIRSTUSE', card.cardNumber), [
    add(cardAggregateKey(card.areaId, card.firstUsedOn), 'takenIntoUse', 1),
  ]);
}
