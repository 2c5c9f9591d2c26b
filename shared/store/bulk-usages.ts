// Many uses loaded at once (the bench, imports of old registers): the same items and keys a recorded use
// writes (usageItem, the counters' keys), but the uses go in BatchWriteItem requests of 25 and each
// counter gets one ADD with its summed values instead of one per use. The age-group counters are
// written here too and each use is marked counted, as the stream consumer would do, so that the stream
// does not count them again. No checks: what comes in must already be valid uses of existing cards.
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../concurrency.ts';
import type { Usage } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import {
  ageMonthUsesKey,
  ageUsesKey,
  cardAggregateKey,
  cardKey,
  useAggregateKey,
  useCounters,
} from './keys.ts';
import { ageAttribute } from './stream-counters.ts';
import { usageItem } from './usages.ts';

const concurrency = 8;

async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] | undefined = items.map(
    (item) => ({ PutRequest: { Item: item } }),
  );
  for (let attempt = 0; requests && requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
    const result: BatchWriteCommandOutput = await documentClient().send(
      new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
    );
    requests = result.UnprocessedItems?.[tableName()];
  }
}

async function add(key: { pk: string; sk: string }, values: Record<string, number>): Promise<void> {
  const names: Record<string, string> = {};
  const amounts: Record<string, number> = {};
  const adds = Object.entries(values).map(([field, value], index) => {
    names[`#f${index}`] = field;
    amounts[`:v${index}`] = value;
    return `#f${index} :v${index}`;
  });
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: amounts,
    }),
  );
}

/**
 * Writes the uses (none voided), in the order given: a card's first use in that order is the one that
 * takes it into use. `birthYearOf` answers the holder's birth year (undefined for community cards).
 */
export async function putUsagesInBulk(
  usages: readonly Usage[],
  birthYearOf: (cardNumber: string) => number | undefined,
  countedAt: Date,
): Promise<void> {
  const marked = usages.map((usage) => ({ ...usageItem(usage), ageCountedAt: countedAt.toISOString() }));
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < marked.length; i += 25) batches.push(marked.slice(i, i + 25));
  await mapLimit(batches, concurrency, batchPut);

  const counters = new Map<string, { key: { pk: string; sk: string }; values: Record<string, number> }>();
  const addTo = (key: { pk: string; sk: string }, field: string, value: number) => {
    const id = `${key.pk}\u0000${key.sk}`;
    const entry = counters.get(id) ?? { key, values: {} };
    entry.values[field] = (entry.values[field] ?? 0) + value;
    counters.set(id, entry);
  };
  const cards = new Map<string, { uses: number; first: Usage; last: string }>();
  for (const usage of usages) {
    const uses = useAggregateKey(usage.areaId, usage.day);
    const names = useCounters(usage.sector);
    addTo(uses, names.adultUses, usage.adults);
    addTo(uses, names.childUses, usage.children);
    addTo(uses, names.records, 1);
    for (const key of [
      ageUsesKey(usage.areaId, usage.day),
      ageMonthUsesKey(usage.areaId, usage.day.slice(0, 7)),
    ])
      addTo(key, ageAttribute(birthYearOf(usage.cardNumber)), usage.adults + usage.children);
    const card = cards.get(usage.cardNumber) ?? { uses: 0, first: usage, last: usage.occurredAt };
    card.uses++;
    if (usage.occurredAt > card.last) card.last = usage.occurredAt;
    cards.set(usage.cardNumber, card);
  }
  await mapLimit([...counters.values()], concurrency, ({ key, values }) => add(key, values));
  // The cards, and for each one taken into use now, its counter; takenCountedAt tells the stream
  // consumer that this first use is already counted.
  await mapLimit([...cards.entries()], concurrency, async ([cardNumber, card]) => {
    const { Attributes: before } = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: cardKey(cardNumber),
        UpdateExpression:
          'ADD useCount :uses SET lastUsedAt = :last, firstUsedOn = if_not_exists(firstUsedOn, :day), takenCountedAt = if_not_exists(takenCountedAt, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':uses': card.uses,
          ':last': card.last,
          ':day': card.first.day,
          ':now': countedAt.toISOString(),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (before && !before.firstUsedOn)
      await add(cardAggregateKey(String(before.areaId), card.first.day), { takenIntoUse: 1 });
  });
}
