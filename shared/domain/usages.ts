// Rules of a recorded use: the request's own checks here; the card's checks are conditions of the
// single write (store/usages.ts) and, when it is refused, explainRefusal says which rule failed.
import { createHash } from 'node:crypto';
import type { Principal, Sector } from '../contract/roles.ts';
import type { recordUsage } from '../contract/schemas.ts';
import { addDays, daysBetween, helsinkiDate } from '../lib/dates.ts';
import { ApiError, invalid, notFound } from '../lib/errors.ts';
import type { Infer } from '../lib/schema.ts';
import type { Card } from './cards.ts';

export type UsageInput = Infer<typeof recordUsage>;

export const lateEntryDays = 60;
export const voidWindowDays = 14;

export interface Usage {
  readonly usageId: string;
  readonly cardNumber: string;
  readonly venueId: string;
  readonly areaId: string;
  readonly occurredAt: string;
  readonly day: string;
  readonly sector: Sector;
  readonly adults: number;
  readonly children: number;
  readonly eventName?: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly fingerprint: string;
  readonly voided: boolean;
  readonly voidedAt?: string;
  /** Set when the write also counted it in the venue's daily count for the card: a void takes it out. */
  readonly countedForVenueLimit?: true;
}

/** The venue a use counts for: a venue records its own; a ticket agent names one. */
export interface VenueRef {
  readonly venueId: string;
  readonly areaId: string;
  readonly cardLimitPerDay?: number;
}

export function venueIdFor(principal: Principal, input: { venueId?: string | undefined }): string {
  if (principal.role === 'ticket-agent') {
    if (!input.venueId) throw invalid([{ field: 'venueId', problem: 'is required for a ticket agent' }]);
    return input.venueId;
  }
  if (input.venueId && input.venueId !== principal.orgId)
    throw invalid([
      { field: 'venueId', problem: 'a venue records its own uses: leave it out or give your own id' },
    ]);
  return principal.orgId;
}

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url');

/** The id follows from who asked and their key, so a repeated request finds the same item. */
export function usageIdFor(scope: { callerId: string; venueId: string }, idempotencyKey: string): string {
  return `u${hash('single', scope.callerId, scope.venueId, idempotencyKey).slice(0, 26)}`;
}

/**
 * A batch row's id follows from its clientRef, per venue and per recorder: a ticket agent recording for a
 * venue has refs of its own, so it can neither block nor probe the venue's rows (nor another agent's).
 * A venue's own rows keep the id they always had.
 */
export function batchUsageIdFor(scope: { callerId: string; venueId: string }, clientRef: string): string {
  const parts = scope.callerId === scope.venueId ? [scope.venueId] : [scope.callerId, scope.venueId];
  return `u${hash('batch', ...parts, clientRef).slice(0, 26)}`;
}

/** What "the same body" means for a replay: the parsed fields, so spacing and key order do not matter. */
export function fingerprintOf(input: UsageInput & { clientRef?: string }): string {
  const { cardNumber, sector, adults, children, occurredAt, venueId, eventName } = input;
  return hash(
    JSON.stringify([
      cardNumber,
      sector,
      adults,
      children,
      occurredAt?.toISOString() ?? null,
      venueId ?? null,
      eventName ?? null,
    ]),
  );
}

export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || header.length === 0)
    throw invalid([{ field: 'Idempotency-Key', problem: 'header is required (1-64 characters)' }]);
  if (header.length > 64)
    throw invalid([{ field: 'Idempotency-Key', problem: 'must be at most 64 characters' }]);
  return header;
}

/** Checks that need only the request and the clock; builds the use to write. */
export function newUsage(
  input: UsageInput,
  ids: { usageId: string; fingerprint: string; recordedBy: string },
  venue: VenueRef,
  now: Date,
): Usage {
  const occurred = input.occurredAt ?? now;
  const problems = [];
  if (input.adults + input.children < 1)
    problems.push({ field: 'adults', problem: 'adults + children must be at least 1' });
  if (occurred.getTime() > now.getTime() + 60_000)
    problems.push({ field: 'occurredAt', problem: 'may not be in the future' });
  const today = helsinkiDate(now);
  const day = helsinkiDate(occurred);
  if (daysBetween(day, today) > lateEntryDays)
    problems.push({
      field: 'occurredAt',
      problem: `may be at most ${lateEntryDays} days back (${addDays(today, -lateEntryDays)} or later)`,
    });
  if (problems.length > 0) throw invalid(problems);
  return {
    usageId: ids.usageId,
    cardNumber: input.cardNumber,
    venueId: venue.venueId,
    areaId: venue.areaId,
    occurredAt: occurred.toISOString(),
    day,
    sector: input.sector,
    adults: input.adults,
    children: input.children,
    eventName: input.eventName,
    recordedAt: now.toISOString(),
    recordedBy: ids.recordedBy,
    fingerprint: ids.fingerprint,
    voided: false,
  };
}

export function usageView(usage: Usage) {
  return {
    usageId: usage.usageId,
    cardNumber: usage.cardNumber,
    venueId: usage.venueId,
    occurredAt: usage.occurredAt,
    sector: usage.sector,
    adults: usage.adults,
    children: usage.children,
  };
}

/** A use in a list: also its area, whether it was voided, and the event name the venue gave (if any). */
export function listedUsageView(usage: Usage) {
  return {
    ...usageView(usage),
    areaId: usage.areaId,
    ...(usage.eventName !== undefined && usage.eventName !== null && { eventName: usage.eventName }),
    voided: usage.voided,
  };
}

/** What the single write found when it was refused: the old items of the checks that failed. */
export interface Refusal {
  readonly existingUsage?: Usage;
  readonly usageConflict: boolean;
  readonly card?: Card;
  readonly cardFailed: boolean;
  readonly limitFailed: boolean;
}

export type RefusalOutcome = { replay: Usage } | { error: ApiError };

/** Says which rule refused a use, in the order a person at the door would want to hear it. */
export function explainRefusal(refusal: Refusal, usage: Usage): RefusalOutcome {
  if (refusal.existingUsage) {
    if (refusal.existingUsage.fingerprint === usage.fingerprint) return { replay: refusal.existingUsage };
    return {
      error: new ApiError(
        'IDEMPOTENCY_KEY_REUSED',
        'This idempotency key was already used for a different use; choose a new key for a new use.',
      ),
    };
  }
  if (refusal.cardFailed) {
    const card = refusal.card;
    if (!card) return { error: notFound(`Card ${usage.cardNumber}`) };
    if (card.revokedAt) return { error: new ApiError('CARD_REVOKED', `Card ${card.cardNumber} is revoked.`) };
    if (card.issuedOn > usage.day)
      return {
        error: invalid([{ field: 'occurredAt', problem: `the card was issued only on ${card.issuedOn}` }]),
      };
    if (card.validUntil < usage.day)
      return {
        error: new ApiError('CARD_EXPIRED', `Card ${card.cardNumber} was valid until ${card.validUntil}.`),
      };
    if (usage.adults > card.adultAllowance)
      return {
        error: invalid([
          { field: 'adults', problem: `a ${card.cardType} card admits at most ${card.adultAllowance}` },
        ]),
      };
    if (usage.children > card.childAllowance)
      return {
        error: new ApiError(
          'TOO_MANY_CHILDREN',
          `Card ${card.cardNumber} admits at most ${card.childAllowance} children with the holder.`,
        ),
      };
  }
  if (refusal.limitFailed)
    return {
      error: new ApiError(
        'VENUE_LIMIT_REACHED',
        "This card has reached the venue's limit of uses for the day.",
      ),
    };
  // A refusal none of the rules explains means the card changed between the write and our look.
  return { error: new ApiError('CONFLICT', 'The card changed while the use was being recorded; try again.') };
}

export function checkVoidable(usage: Usage, principal: Principal, now: Date): void {
  if (usage.venueId !== principal.orgId) throw notFound(`Usage ${usage.usageId}`);
  const recorded = Date.parse(usage.recordedAt);
  if (now.getTime() - recorded > voidWindowDays * 86_400_000)
    throw new ApiError('CONFLICT', `A use can be voided only within ${voidWindowDays} days of recording it.`);
}
