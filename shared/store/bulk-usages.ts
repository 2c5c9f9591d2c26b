// Many uses loaded at once (the bench, imports of old registers): the same items and keys a recorded use
// writes (usageItem, the counters' keys), but the uses go in BatchWriteItem requests of 25 and each
// counter gets one ADD with its summed values instead of one per use. The age-group counters are
// written here too and each use is marked counted, as the stream consumer would do, so that the stream
// does not count them again. No checks: what comes in must already be valid uses of existing cards.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Usage } from '../domain/usages.ts';
import { mapLimit } from '../lib/concurrency.ts';
import { add, CounterSums, bulkConcurrency as concurrency, putAllInBatches } from './bulk-writes.ts';
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
import { tableName } from './table.ts';
import { usageItem } from './usages.ts';

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
  await putAllInBatches(marked);

  const counters = new CounterSums();
  const addTo = counters.addTo.bind(counters);
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
  await mapLimit(counters.entries(), concurrency, ({ key, values }) => add(key, values));
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
