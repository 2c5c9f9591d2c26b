// Abnormal use of one card, without personal data: a card used more than a configured number of times
// in one (Helsinki) day, or in more than two areas in one day. The flags are kept from the table's stream
// (shared/store/stream-counters.ts), off the request path: a flag never blocks or slows a recording.
import { addDays } from '../lib/dates.ts';
import { lateEntryDays, voidWindowDays } from './usages.ts';

export const flagReasons = ['many-uses', 'many-areas'] as const;
export type FlagReason = (typeof flagReasons)[number];

export interface FlagLimits {
  /** A card is flagged when it has more recorded uses than this in one day. */
  readonly usesPerDay: number;
  /** ... or when its uses of one day were in more areas than this. */
  readonly areasPerDay: number;
}

/** The stream consumer's environment variable that sets `usesPerDay` (infra/data-stack.ts sets it). */
export const usesPerDayVariable = 'FLAG_USES_PER_DAY';
export const defaultUsesPerDay = 5;
/** Fixed by the scheme's rule: "in more than two areas in one day". */
export const areasPerDay = 2;

export function usesPerDayProblem(value: string): string | undefined {
  const number = Number(value);
  return /^\d{1,4}$/.test(value) && number >= 1 && number <= 1000
    ? undefined
    : `${usesPerDayVariable} must be a whole number from 1 to 1000, not ${JSON.stringify(value)}`;
}

/** The limits in force: FLAG_USES_PER_DAY when set (a bad value is an error, never silently ignored). */
export function flagLimits(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): FlagLimits {
  const value = environment[usesPerDayVariable];
  if (value === undefined || value === '') return { usesPerDay: defaultUsesPerDay, areasPerDay };
  const problem = usesPerDayProblem(value);
  if (problem) throw new Error(problem);
  return { usesPerDay: Number(value), areasPerDay };
}

/**
 * What the stream has counted of one card on one day: its recorded uses (a recorded use is one, whatever
 * the number of persons it admitted; a voided one is taken back) and the areas of the venues they were in
 * (a set: a void leaves it, since another use of that day may have been in the same area).
 */
export interface CardDay {
  readonly uses: number;
  readonly areas: readonly string[];
}

export const noUses: CardDay = { uses: 0, areas: [] };

/** The card's day after one more use in `areaId` (sign 1) or after one of its uses was voided (-1). */
export function withChange(
  day: CardDay,
  change: { readonly sign: 1 | -1; readonly areaId: string },
): CardDay {
  if (change.sign < 0) return { uses: Math.max(0, day.uses - 1), areas: day.areas };
  return {
    uses: day.uses + 1,
    areas: day.areas.includes(change.areaId) ? day.areas : [...day.areas, change.areaId],
  };
}

/** The reasons the day is abnormal for, in a fixed order. */
export function reasonsOf(day: CardDay, limits: FlagLimits): FlagReason[] {
  return flagReasons.filter((reason) =>
    reason === 'many-uses' ? day.uses > limits.usesPerDay : day.areas.length > limits.areasPerDay,
  );
}

/** A flag as stored and listed: no personal data, only the card number, the day, the reason and counts. */
export interface Flag {
  readonly cardNumber: string;
  readonly day: string;
  readonly reason: FlagReason;
  /** The card's recorded uses that day. */
  readonly uses: number;
  /** How many areas they were in. */
  readonly areas: number;
  /** The card's own area (its area-admin sees the flag), when the card names one. */
  readonly areaId?: string;
}

/**
 * The flags to write after a change: each reason that holds now (listed), and, after a void, each reason
 * that held before and no longer does (withdrawn: kept, but listed nowhere; nothing is ever deleted).
 */
export function flagsAfter(
  card: { readonly cardNumber: string; readonly day: string; readonly areaId?: string },
  before: CardDay,
  after: CardDay,
  limits: FlagLimits,
): { flag: Flag; listed: boolean }[] {
  const now = reasonsOf(after, limits);
  const gone = reasonsOf(before, limits).filter((reason) => !now.includes(reason));
  const flag = (reason: FlagReason): Flag => ({
    cardNumber: card.cardNumber,
    day: card.day,
    reason,
    uses: after.uses,
    areas: after.areas.length,
    ...(card.areaId && { areaId: card.areaId }),
  });
  return [
    ...now.map((reason) => ({ flag: flag(reason), listed: true })),
    ...gone.map((reason) => ({ flag: flag(reason), listed: false })),
  ];
}

/**
 * How long a card's day is kept: past the last day a use of that day can still be recorded (60 days late)
 * and then voided (14 days after), so late entries and voids are judged against the whole day.
 */
export const cardDayKeptDays = lateEntryDays + voidWindowDays + 2;

/** The TTL (epoch seconds) of a withdrawn flag: it goes when its day can no longer change. */
export const cardDayExpiry = (day: string) =>
  Math.floor(Date.parse(`${addDays(day, cardDayKeptDays)}T00:00:00Z`) / 1000);

// A card's days are tallies in the card item itself, kept by the use's own transaction (its card Update,
// already paid for): `du_<YYYYMMDD>` the day's recorded uses (a void adds -1) and `da_<YYYYMMDD>` the
// string set of the areas they were in. The stream consumer raises and withdraws flags from the card's
// MODIFY records, comparing the day's tallies in the new image with the old (decision 0014).
export const usesTallyPrefix = 'du_';
export const areasTallyPrefix = 'da_';
const compact = (day: string) => day.replaceAll('-', '');
/** Attribute names that need no placeholder: letters, digits and `_`, never a reserved word. */
export const usesTally = (day: string) => `${usesTallyPrefix}${compact(day)}`;
export const areasTally = (day: string) => `${areasTallyPrefix}${compact(day)}`;

/** The day a tally attribute counts (undefined: not a tally). */
export function tallyDay(name: string): string | undefined {
  const match = /^d[ua]_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

export const isTally = (name: string) => tallyDay(name) !== undefined;

/** The first day whose tallies are still kept on `today`: older days can no longer change. */
export const oldestKeptDay = (today: string) => addDays(today, -cardDayKeptDays);

/**
 * How many days of tallies older than the kept ones each use's write removes (REMOVE of a missing
 * attribute is no error): a card used at least once in any such stretch never carries a stale day.
 * After a longer pause the stream consumer removes what is left (staleTallies).
 */
export const tallyRemovalDays = 31;

/** The tally attributes a use's write on `today` removes: the days just before the oldest kept one. */
export function tallyRemovals(today: string): string[] {
  const oldest = oldestKeptDay(today);
  return Array.from({ length: tallyRemovalDays }, (_, i) => addDays(oldest, -1 - i)).flatMap((day) => [
    usesTally(day),
    areasTally(day),
  ]);
}

/** Tally attributes of an item older than the kept days (the consumer removes them). */
export function staleTallies(item: Record<string, unknown>, today: string): string[] {
  const oldest = oldestKeptDay(today);
  return Object.keys(item).filter((name) => {
    const day = tallyDay(name);
    return day !== undefined && day < oldest;
  });
}

/** One day of a card as its tallies say (a negative count, a void of a use never tallied, reads as 0). */
export function cardDayOf(item: Record<string, unknown> | undefined, day: string): CardDay {
  const uses = Number(item?.[usesTally(day)] ?? 0);
  const areas = item?.[areasTally(day)];
  return {
    uses: Math.max(0, Number.isFinite(uses) ? uses : 0),
    areas: areas instanceof Set ? [...(areas as Set<string>)].sort() : Array.isArray(areas) ? [...areas] : [],
  };
}

/** A card's day whose tallies a change of the card item changed (a day removed is no change). */
export interface DayChange {
  readonly day: string;
  readonly before: CardDay;
  readonly after: CardDay;
}

/** The days whose tallies differ between the card's old and new image, oldest first. */
export function dayChanges(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): DayChange[] {
  const days = [...new Set(Object.keys(after).flatMap((name) => tallyDay(name) ?? []))].sort();
  return days.flatMap((day) => {
    const was = cardDayOf(before, day);
    const is = cardDayOf(after, day);
    const same = was.uses === is.uses && was.areas.join('\u0000') === is.areas.join('\u0000');
    return same ? [] : [{ day, before: was, after: is }];
  });
}

/** GET /v1/cards/flags: who sees which flags. */
export type FlagScope = { readonly national: true } | { readonly areaId: string };

export function flagScopeOf(principal: { readonly role: string; readonly areaId?: string }): FlagScope {
  return principal.role === 'admin' ? { national: true } : { areaId: principal.areaId ?? '' };
}

/** The contract's item: `{cardNumber, date, reason, uses, areas}`. */
export function flagView(flag: Flag) {
  return {
    cardNumber: flag.cardNumber,
    date: flag.day,
    reason: flag.reason,
    uses: flag.uses,
    areas: flag.areas,
  };
}
