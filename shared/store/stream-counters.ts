// Counters kept from the table's stream, off the request path: each area's uses of the day by sector,
// uses by the holder's birth year (a use does not know its holder's birth year when it is written), cards
// taken into use (a use does not know whether it is the card's first), and each card's uses and areas of
// the day with the flags of abnormal use they raise. A batch writes ONE update per counter item (the sum of
// its records' contributions, shared/domain/stream-batch.ts) and, in the same update, the shard's
// high-water mark: a record delivered again, alone or in an overlapping batch, changes nothing.
import { BatchGetCommand, type BatchGetCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mapLimit } from '../concurrency.ts';
import { type CardDay, cardDayExpiry, type Flag, type FlagLimits } from '../domain/flags.ts';
import {
  type Adds,
  type BatchPlan,
  type CardDayPlan,
  type CardFacts,
  type Change,
  type Contribution,
  type CounterKeys,
  type DayStep,
  markAttribute,
  notCovered,
  planBatch,
  type SumPlan,
  staleMarks,
  stepsOfDay,
  sumAdds,
  unflaggedRoom,
} from '../domain/stream-batch.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import {
  ageMonthUsesKey,
  ageUsesKey,
  cardAggregateKey,
  cardDayKey,
  cardKey,
  flagKey,
  flagSort,
  flagsOfArea,
  flagsOfMonth,
  useAggregateKey,
  useCounters,
} from './keys.ts';
import { isConditionFailure, type TransactItem, transactWrite } from './transact.ts';

export { ageAttribute, type CardFacts } from '../domain/stream-batch.ts';

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

const counterKeys: CounterKeys = {
  useAggregate: useAggregateKey,
  useCounters,
  ageDay: ageUsesKey,
  ageMonth: ageMonthUsesKey,
  cardAggregate: cardAggregateKey,
  cardDay: cardDayKey,
};

/** The batch's counter items and their contributions (pure: shared/domain/stream-batch.ts). */
export const planChanges = (
  changes: readonly { readonly seq: string; readonly change: Change }[],
  cards: ReadonlyMap<string, CardFacts>,
): BatchPlan => planBatch(changes, cards, counterKeys);

const cardDayOf = (item: Record<string, unknown> | undefined): CardDay | undefined =>
  item && item.changes !== undefined
    ? {
        uses: Number(item.uses ?? 0),
        areas: item.areas instanceof Set ? [...(item.areas as Set<string>)] : [],
      }
    : undefined;

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

/** The item a refused condition returned (the document client leaves it marshalled). */
function oldItemOf(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, never> }).Item;
  return item ? (unmarshall(item) as Record<string, unknown>) : undefined;
}

/** Tries of one item when other writers (another shard, a card registration) keep getting in between. */
const maxTries = 8;

/** The shard's mark is below the first contribution (or there is none): all of them are new. */
const markBelow = (values: Record<string, unknown>, first: string) => {
  values[':first'] = first;
  return '(attribute_not_exists(#mark) OR #mark < :first)';
};

/** Removes marks of shards long gone that an item returned (rarely more than one request a shard). */
async function pruneMarks(
  key: { pk: string; sk: string },
  old: Record<string, unknown> | undefined,
  keep: string,
) {
  const stale = old ? staleMarks(old, Date.now(), keep) : []; // real time: the stream's retention is real time
  if (stale.length === 0) return;
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `REMOVE ${stale.map((_, i) => `#s${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(stale.map((name, i) => [`#s${i}`, name])),
    }),
  );
}

/** One item of sums: ADD the contributions the shard's mark does not cover, and move the mark. */
async function applySums(plan: SumPlan, mark: string): Promise<void> {
  let pending: Contribution<Adds>[] = plan.contributions;
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    const sums = Object.entries(sumAdds(pending)).filter(([, amount]) => amount !== 0);
    const names: Record<string, string> = { '#mark': mark };
    const values: Record<string, unknown> = { ':last': pending.at(-1)!.seq };
    const condition = markBelow(values, pending[0]!.seq);
    const adds = sums.map(([name, amount], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = amount;
      return `#a${i} :a${i}`;
    });
    try {
      const { Attributes } = await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: plan.key,
          UpdateExpression: `${adds.length > 0 ? `ADD ${adds.join(', ')} ` : ''}SET #mark = :last`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Free with the write: the item as it was, to see marks that may go.
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      await pruneMarks(plan.key, Attributes, mark);
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      pending = notCovered(pending, oldItemOf(error)?.[mark]);
      if (pending.length === 0) return;
    }
  }
  throw new Error(`${plan.key.pk} ${plan.key.sk}: its high-water mark kept moving`);
}

/**
 * One card's day. Usually one UpdateItem whose condition says no flag changes (the day stays within the
 * limits through every step); when it does not hold, the day the refused condition returned is taken
 * through the steps and written back in one transaction with the flags, on the condition that it has not
 * changed meanwhile (its `changes` count).
 */
async function applyCardDay(plan: CardDayPlan, mark: string, limits: FlagLimits): Promise<void> {
  let pending: Contribution<DayStep>[] = plan.contributions;
  let known: { before: Record<string, unknown> | undefined } | undefined;
  for (let attempt = 1; attempt <= maxTries; attempt++) {
    const steps = pending.map((c) => c.value);
    const names: Record<string, string> = { '#mark': mark, '#changes': 'changes', '#expiresAt': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':last': pending.at(-1)!.seq,
      ':expires': cardDayExpiry(plan.card.day),
    };
    const markCondition = markBelow(values, pending[0]!.seq);
    const room = known ? undefined : unflaggedRoom(steps, limits);
    try {
      if (!known && room) {
        names['#uses'] = 'uses';
        names['#areas'] = 'areas';
        values[':delta'] = steps.reduce((sum, step) => sum + step.sign, 0);
        values[':n'] = steps.length;
        values[':maxUses'] = room.maxUsesBefore;
        if (room.newAreas.length > 0) values[':maxAreas'] = limits.areasPerDay;
        values[':room'] = limits.areasPerDay - room.newAreas.length;
        const contained = room.newAreas.map((area, i) => {
          values[`:area${i}`] = area;
          return `contains(#areas, :area${i})`;
        });
        const areasFit = [
          'attribute_not_exists(#areas)',
          'size(#areas) <= :room',
          ...(contained.length > 0 ? [`(${contained.join(' AND ')} AND size(#areas) <= :maxAreas)`] : []),
        ].join(' OR ');
        let update = 'ADD #uses :delta, #changes :n';
        if (room.newAreas.length > 0) {
          update += ', #areas :newAreas';
          values[':newAreas'] = new Set(room.newAreas);
        }
        update += ' SET #expiresAt = :expires, #mark = :last';
        const exists = steps[0]!.sign < 0 ? 'attribute_exists(#uses) AND ' : '';
        const { Attributes } = await documentClient().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: plan.key,
            UpdateExpression: update,
            ConditionExpression: `${markCondition} AND ${exists}(attribute_not_exists(#uses) OR #uses <= :maxUses) AND (${areasFit})`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        await pruneMarks(plan.key, Attributes, mark);
        return;
      }
      const before = known?.before;
      const { after, flags } = stepsOfDay(cardDayOf(before), steps, plan.card, limits);
      const sets = ['#expiresAt = :expires', '#mark = :last'];
      if (after) {
        names['#uses'] = 'uses';
        values[':uses'] = after.uses;
        sets.push('#uses = :uses');
        if (after.areas.length > 0) {
          names['#areas'] = 'areas';
          values[':areas'] = new Set(after.areas);
          sets.push('#areas = :areas');
        }
      }
      values[':changes'] = Number(before?.changes ?? 0) + steps.length;
      sets.push('#changes = :changes');
      let condition: string;
      if (before?.changes === undefined) condition = 'attribute_not_exists(#changes)';
      else {
        values[':seen'] = Number(before.changes);
        condition = '#changes = :seen';
      }
      const cancelled = await transactWrite([
        {
          Update: {
            TableName: tableName(),
            Key: plan.key,
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `${markCondition} AND ${condition}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...flags.map(({ flag, listed }) => flagPut(flag, listed)),
      ]);
      if (!cancelled) return;
      const refused = cancelled[0];
      if (!refused?.conditionFailed)
        throw new Error(`card day ${plan.key.pk} ${plan.key.sk}: a flag write refused unexpectedly`);
      known = { before: refused.old };
      pending = notCovered(pending, refused.old?.[mark]);
      if (pending.length === 0) return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = oldItemOf(error);
      known = { before: old };
      pending = notCovered(pending, old?.[mark]);
      if (pending.length === 0) return;
    }
  }
  throw new Error(`card day ${plan.key.pk} ${plan.key.sk}: it kept changing; it comes again`);
}

/** Counter items written at once by one batch (each is one request). */
const writeConcurrency = 8;

/**
 * Writes the batch's plan, each item once (or not at all when the shard's mark covers it). Answers the
 * first record (sequence number, as the stream gave it) of any item not written, or undefined when all
 * were: delivered again from there, the written items pass over what they have already taken in.
 */
export async function applyPlan(
  plan: BatchPlan,
  shardId: string,
  limits: FlagLimits,
  onError: (key: { pk: string; sk: string }, error: unknown) => void,
): Promise<string | undefined> {
  const mark = markAttribute(shardId);
  let earliest: string | undefined;
  const failed = (key: { pk: string; sk: string }, first: string, error: unknown) => {
    onError(key, error);
    if (earliest === undefined || first < earliest) earliest = first;
  };
  const work: (() => Promise<void>)[] = [
    ...plan.sums.map(
      (item) => () =>
        applySums(item, mark).catch((error: unknown) => failed(item.key, item.contributions[0]!.seq, error)),
    ),
    ...plan.cardDays.map(
      (item) => () =>
        applyCardDay(item, mark, limits).catch((error: unknown) =>
          failed(item.key, item.contributions[0]!.seq, error),
        ),
    ),
  ];
  await mapLimit(work, writeConcurrency, (run) => run());
  return earliest;
}
