// How one batch of the table's stream turns into counter writes: the pure part of the stream consumer
// (shared/store/stream-counters.ts writes what this plans). Each counter item gets ONE update per batch
// with the sum of the batch's contributions to it, and a high-water mark per stream shard: the highest
// sequence number it has taken in (the highest, not the last delivered: a batch delivered again may come
// in any order). A record's first delivery is in shard order (the event source mapping reads a shard in
// order, one batch at a time), so a contribution at or below the mark was applied before; only the ones
// above it are (re)applied.
// Flags need no mark: each is put whole from a card's image (its days' tallies, kept by the use's own
// transaction), so a record delivered again puts the same flag again.
import { createHash } from 'node:crypto';
import { type DayChange, type Flag, type FlagLimits, flagsAfter } from './flags.ts';
import type { Usage } from './usages.ts';

/** DynamoDB stream sequence numbers are decimal strings of varying length: padded, they sort as strings. */
export const sequenceWidth = 40;
export const paddedSequence = (sequenceNumber: string): string => {
  if (!/^\d{1,40}$/.test(sequenceNumber)) throw new Error(`not a stream sequence number: ${sequenceNumber}`);
  return sequenceNumber.padStart(sequenceWidth, '0');
};

/** Attributes that hold a shard's mark start with this (nothing else in a counter item does). */
export const markPrefix = 'hwm_';

/**
 * The attribute that holds one shard's mark: short, a hash of the shard id (whatever its form). Its value
 * is the padded sequence number, `@`, and when it was written (seconds, base 36): `<seq>@<time>`. Compared
 * as a string with a padded sequence number it orders by the sequence number alone (`@` sorts after the
 * digits, so an equal number counts as covered).
 */
export function markAttribute(shardId: string): string {
  const hash = createHash('sha256').update(shardId).digest('base64url').slice(0, 8).replace(/[-_]/g, 'x');
  return `${markPrefix}${hash}`;
}

export const markValue = (seq: string, nowMs: number): string =>
  `${seq}@${Math.floor(nowMs / 1000).toString(36)}`;

/** The sequence number a mark covers up to (a mark of the older form is the number alone). */
export const markSequence = (mark: string): string => mark.split('@')[0] ?? mark;

const markWrittenMs = (mark: unknown): number => {
  if (typeof mark !== 'string' || !mark.includes('@')) return 0;
  return Number.parseInt(mark.slice(mark.indexOf('@') + 1), 36) * 1000;
};

/**
 * A stream keeps a record 24 hours, and the local poller drops older ones too. A mark last written more
 * than 25 hours ago covers only records written before that, none of which can be delivered again: it
 * may go. So an item keeps the marks of the shards that wrote to it within a day, however many shards the
 * stream has had (they roll every few hours), and nothing depends on the form of a shard's id.
 */
export const markLifetimeMs = 25 * 3_600_000;

/** The marks of an item that may go (never `keep`, the one being written). */
export function staleMarks(item: Record<string, unknown>, nowMs: number, keep: string): string[] {
  return Object.keys(item).filter(
    (name) =>
      name.startsWith(markPrefix) && name !== keep && markWrittenMs(item[name]) < nowMs - markLifetimeMs,
  );
}

/** One record's part in one counter item. */
export interface Contribution<T> {
  /** The record's sequence number, padded (paddedSequence). */
  readonly seq: string;
  readonly value: T;
}

/** The contributions a mark has not covered yet (all when there is no mark). */
export function notCovered<T>(contributions: readonly Contribution<T>[], mark: unknown): Contribution<T>[] {
  if (typeof mark !== 'string') return [...contributions];
  const covered = markSequence(mark);
  return contributions.filter((c) => c.seq > covered);
}

/** The lowest and the highest sequence number of some contributions, whatever their order. */
export function sequenceRange(contributions: readonly Contribution<unknown>[]): {
  first: string;
  last: string;
} {
  let first = contributions[0]!.seq;
  let last = first;
  for (const { seq } of contributions) {
    if (seq < first) first = seq;
    if (seq > last) last = seq;
  }
  return { first, last };
}

/** Numbers to ADD, by attribute. */
export type Adds = Readonly<Record<string, number>>;

export function sumAdds(contributions: readonly Contribution<Adds>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const { value } of contributions)
    for (const [name, amount] of Object.entries(value)) sum[name] = (sum[name] ?? 0) + amount;
  return sum;
}

/** What a stream record means for the counters (a card's MODIFY may mean two things). */
export type Change =
  | { readonly kind: 'use'; readonly sign: 1 | -1; readonly usage: Usage }
  | {
      readonly kind: 'firstUse';
      readonly card: { readonly cardNumber: string; readonly areaId: string; readonly firstUsedOn: string };
    }
  | {
      /** The card's days whose tallies changed, and tallies too old to change that are still there. */
      readonly kind: 'cardDays';
      readonly card: { readonly cardNumber: string; readonly areaId?: string };
      readonly days: readonly DayChange[];
      readonly stale: readonly string[];
    }
  | { readonly kind: 'none' };

/** What the counters need of a use's card: the holder's birth year (none on a community card). */
export interface CardFacts {
  readonly birthYear?: number;
}

export const ageAttribute = (birthYear: number | undefined) => `uses_${birthYear ?? 'unknown'}`;

/** A counter item's key, as the store builds it. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** One item's contributions that are plain sums. */
export interface SumPlan {
  readonly key: ItemKey;
  readonly contributions: Contribution<Adds>[];
}

/** A flag to put as a card's record left it (the last record of the batch for that flag). */
export interface FlagWrite {
  readonly seq: string;
  readonly flag: Flag;
  readonly listed: boolean;
}

/** A card's tallies too old to change, to remove (seq: the first record that showed them). */
export interface PrunePlan {
  readonly seq: string;
  readonly cardNumber: string;
  readonly names: string[];
}

export interface BatchPlan {
  readonly sums: SumPlan[];
  readonly flags: FlagWrite[];
  readonly prunes: PrunePlan[];
}

/** How the store names the counter items (shared/store/keys.ts), passed in so this stays pure. */
export interface CounterKeys {
  useAggregate(areaId: string, day: string): ItemKey;
  useCounters(sector: string): { adultUses: string; childUses: string; records: string };
  ageDay(areaId: string, day: string): ItemKey;
  ageMonth(areaId: string, month: string): ItemKey;
  cardAggregate(areaId: string, day: string): ItemKey;
}

/**
 * The batch's contributions, grouped by counter item in stream order: a use adds its persons to its
 * area's day (by sector) and to the age counters (day and month) under the holder's birth year; a void
 * takes them back; a card's first use counts it taken into use on that day in the card's area. A card's
 * changed day gives the flags `flagsAfter` decides from the day before and after the change (per flag the
 * last of the batch, as one write per record would leave it).
 */
export function planBatch(
  changes: readonly { readonly seq: string; readonly change: Change }[],
  cards: ReadonlyMap<string, CardFacts>,
  keys: CounterKeys,
  limits: FlagLimits,
): BatchPlan {
  const sums = new Map<string, SumPlan>();
  const flags = new Map<string, FlagWrite>();
  const prunes = new Map<string, PrunePlan>();
  const id = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
  const add = (key: ItemKey, seq: string, value: Adds) => {
    const plan = sums.get(id(key)) ?? { key, contributions: [] };
    plan.contributions.push({ seq, value });
    sums.set(id(key), plan);
  };
  for (const { seq, change } of changes) {
    if (change.kind === 'firstUse') {
      add(keys.cardAggregate(change.card.areaId, change.card.firstUsedOn), seq, { takenIntoUse: 1 });
      continue;
    }
    if (change.kind === 'cardDays') {
      for (const { day, before, after } of change.days)
        for (const outcome of flagsAfter({ ...change.card, day }, before, after, limits)) {
          const flag = outcome.flag;
          const key = `${flag.cardNumber}\u0000${flag.day}\u0000${flag.reason}`;
          // The flag as the card's newest record of the batch leaves it (records delivered again may
          // come in any order); re-inserted last, so the map keeps the order of the writes.
          const known = flags.get(key);
          if (known && known.seq > seq) continue;
          flags.delete(key);
          flags.set(key, { seq, ...outcome });
        }
      if (change.stale.length > 0) {
        const prune = prunes.get(change.card.cardNumber) ?? {
          seq,
          cardNumber: change.card.cardNumber,
          names: [],
        };
        prune.names.push(...change.stale.filter((name) => !prune.names.includes(name)));
        prunes.set(change.card.cardNumber, prune);
      }
      continue;
    }
    if (change.kind !== 'use') continue;
    const { usage, sign } = change;
    const card = cards.get(usage.cardNumber);
    const names = keys.useCounters(usage.sector);
    add(keys.useAggregate(usage.areaId, usage.day), seq, {
      [names.adultUses]: sign * usage.adults,
      [names.childUses]: sign * usage.children,
      [names.records]: sign,
    });
    const persons = { [ageAttribute(card?.birthYear)]: sign * (usage.adults + usage.children) };
    add(keys.ageDay(usage.areaId, usage.day), seq, persons);
    add(keys.ageMonth(usage.areaId, usage.day.slice(0, 7)), seq, persons);
  }
  return { sums: [...sums.values()], flags: [...flags.values()], prunes: [...prunes.values()] };
}
