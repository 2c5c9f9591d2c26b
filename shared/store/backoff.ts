// For jobs over the table (a backfill, the stream consumer's counter writes): a call DynamoDB throttled,
// or that failed for a moment, even after the SDK's own retries, is tried again after a growing, randomised
// wait ("exponential backoff with full jitter", as AWS advises; DynamoDB sends no Retry-After). A request
// path never waits like this: it answers 429 or 503 and the client retries.
import { isThrottling, isTransient } from '../lib/aws-errors.ts';

export interface Backoff {
  /** The first wait's upper bound; each further try doubles it, up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
  /** Tries in all (the SDK's own retries inside each); then the last error is thrown. */
  readonly attempts: number;
  /** Told of each wait, for the job's output. */
  readonly onWait?: (waitMs: number, error: unknown) => void;
}

/** About three minutes of waiting at worst before giving up: a job that gives up can be run again. */
export const defaultBackoff: Backoff = { baseMs: 500, capMs: 30_000, attempts: 10 };

export const isRetryable = (error: unknown) => isThrottling(error) || isTransient(error);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withBackoff<T>(call: () => Promise<T>, backoff: Backoff = defaultBackoff): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= backoff.attempts) throw error;
      const wait = Math.round(Math.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1)));
      backoff.onWait?.(wait, error);
      await sleep(wait);
    }
  }
}
