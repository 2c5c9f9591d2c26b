import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { throttled } from '../lib/errors.ts';
import { documentClient, dynamoRequestTimeoutMs } from './client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Per item of a cancelled transaction: did its condition fail, and the item as it was (if asked). */
export interface CancelledItem {
  readonly conditionFailed: boolean;
  readonly old?: Record<string, unknown>;
}

/**
 * Tries of a transaction that keeps meeting another one on an item. DynamoDB holds an item only while a
 * transaction commits (milliseconds), so waiting a little and trying again resolves even many writers of
 * one card; the backoff (full jitter, doubling from 25 ms, at most 800 ms a wait) gives up after about
 * 2.4 s in all, well inside a route's time.
 */
const maxAttempts = 8;
/**
 * The longest wait: 800 ms against DynamoDB. Where calls are allowed longer than production's 2 s (the
 * test run's DynamoDB Local on a busy machine, shared/store/client.ts), a commit holds its items as much
 * longer, and the waits grow by the same factor: 20 voids of one use there took longer than 2.4 s to
 * pass each other, and some were refused with 429 that AWS would have let through.
 */
const longestWaitMs = () => 800 * Math.max(1, dynamoRequestTimeoutMs() / 2_000);
const backoffMs = (attempt: number) => Math.random() * Math.min(longestWaitMs(), 25 * 2 ** attempt);

/**
 * Writes all or nothing. Returns undefined on success, or each item's outcome when a condition refused it.
 * Two writers touching one item at once (TransactionConflict) are retried here with jitter: the SDK does not.
 */
export async function transactWrite(items: TransactItem[]): Promise<CancelledItem[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      const failed = reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (conflicted && !failed) {
        if (attempt >= maxAttempts)
          // Still contended after the retries: the client should come back shortly, not see a failure.
          throw throttled('Too many changes to the same card or counter at once; retry shortly.');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
        continue;
      }
      // DynamoDB throttled a part of the transaction (nothing was written): the client should retry.
      if (!failed && reasons.some((reason) => reason.Code === 'ThrottlingError')) throw throttled();
      if (!failed) throw error;
      return reasons.map((reason) => ({
        conditionFailed: reason.Code === 'ConditionalCheckFailed',
        old: reason.Item ? unmarshall(reason.Item) : undefined,
      }));
    }
  }
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
