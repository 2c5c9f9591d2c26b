// Cards in the table: each change of a card and the area's daily card counters are written together.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.ts';
import type { ActiveDeltas, Card, RevokeReason } from '../domain/cards.ts';
import { isTally } from '../domain/flags.ts';
import { ApiError } from '../lib/errors.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import { cardAggregateKey, cardCounterShardOf, cardKey, cardsIssuedBy, issuedCardSort } from './keys.ts';
import { tableName } from './table.ts';
import { type TransactItem, transactWrite } from './transact.ts';
import { setFields } from './update.ts';

/**
 * Where the card sits in its issuer's list (gsi5), kept in step with every change of the card (and given
 * to cards written before gsi5 by the backfill, shared/store/card-index-backfill.ts).
 */
export const issuedListKeys = (card: Pick<Card, 'issuedBy' | 'cardNumber' | 'validUntil' | 'revokedOn'>) => ({
  gsi5pk: cardsIssuedBy(card.issuedBy),
  gsi5sk: issuedCardSort(card),
});

export const cardItem = (card: Card) => ({
  ...cardKey(card.cardNumber),
  entity: 'card',
  ...card,
  ...issuedListKeys(card),
});

/** The card without its keys and its days' tallies (kept for the flags, never shown: domain/flags.ts). */
function stripKeys(item: Record<string, unknown>): Card {
  const { pk, sk, entity, gsi5pk, gsi5sk, ...card } = item;
  for (const name of Object.keys(card)) if (isTally(name)) delete card[name];
  return card as unknown as Card;
}

/** ADDs to the area's daily card counters; several deltas on one day are merged into one update. */
function counterUpdates(
  areaId: string,
  cardNumber: string,
  deltas: ActiveDeltas,
  registered?: { day: string; birthYear?: number },
) {
  const byDay = new Map<string, { delta: number; registered: boolean }>();
  for (const { day, delta } of deltas) {
    const entry = byDay.get(day) ?? { delta: 0, registered: false };
    entry.delta += delta;
    byDay.set(day, entry);
  }
  if (registered) {
    const entry = byDay.get(registered.day) ?? { delta: 0, registered: false };
    entry.registered = true;
    byDay.set(registered.day, entry);
  }
  const items: TransactItem[] = [];
  for (const [day, entry] of byDay) {
    if (entry.delta === 0 && !entry.registered) continue;
    const adds = ['activeDelta :delta'];
    const values: Record<string, number> = { ':delta': entry.delta };
    const names: Record<string, string> = {};
    if (entry.registered && registered) {
      adds.push('registered :one', '#byYear :one');
      values[':one'] = 1;
      names['#byYear'] = `registered_${registered.birthYear ?? 'unknown'}`;
    }
    items.push({
      Update: {
        TableName: tableName(),
        Key: cardAggregateKey(areaId, day, cardCounterShardOf(cardNumber)),
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
      },
    });
  }
  return items;
}

export async function getCard(cardNumber: string): Promise<Card | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: cardKey(cardNumber) }),
  );
  return Item ? stripKeys(Item) : undefined;
}

const taken = (cardNumber: string) =>
  new ApiError('CARD_NUMBER_TAKEN', `Card number ${cardNumber} is already registered.`);

export async function putNewCard(card: Card, deltas: ActiveDeltas): Promise<void> {
  const cancelled = await transactWrite([
    {
      Put: { TableName: tableName(), Item: cardItem(card), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    ...counterUpdates(card.areaId, card.cardNumber, deltas, {
      day: card.issuedOn,
      birthYear: card.birthYear,
    }),
  ]);
  if (cancelled?.[0]?.conditionFailed) throw taken(card.cardNumber);
  if (cancelled) throw new Error('card registration refused by a counter update');
}

/** Applies changes only if the card is still as it was read (same validity, not revoked). */
function guardedUpdate(card: Card, changes: Record<string, unknown>): TransactItem {
  const set = { ...changes, ...issuedListKeys({ ...card, ...changes } as Card) };
  const { expression, names, values } = setFields(set);
  return {
    Update: {
      TableName: tableName(),
      Key: cardKey(card.cardNumber),
      UpdateExpression: expression,
      ConditionExpression:
        'attribute_exists(pk) AND validUntil = :seenValidUntil AND attribute_not_exists(revokedAt)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':seenValidUntil': card.validUntil },
    },
  };
}

const changedMeanwhile = () =>
  new ApiError('CONFLICT', 'The card changed while this request was handled; try again.');

export async function updateCardFields(
  card: Card,
  set: Record<string, unknown>,
  deltas: ActiveDeltas = [],
  alongside: TransactItem[] = [],
) {
  const cancelled = await transactWrite([
    guardedUpdate(card, set),
    ...counterUpdates(card.areaId, card.cardNumber, deltas),
    ...alongside,
  ]);
  if (cancelled) throw changedMeanwhile();
}

export async function revokeCard(
  card: Card,
  reason: RevokeReason,
  now: Date,
  today: string,
  deltas: ActiveDeltas,
  audit: AuditEntry,
) {
  await updateCardFields(
    card,
    { revokedAt: now.toISOString(), revokedOn: today, revokeReason: reason },
    deltas,
    [auditPut(audit)],
  );
}

/** The new card and the revocation of the old one succeed or fail together. */
export async function replaceCard(
  old: Card,
  replacement: Card,
  now: Date,
  today: string,
  deltas: ActiveDeltas,
  audit: AuditEntry,
) {
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: cardItem(replacement),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    guardedUpdate(old, {
      revokedAt: now.toISOString(),
      revokedOn: today,
      revokeReason: 'replaced',
      replacedBy: replacement.cardNumber,
    }),
    ...counterUpdates(old.areaId, old.cardNumber, deltas),
    auditPut(audit),
  ]);
  if (cancelled?.[0]?.conditionFailed) throw taken(replacement.cardNumber);
  if (cancelled) throw changedMeanwhile();
}

export { stripKeys as cardFromItem };
