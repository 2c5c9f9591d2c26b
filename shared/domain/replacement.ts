import { generateCardNumber } from '../contract/card-number.ts';
import type { Principal } from '../contract/roles.ts';
import { ApiError, invalid } from '../lib/errors.ts';
import { type Card, cardStatus } from './cards.ts';

/** A lost card's successor: same holder data and validity, a new number, no uses yet. */
export function replacementOf(
  old: Card,
  newNumber: string | undefined,
  principal: Principal,
  now: Date,
  today: string,
): Card {
  const status = cardStatus(old, today);
  if (status === 'revoked')
    throw new ApiError('CARD_REVOKED', `Card ${old.cardNumber} is revoked; it cannot be replaced.`);
  if (status === 'expired')
    throw new ApiError('CARD_EXPIRED', `Card ${old.cardNumber} has expired; renew it instead.`);
  if (newNumber === old.cardNumber)
    throw invalid([{ field: 'newCardNumber', problem: 'must differ from the old number' }]);
  return {
    cardNumber: newNumber ?? generateCardNumber(),
    cardType: old.cardType,
    validUntil: old.validUntil,
    areaId: old.areaId,
    issuedBy: principal.orgId,
    issuedAt: now.toISOString(),
    issuedOn: today,
    birthYear: old.birthYear,
    postalCode: old.postalCode,
    minorChildren: old.minorChildren,
    gender: old.gender,
    lifeSituation: old.lifeSituation,
    adultAllowance: old.adultAllowance,
    childAllowance: old.childAllowance,
    useCount: 0,
    replaces: old.cardNumber,
  };
}
