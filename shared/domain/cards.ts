// Rules of the card: who may hold one, how long it is valid, what each caller may see of it.
import { generateCardNumber } from '../contract/card-number.ts';
import type { Principal } from '../contract/roles.ts';
import type { issueCard, updateCard } from '../contract/schemas.ts';
import { addDays, oneYearValidity } from '../lib/dates.ts';
import { invalid } from '../lib/errors.ts';
import type { Infer } from '../lib/schema.ts';

export type CardType = 'personal' | 'community';
export type CardStatus = 'active' | 'expired' | 'revoked';
export type RevokeReason = 'lost' | 'misuse' | 'other' | 'replaced';

/** A card as stored: holder data is only what the scheme allows (never a name, id code or address). */
export interface Card {
  readonly cardNumber: string;
  readonly cardType: CardType;
  readonly validUntil: string;
  readonly areaId: string;
  readonly issuedBy: string;
  readonly issuedAt: string;
  readonly issuedOn: string;
  readonly birthYear?: number;
  readonly postalCode?: string;
  readonly minorChildren?: number;
  readonly gender?: string;
  readonly lifeSituation?: string;
  /** How many adults and children one use may admit: the conditions of a recorded use compare with these. */
  readonly adultAllowance: number;
  readonly childAllowance: number;
  readonly useCount: number;
  readonly lastUsedAt?: string;
  readonly firstUsedOn?: string;
  readonly revokedAt?: string;
  readonly revokedOn?: string;
  readonly revokeReason?: RevokeReason;
  readonly replacedBy?: string;
  readonly replaces?: string;
}

export const communityAllowance = 10;

export function allowances(cardType: CardType, minorChildren: number | undefined) {
  return cardType === 'community'
    ? { adultAllowance: communityAllowance, childAllowance: communityAllowance }
    : { adultAllowance: 1, childAllowance: minorChildren ?? 0 };
}

export function cardStatus(card: Pick<Card, 'revokedAt' | 'validUntil'>, today: string): CardStatus {
  if (card.revokedAt) return 'revoked';
  return card.validUntil < today ? 'expired' : 'active';
}

/** The holder must turn 16 this calendar year at the latest. */
export const latestBirthYear = (today: string) => Number(today.slice(0, 4)) - 16;

export function newCard(
  input: Infer<typeof issueCard>,
  principal: Principal,
  now: Date,
  today: string,
): Card {
  const maxValidUntil = oneYearValidity(today);
  const validUntil = input.validUntil ?? maxValidUntil;
  const problems = [];
  if (validUntil > maxValidUntil)
    problems.push({ field: 'validUntil', problem: `may not be later than ${maxValidUntil}` });
  if (validUntil < today) problems.push({ field: 'validUntil', problem: 'may not be in the past' });
  if (input.cardType === 'personal' && input.birthYear > latestBirthYear(today))
    problems.push({
      field: 'birthYear',
      problem: `the holder must turn 16 this year at the latest (born ${latestBirthYear(today)} or earlier)`,
    });
  if (problems.length > 0) throw invalid(problems);
  const holder =
    input.cardType === 'personal'
      ? {
          birthYear: input.birthYear,
          postalCode: input.postalCode,
          minorChildren: input.minorChildren,
          gender: input.gender,
          lifeSituation: input.lifeSituation,
        }
      : {};
  return {
    cardNumber: input.cardNumber ?? generateCardNumber(),
    cardType: input.cardType,
    validUntil,
    areaId: areaOf(principal),
    issuedBy: principal.orgId,
    issuedAt: now.toISOString(),
    issuedOn: today,
    ...holder,
    ...allowances(input.cardType, holder.minorChildren),
    useCount: 0,
  };
}

export function areaOf(principal: Principal): string {
  if (!principal.areaId) throw new Error(`organisation ${principal.orgId} has no area`);
  return principal.areaId;
}

/** Holder data a distributor may correct; a community card has no holder. */
export function correction(card: Card, input: Infer<typeof updateCard>) {
  const fields = Object.keys(input);
  if (fields.length === 0) throw invalid([{ field: '(body)', problem: 'name at least one field to change' }]);
  if (card.cardType === 'community')
    throw invalid(fields.map((field) => ({ field, problem: 'a community card has no holder data' })));
  const minorChildren = input.minorChildren ?? card.minorChildren;
  return { ...input, ...allowances(card.cardType, minorChildren) };
}

export function renewal(today: string) {
  return { validUntil: oneYearValidity(today) };
}

/**
 * Day-by-day changes to "cards active" when a card's validity changes: active on D is the sum of all
 * deltas on days up to D, so statistics never read the cards themselves. A card is active from its
 * issue day through validUntil, and not from the day it is revoked.
 */
export type ActiveDeltas = ReadonlyArray<{ readonly day: string; readonly delta: number }>;

export function activeWhileValid(from: string, validUntil: string): ActiveDeltas {
  if (validUntil < from) return [];
  return [
    { day: from, delta: 1 },
    { day: addDays(validUntil, 1), delta: -1 },
  ];
}

export function renewalDeltas(card: Card, today: string, newValidUntil: string): ActiveDeltas {
  const end = addDays(card.validUntil, 1);
  // Renewed while valid: the old expiry no longer happens. Renewed after it: active again from today.
  const restart = today <= end ? [{ day: end, delta: 1 }] : [{ day: today, delta: 1 }];
  return [...restart, { day: addDays(newValidUntil, 1), delta: -1 }];
}

export function revocationDeltas(card: Card, today: string): ActiveDeltas {
  if (card.validUntil < today) return [];
  return [
    { day: today, delta: -1 },
    { day: addDays(card.validUntil, 1), delta: 1 },
  ];
}

export interface FullCardView {
  cardNumber: string;
  cardType: CardType;
  status: CardStatus;
  validUntil: string;
  areaId: string;
  issuedBy: string;
  issuedAt: string;
  birthYear?: number;
  postalCode?: string;
  minorChildren?: number;
  gender?: string;
  lifeSituation?: string;
  useCount: number;
  lastUsedAt?: string;
  replacedBy?: string;
}

export function fullView(card: Card, today: string): FullCardView {
  return {
    cardNumber: card.cardNumber,
    cardType: card.cardType,
    status: cardStatus(card, today),
    validUntil: card.validUntil,
    areaId: card.areaId,
    issuedBy: card.issuedBy,
    issuedAt: card.issuedAt,
    birthYear: card.birthYear,
    postalCode: card.postalCode,
    minorChildren: card.minorChildren,
    gender: card.gender,
    lifeSituation: card.lifeSituation,
    useCount: card.useCount,
    lastUsedAt: card.lastUsedAt,
    replacedBy: card.replacedBy,
  };
}

/** What a venue or ticket agent sees: enough to let the holder in, nothing about the holder. */
export function doorView(card: Card, today: string) {
  return {
    cardNumber: card.cardNumber,
    cardType: card.cardType,
    status: cardStatus(card, today),
    validUntil: card.validUntil,
    minorChildren: card.cardType === 'community' ? communityAllowance : (card.minorChildren ?? 0),
  };
}

/** Distributors see cards of their own area only; to others a card of another area does not exist. */
export function viewFor(card: Card, principal: Principal, today: string) {
  if (principal.role === 'distributor')
    return card.areaId === principal.areaId ? fullView(card, today) : undefined;
  return doorView(card, today);
}
