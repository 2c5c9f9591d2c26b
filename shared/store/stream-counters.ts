// Counters kept from the table's stream, off the request path: uses by the holder's birth year (for the
// age groups: a use does not know its holder's birth year when it is written), cards taken into use
// (a use does not know whether it is the card's first), and each card's uses and areas of the day with
// the flags of abnormal use they raise. Each change is counted once: a marker item is written in the
// same transaction, so a stream record delivered twice changes nothing.
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Card } from '../domain/cards.ts';
import {
  type CardDay,
  cardDayExpiry,
  type Flag,
  type FlagLimits,
  flagsAfter,
  noUses,
  withChange,
} from '../domain/flags.ts';
import type { Usage } from '../domain/usages.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import {
  ageMonthUsesKey,
  ageUsesKey,
  cardAggregateKey,
  cardDayKey,
  cardKey,
  countedMarkerKey,
  flagKey,
  flagSort,
  flagsOfArea,
  flagsOfMonth,
} from './keys.ts';
import { type TransactItem, transactWrite } from './transact.ts';

export const ageAttribute = (birthYear: number | undefined) => `uses_${birthYear ?? 'unknown'}`;

/** What the stream's counters need of a card: the holder's birth year (none on a community card), its area. */
export interface CardFacts {
  readonly birthYear?: number;
  readonly areaId?: string;
}

/** The named cards' birth years and areas, in one BatchGetItem per hundred cards. */
export async function cardFacts(cardNumbers: readonly string[]): Promise<Map<string, CardFacts>> {
  const facts = new Map<string, CardFacts>();
  const unique = [...new Set(cardNumbers)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(cardKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: { Keys: keys, ProjectionExpression: 'cardNumber, birthYear, areaId' },
          },
        }),
      );
      for (const item of result.Responses?.[tableName()] ?? [])
        facts.set(item.cardNumber as string, {
          birthYear: item.birthYear as number | undefined,
          areaId: item.areaId as string | undefined,
        });
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return facts;
}

/** Stream records come again for at most a day; the marker outlives that, then TTL removes it. */
const markerLifetimeSeconds = 3 * 86_400;

const markerPut = (marker: { pk: string; sk: string }): TransactItem => ({
  Put: {
    TableName: tableName(),
    // Real time on purpose, not the service's clock: the stream keeps a record for 24 hours of real time,
    // and TTL compares with the real time too (locally KAIKU_CLOCK may run the clock months behind).
    Item: { ...marker, expiresAt: Math.floor(Date.now() / 1000) + markerLifetimeSeconds }, // real time
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** The counter change and its marker, together; false when this change was already counted. */
async function countOnce(marker: { pk: string; sk: string }, counters: TransactItem[]): Promise<boolean> {
  const cancelled = await transactWrite([markerPut(marker), ...counters]);
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

/**
 * How the card's day is written. `unflagged`: the usual case, on the condition that the change leaves
 * every flag as it is (a use that keeps the day within the limits, or a void on a day without a flag); the
 * day is not read first. `known`: the day as the refused condition returned it; the write then also puts
 * the flags, on the condition that the day has not changed since (its `changes` count).
 */
type CardDayPlan =
  | { readonly kind: 'unflagged' }
  | { readonly kind: 'known'; readonly before?: Record<string, unknown> };

/** Where the card's day is among a use's transaction items (after the marker and the two age counters). */
const cardDayIndex = 3;
/** Tries of one change when other changes of the same card's day keep getting in between. */
const maxPlans = 8;

const cardDayOf = (item: Record<string, unknown> | undefined): CardDay =>
  item
    ? {
        uses: Number(item.uses ?? 0),
        areas: item.areas instanceof Set ? [...(item.areas as Set<string>)] : [],
      }
    : noUses;

function flagPut(flag: Flag, listed: boolean): TransactItem {
  const sort = flagSort(flag.day, flag.cardNumber, flag.reason);
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...flagKey(flag.cardNumber, flag.day, flag.reason),
        entity: 'flag',
        ...flag,
        ...(listed
          ? {
              gsi3pk: flagsOfMonth(flag.day.slice(0, 7)),
              gsi3sk: sort,
              ...(flag.areaId && { gsi1pk: flagsOfArea(flag.areaId), gsi1sk: sort }),
            }
          : // Withdrawn by a void: listed nowhere, and gone with the card's day.
            { withdrawn: true, expiresAt: cardDayExpiry(flag.day) }),
      },
    },
  };
}

/** The card's day (and, once it is known, its flags) for one use or void; none for a void of an unseen day. */
function cardDayItems(
  usage: Usage,
  card: CardFacts | undefined,
  sign: 1 | -1,
  plan: CardDayPlan,
  limits: FlagLimits,
): TransactItem[] {
  // A void of a use this consumer never counted (a bulk load's, or older than the day's lifetime).
  if (plan.kind === 'known' && sign < 0 && plan.before === undefined) return [];
  const change = { sign, areaId: usage.areaId };
  const names: Record<string, string> = {
    '#uses': 'uses',
    '#changes': 'changes',
    '#expiresAt': 'expiresAt',
  };
  const values: Record<string, unknown> = { ':delta': sign, ':one': 1, ':expires': cardDayExpiry(usage.day) };
  let update = 'ADD #uses :delta, #changes :one';
  if (sign > 0) {
    update += ', #areas :area';
    names['#areas'] = 'areas';
    values[':area'] = new Set([usage.areaId]);
  }
  update += ' SET #expiresAt = :expires';
  let condition: string;
  const flags: TransactItem[] = [];
  if (plan.kind === 'unflagged') {
    names['#areas'] = 'areas';
    values[':maxUses'] = limits.usesPerDay;
    values[':maxAreas'] = limits.areasPerDay;
    if (sign > 0) {
      // After this use: at most usesPerDay uses, in at most areasPerDay areas.
      values[':areaId'] = usage.areaId;
      condition =
        '(attribute_not_exists(#uses) OR #uses < :maxUses) AND (attribute_not_exists(#areas) OR contains(#areas, :areaId) OR size(#areas) < :maxAreas)';
    } else {
      // Before this void: no flag stood (a standing flag shows the counts the void changes).
      condition =
        'attribute_exists(#uses) AND #uses <= :maxUses AND (attribute_not_exists(#areas) OR size(#areas) <= :maxAreas)';
    }
  } else {
    const before = cardDayOf(plan.before);
    const after = withChange(before, change);
    for (const { flag, listed } of flagsAfter(
      { cardNumber: usage.cardNumber, day: usage.day, areaId: card?.areaId },
      before,
      after,
      limits,
    ))
      flags.push(flagPut(flag, listed));
    if (plan.before === undefined) condition = 'attribute_not_exists(#changes)';
    else {
      condition = '#changes = :changes';
      values[':changes'] = Number(plan.before.changes ?? 0);
    }
  }
  return [
    {
      Update: {
        TableName: tableName(),
        Key: cardDayKey(usage.cardNumber, usage.day),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    ...flags,
  ];
}

/**
 * A use (1) or its void (-1), counted once: its persons under the holder's birth year, and the card's
 * day with the flags of abnormal use it raises, all in one transaction with the marker. Usually one
 * request; a change that touches a flag takes a second, which writes the flags from the day the first
 * one's refused condition returned (no read of its own). False when this change was already counted.
 */
export async function countUse(
  usage: Usage,
  card: CardFacts | undefined,
  sign: 1 | -1,
  limits: FlagLimits,
): Promise<boolean> {
  const persons = sign * (usage.adults + usage.children);
  const counted = [
    markerPut(countedMarkerKey(sign > 0 ? 'USE' : 'VOID', usage.usageId)),
    add(ageUsesKey(usage.areaId, usage.day), ageAttribute(card?.birthYear), persons),
    add(ageMonthUsesKey(usage.areaId, usage.day.slice(0, 7)), ageAttribute(card?.birthYear), persons),
  ];
  let plan: CardDayPlan = { kind: 'unflagged' };
  for (let attempt = 1; attempt <= maxPlans; attempt++) {
    const cancelled = await transactWrite([...counted, ...cardDayItems(usage, card, sign, plan, limits)]);
    if (!cancelled) return true;
    if (cancelled[0]?.conditionFailed) return false;
    const cardDay = cancelled[cardDayIndex];
    if (!cardDay?.conditionFailed)
      throw new Error(`use ${usage.usageId}: a transaction item refused unexpectedly`);
    plan = { kind: 'known', before: cardDay.old };
  }
  throw new Error(`use ${usage.usageId}: the day of its card kept changing; it comes again`);
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
