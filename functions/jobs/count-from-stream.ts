// Consumes the table's stream for the counters a request cannot keep in its one write: a new use adds
// its persons to the age-group counters of its day and area and counts in its card's day (raising the
// flags of abnormal use: too many uses, too many areas), a voided use takes both back, and a card's
// first use counts it as taken into use. Other records are ignored (in AWS the event source mapping
// filters them out; the local poller passes everything).
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Card } from '../../shared/domain/cards.ts';
import { flagLimits } from '../../shared/domain/flags.ts';
import type { Usage } from '../../shared/domain/usages.ts';
import { count, invocation, publishMetrics } from '../../shared/observability.ts';
import {
  type CardFacts,
  cardFacts,
  countTakenIntoUse,
  countUse,
} from '../../shared/store/stream-counters.ts';

type Image = Record<string, AttributeValue> | undefined;
const read = (image: Image) => (image ? (unmarshall(image as never) as Record<string, unknown>) : undefined);

export type Change =
  | { kind: 'use'; sign: 1 | -1; usage: Usage }
  | { kind: 'firstUse'; card: Card }
  | { kind: 'none' };

/** What a stream record means for the counters. Bulk loads (the bench's) count as they write and say so. */
export function change(eventName: string | undefined, oldImage: Image, newImage: Image): Change {
  const before = read(oldImage);
  const after = read(newImage);
  if (after?.entity === 'usage') {
    const usage = after as unknown as Usage;
    if (eventName === 'INSERT' && !usage.voided && after.ageCountedAt === undefined)
      return { kind: 'use', sign: 1, usage };
    if (eventName === 'MODIFY' && before?.voided === false && usage.voided === true)
      return { kind: 'use', sign: -1, usage };
  }
  if (after?.entity === 'card' && eventName === 'MODIFY' && !before?.firstUsedOn && after.firstUsedOn)
    if (after.takenCountedAt === undefined) return { kind: 'firstUse', card: after as unknown as Card };
  return { kind: 'none' };
}

/** One log line per batch: records received, counted and failed (StreamRecordsCounted/Failed metrics). */
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  const started = invocation();
  const tally = { records: event.Records.length, counted: 0, failed: 0 };
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
  event: DynamoDBStreamEvent,
  tally: { counted: number; failed: number },
): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.map((record) => ({
    id: record.dynamodb?.SequenceNumber ?? '',
    change: change(record.eventName, record.dynamodb?.OldImage, record.dynamodb?.NewImage),
  })).filter((entry) => entry.change.kind !== 'none');
  if (changes.length === 0) return { batchItemFailures: [] };
  // Read before any record is counted: a wrong FLAG_USES_PER_DAY fails the batch rather than count it wrongly.
  const limits = flagLimits();
  const uses = changes.flatMap(({ change }) => (change.kind === 'use' ? [change.usage.cardNumber] : []));
  const cards = uses.length > 0 ? await cardFacts(uses) : new Map<string, CardFacts>();
  // In order: a use's voiding never overtakes its recording; the first failure and all after it come again.
  for (const { id, change } of changes) {
    try {
      if (change.kind === 'use')
        await countUse(change.usage, cards.get(change.usage.cardNumber), change.sign, limits);
      else if (change.kind === 'firstUse') await countTakenIntoUse(change.card);
      tally.counted++;
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', record: id, error: String(error) }));
      // This record and every one after it come again.
      tally.failed = changes.length - tally.counted;
      return { batchItemFailures: [{ itemIdentifier: id }] };
    }
  }
  return { batchItemFailures: [] };
}
