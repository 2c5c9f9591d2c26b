// Consumes the table's stream for the counters a request does not keep in its one write: a new use adds
// its persons to its area's day (by sector) and to the age-group counters; a voided use takes them back; a
// card's first use counts it as taken into use; a card's days, tallied in the card by the use's (or the
// void's) own transaction, raise and withdraw the flags of abnormal use (too many uses, too many areas)
// when a change of the card moves them across a limit. Each batch writes one update per counter item,
// exactly once across redeliveries by the shard's high-water mark in the item, and puts each flag whole
// from the card's image (decision 0014). The shard comes with the event only under a tumbling window, so
// the event source mapping has one (infra/data-stack.ts); the answer carries `state` as such a mapping
// requires. Other records are ignored (in AWS the mapping's filters keep them out, and the local poller
// applies the same filters: countsOnStream).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, Context, DynamoDBStreamEvent } from 'aws-lambda';
import { dayChanges, flagLimits, staleTallies } from '../../shared/domain/flags.ts';
import { type Change, paddedSequence } from '../../shared/domain/stream-batch.ts';
import type { Usage } from '../../shared/domain/usages.ts';
import { today } from '../../shared/lib/dates.ts';
import { count, invocation, publishMetrics } from '../../shared/lib/observability.ts';
import { applyPlan, type CardFacts, cardFacts, planChanges } from '../../shared/store/stream-counters.ts';

type Image = Record<string, AttributeValue> | undefined;
const read = (image: Image) => (image ? (unmarshall(image as never) as Record<string, unknown>) : undefined);

export type { Change } from '../../shared/domain/stream-batch.ts';

/**
 * What a stream record means for the counters. Bulk loads (the bench's) count as they write and say so.
 * `day` is today's Helsinki date, to know a card's tallies too old to change.
 */
export function changesOf(
  eventName: string | undefined,
  oldImage: Image,
  newImage: Image,
  day: string,
): Change[] {
  const before = read(oldImage);
  const after = read(newImage);
  if (after?.entity === 'usage') {
    const usage = after as unknown as Usage;
    if (eventName === 'INSERT' && !usage.voided && after.ageCountedAt === undefined)
      return [{ kind: 'use', sign: 1, usage }];
    if (eventName === 'MODIFY' && before?.voided === false && usage.voided === true)
      return [{ kind: 'use', sign: -1, usage }];
    return [];
  }
  if (after?.entity !== 'card' || eventName !== 'MODIFY') return [];
  const found: Change[] = [];
  if (!before?.firstUsedOn && after.firstUsedOn && after.takenCountedAt === undefined)
    found.push({
      kind: 'firstUse',
      card: {
        cardNumber: String(after.cardNumber),
        areaId: String(after.areaId),
        firstUsedOn: String(after.firstUsedOn),
      },
    });
  const days = dayChanges(before, after);
  const stale = staleTallies(after, day);
  if (days.length > 0 || stale.length > 0)
    found.push({
      kind: 'cardDays',
      card: {
        cardNumber: String(after.cardNumber),
        ...(typeof after.areaId === 'string' && { areaId: after.areaId }),
      },
      days,
      stale,
    });
  return found;
}

/** The tumbling-window fields Lambda adds to a stream event (and needs back: `state`). */
export interface WindowedStreamEvent extends DynamoDBStreamEvent {
  readonly shardId?: string;
  readonly eventSourceARN?: string;
  readonly window?: { readonly start: string; readonly end: string };
  readonly state?: Record<string, string>;
  readonly isFinalInvokeForWindow?: boolean;
  readonly isWindowTerminatedEarly?: boolean;
}

export interface WindowedBatchResponse {
  readonly state: Record<string, string>;
  readonly batchItemFailures: { itemIdentifier: string }[];
}

/** One log line per batch: records received, counted and failed (StreamRecordsCounted/Failed metrics). */
export async function handler(event: WindowedStreamEvent, context?: Context): Promise<WindowedBatchResponse> {
  const started = invocation();
  const tally = { records: event.Records.length, counted: 0, failed: 0, items: 0 };
  let failed = false;
  try {
    return await countChanges(event, tally);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (failed) tally.failed = Math.max(tally.failed, 1);
    started.finish({
      route: 'job count-from-stream',
      requestId: context?.awsRequestId,
      counts: tally,
      ...((failed || tally.failed > 0) && { code: 'RECORD_FAILED', failed: true }),
    });
    count('StreamRecordsCounted', tally.counted);
    count('StreamRecordsFailed', tally.failed);
    publishMetrics();
  }
}

async function countChanges(
  event: WindowedStreamEvent,
  tally: { counted: number; failed: number; items: number },
): Promise<WindowedBatchResponse> {
  // The window's state is not used: every batch is written when it comes (the window only brings the shard).
  const state = {};
  if (event.Records.length === 0) return { state, batchItemFailures: [] };
  // Without the shard no mark can be kept: counting would not be exactly once, so nothing is counted.
  if (!event.shardId)
    throw new Error('the stream event names no shardId: the event source mapping needs a tumbling window');
  const original = new Map<string, string>();
  // Which tallies are too old to change: by the service's date, the clock that dated the uses.
  const day = today();
  const changes = event.Records.flatMap((record) => {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const seq = paddedSequence(sequenceNumber);
    original.set(seq, sequenceNumber);
    return changesOf(record.eventName, record.dynamodb?.OldImage, record.dynamodb?.NewImage, day).map(
      (change) => ({ seq, change }),
    );
  });
  if (changes.length === 0) return { state, batchItemFailures: [] };
  // Read before any record is counted: a wrong FLAG_USES_PER_DAY fails the batch rather than count it wrongly.
  const limits = flagLimits();
  const uses = changes.flatMap(({ change }) => (change.kind === 'use' ? [change.usage.cardNumber] : []));
  const cards = uses.length > 0 ? await cardFacts(uses) : new Map<string, CardFacts>();
  const plan = planChanges(changes, cards, limits);
  tally.items = plan.sums.length + plan.flags.length + plan.prunes.length;
  const firstFailed = await applyPlan(plan, event.shardId, (key, error) =>
    console.error(JSON.stringify({ level: 'error', item: `${key.pk} ${key.sk}`, error: String(error) })),
  );
  if (firstFailed === undefined) {
    tally.counted = changes.length;
    return { state, batchItemFailures: [] };
  }
  // Delivered again from the first record of an item not written; the items written skip what they have.
  tally.counted = changes.filter((entry) => entry.seq < firstFailed).length;
  tally.failed = changes.length - tally.counted;
  return { state, batchItemFailures: [{ itemIdentifier: original.get(firstFailed) ?? firstFailed }] };
}
