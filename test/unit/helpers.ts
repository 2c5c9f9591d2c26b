// Shared helpers of the unit tests: a seeded random source (so a failure can be replayed) and a way
// to look at the ApiError a call throws.

import { mulberry32 } from '../../infra/local/seeded-random.ts';
import { ApiError } from '../../shared/lib/errors.ts';

/** mulberry32: small, fast and good enough to pick test cases; the same seed gives the same cases. */
export function seededRandom(seed: number) {
  const next = mulberry32(seed);
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

/** The ApiError that fn throws; fails the test if fn returns or throws anything else. */
export function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

/** The fields named in an error's details, in order. */
export const fieldsOf = (error: ApiError) => (error.details ?? []).map((detail) => detail.field);
