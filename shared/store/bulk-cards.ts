// Many cards loaded at once (the bench's national scenario, imports of old registers): the items a
// registration writes (cardItem, with its place in the issuer's list) in BatchWriteItem requests of 25, and
// the area's card counters with one ADD of summed values per day. The counters go to the day's unsharded
// item: shards only keep concurrent registrations apart (decision 0020), readers sum a day's items, and a
// bulk load has no concurrent registrations. No checks: the cards must be new and valid.

import { activeWhileValid, type Card } from '../domain/cards.ts';
import { mapLimit } from '../lib/concurrency.ts';
import { add, CounterSums, bulkConcurrency as concurrency, putAllInBatches } from './bulk-writes.ts';
import { cardItem } from './cards.ts';
import { cardAggregateKey } from './keys.ts';

export async function putCardsInBulk(cards: readonly Card[]): Promise<void> {
  const items = cards.map(cardItem);
  await putAllInBatches(items);

  const counters = new CounterSums();
  for (const card of cards) {
    for (const { day, delta } of activeWhileValid(card.issuedOn, card.validUntil))
      counters.addTo(cardAggregateKey(card.areaId, day), 'activeDelta', delta);
    const registered = cardAggregateKey(card.areaId, card.issuedOn);
    counters.addTo(registered, 'registered', 1);
    counters.addTo(registered, `registered_${card.birthYear ?? 'unknown'}`, 1);
  }
  await mapLimit(counters.entries(), concurrency, ({ key, values }) => add(key, values));
}
