// Shared helpers of the unit tests: a seeded random source (so a failure can be replayed) and a way
// to look at the ApiError a call throws.
import { ApiError } from '../../shared/errors.ts';

/** mulberry32: small, fast and good enough to pick test cases; the same seed gives the same cases. */
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
