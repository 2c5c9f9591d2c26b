// Which stream records the stream consumer's event source mapping delivers: the filters of
// infra/data-stack.ts, as a predicate for the local poller, so that its batches hold what Lambda's would.
import type { AttributeValue } from 'aws-lambda';

type Image = Record<string, AttributeValue> | undefined;

export interface FilterableRecord {
  readonly eventName?: string;
  readonly dynamodb?: { readonly NewImage?: Image; readonly OldImage?: Image };
}

/**
 * A use (new, or changed: voided), or a card's MODIFY (its first use day, and its days' tallies that the
 * flags come from: every use changes its card). The same as the mapping's two FilterCriteria (a record
 * passes when it matches either).
 */
export function countsOnStream(record: FilterableRecord): boolean {
  const after = record.dynamodb?.NewImage;
  if (after?.entity?.S === 'usage') return true;
  return record.eventName === 'MODIFY' && after?.entity?.S === 'card';
}

/** The mapping's batch size and tumbling window (infra/data-stack.ts; the local poller uses the same). */
export const streamBatchSize = 100;
export const streamWindowSeconds = 60;
