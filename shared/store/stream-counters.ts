// Counters kept from the table's stream, off the request path: each area's uses of the day by sector,
// uses by the holder's birth year (a use does not know its holder's birth year when it is written), cards
// taken into use (a use does not know whether it is the card's first), and the flags of abnormal use that
// a card's days (tallied in the card by the use's own transaction) raise and withdraw. A batch writes ONE
// update per counter item (the sum of its records' contributions, shared/domain/stream-batch.ts) and, in
// the same update, the shard's high-water mark: a record delivered again, alone or in an overlapping
// batch, changes nothing. A flag is put whole from the card's image, so putting it again changes nothing.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { cardDayExpiry, type FlagLimits } from '../domain/flags.ts';
import {
  type Adds,
  type BatchPlan,
  type CardFacts,
  type Change,
  type Contribution,
  type CounterKeys,
  type FlagWrite,
  markAttribute,
  markValue,
  notCovered,
  type PrunePlan,
  planBatch,
  type SumPlan,
  sequenceRange,
  staleMarks,
  sumAdds,
} from '../domain/stream-batch.ts';
import { mapLimit } from '../lib/concurrency.ts';
import { type Backoff, withBackoff } from './backoff.ts';
import { documentClient } from './client.ts';
import {
  ageMonthUsesKey,
  ageUsesKey,
  cardAggregateKey,
  cardKey,
  flagKey,
  flagSort,
  flagsOfArea,
  flagsOfMonth,
  useAggregateKey,
  useCounters,
} from './keys.ts';
import { tableName } from './table.ts';
import { isConditionFailure } from './transact.ts';

export { ageAttribute, type CardFacts } from '../domain/stream-batch.ts';

/** The named cards' birth years, in one BatchGetItem per hundred cards. */
export async function cardFacts(cardNumbers: readonly string[]): Promise<Map<string, CardFacts>> {
  const facts = new Map<string, CardFacts>();
  const unique = [...new Set(cardNumbers)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(cardKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: { Keys: keys, ProjectionExpression: 'cardNumber, birthYear' },
          },
        }),
      );
      for (const item of result.Responses?.[tableName()] ?? [])
        facts.set(item.cardNumber as string, { birthYear: item.birthYear as number | undefined });
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
};

/** The batch's counter items and their contributions (pure: shared/domain/stream-batch.ts). */
export const planChanges = (
  changes: readonly { readonly seq: string; readonly change: Change }[],
  cards: ReadonlyMap<string, CardFacts>,
  limits: FlagLimits,
): BatchPlan => planBatch(changes, cards, counterKeys, limits);

/**
 * Puts a flag as the card's record left it: listed, or withdrawn by a void (listed nowhere, kept a while).
 * Only over the state of an older record (`streamSeq`): a card's older record delivered again, in any
 * order, leaves the newer state alone. A card's records are on one shard at a time and a child shard's
 * numbers follow its parent's, so the numbers order the card's changes.
 */
async function putFlag({ seq, flag, listed }: FlagWrite): Promise<void> {
  const sort = flagSort(flag.day, flag.cardNumber, flag.reason);
  await documentClient()
    .send(
      new PutCommand({
        TableName: tableName(),
        ConditionExpression: 'attribute_not_exists(streamSeq) OR streamSeq < :seq',
        ExpressionAttributeValues: { ':seq': seq },
        Item: {
          streamSeq: seq,
          ...flagKey(flag.cardNumber, flag.day, flag.reason),
          entity: 'flag',
          ...flag,
          ...(listed
            ? {
                gsi3pk: flagsOfMonth(flag.day.slice(0, 7)),
                gsi3sk: sort,
                ...(flag.areaId && { gsi1pk: flagsOfArea(flag.areaId), gsi1sk: sort }),
              }
            : { withdrawn: true, expiresAt: cardDayExpiry(flag.day) }),
        },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/**
 * Removes a card's tallies of days too old to change (a card not used for weeks kept them; a use's own
 * write removes those of the month before the oldest kept day). Nothing writes those days any more, so
 * no condition is needed but that the card is there.
 */
async function pruneTallies({ cardNumber, names }: PrunePlan): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: cardKey(cardNumber),
        UpdateExpression: `REMOVE ${names.map((_, i) => `#t${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#t${i}`, name])),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** The item a refused condition returned (the document client leaves it marshalled). */
function oldItemOf(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, never> }).Item;
  return item ? (unmarshall(item) as Record<string, unknown>) : undefined;
}

/** Tries of one item when other writers (another shard, a card registration) keep getting in between. */
const maxTries = 8;

/** A card registration's transaction held the counter item (DynamoDB refused the write): try again. */
const isTransactionConflict = (error: unknown) =>
  error instanceof Error && error.name === 'TransactionConflictException';

/** The shard's mark is below the first contribution (or there is none): all of them are new. */
const markBelow = (values: Record<string, unknown>, first: string) => {
  values[':first'] = first;
  return '(attribute_not_exists(#mark) OR #mark < :first)';
};

/** Removes marks no record can need any more that an item returned (rarely more than once a shard). */
async function pruneMarks(
  key: { pk: string; sk: string },
  old: Record<string, unknown> | undefined,
  keep: string,
) {
  // Real time, not the service's clock: the stream's retention is real time.
  const stale = old ? staleMarks(old, Date.now(), keep) : []; // real time: the stream's 24 h retention
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
    // The range of the contributions, not their first and last: a batch delivered again may be in any order.
    const { first, last } = sequenceRange(pending);
    const values: Record<string, unknown> = { ':last': markValue(last, Date.now()) }; // real time: as above
    const condition = markBelow(values, first);
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
      if (isTransactionConflict(error)) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
        continue;
      }
      if (!isConditionFailure(error)) throw error;
      pending = notCovered(pending, oldItemOf(error)?.[mark]);
      if (pending.length === 0) return;
    }
  }
  throw new Error(`${plan.key.pk} ${plan.key.sk}: its high-water mark kept moving`);
}

/** Counter items written at once by one batch (each is one request). */
const writeConcurrency = 8;

/**
 * An item that still failed after the SDK's own attempts is tried again within the delivery: every write
 * here is idempotent (the shard's mark, the flag's sequence). Without it, with a share of calls throttled
 * a batch of many items almost never writes all of them, and each redelivery moves on by a record or two.
 * Short waits: the batch's other items, and the shard behind it, wait too.
 */
const itemBackoff: Backoff = { baseMs: 200, capMs: 400, attempts: 3 };

/**
 * Writes the batch's plan, each item once (or not at all when the shard's mark covers it). Answers the
 * first record (sequence number, as the stream gave it) of any item not written, or undefined when all
 * were: delivered again from there, the written items pass over what they have already taken in.
 */
export async function applyPlan(
  plan: BatchPlan,
  shardId: string,
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
        withBackoff(() => applySums(item, mark), itemBackoff).catch((error: unknown) =>
          failed(item.key, sequenceRange(item.contributions).first, error),
        ),
    ),
    ...plan.flags.map(
      (write) => () =>
        withBackoff(() => putFlag(write), itemBackoff).catch((error: unknown) =>
          failed(flagKey(write.flag.cardNumber, write.flag.day, write.flag.reason), write.seq, error),
        ),
    ),
    ...plan.prunes.map(
      (prune) => () =>
        withBackoff(() => pruneTallies(prune), itemBackoff).catch((error: unknown) =>
          failed(cardKey(prune.cardNumber), prune.seq, error),
        ),
    ),
  ];
  await mapLimit(work, writeConcurrency, (run) => run());
  return earliest;
}
