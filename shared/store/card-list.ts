// The cards one organisation issued (gsi5, docs/data-model.md): each status is one range of the issuer's
// partition, so a page reads the page's items and no more, however many cards the unit has issued.
import type { CardType, RevokeReason } from '../domain/cards.ts';
import { cardsIssuedBy } from './keys.ts';
import { type KeyCondition, type Page, queryPage } from './query.ts';

export type IssuedCardStatus = 'active' | 'expired' | 'revoked';

/** What the list shows of a card: no more than the card holds, and of the holder only the birth year. */
export interface IssuedCard {
  readonly cardNumber: string;
  readonly cardType: CardType;
  readonly status: IssuedCardStatus;
  readonly validUntil: string;
  readonly issuedOn: string;
  readonly birthYear?: number;
  readonly revokedOn?: string;
  readonly revokeReason?: RevokeReason;
}

/**
 * The key range of a status on `today`: valid cards expiring soonest first; expired ones most recently
 * expired first; revoked ones most recently revoked first.
 */
export function issuedRange(orgId: string, status: IssuedCardStatus, today: string): KeyCondition {
  const base = { index: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', partition: cardsIssuedBy(orgId) };
  if (status === 'active') return { ...base, lower: `A#${today}`, upper: 'A#~' };
  // A card valid until today sorts as `A#<today>#…`, above `A#<today>`: it is still valid, not listed here.
  if (status === 'expired') return { ...base, lower: 'A#', upper: `A#${today}`, descending: true };
  return { ...base, prefix: 'R#', descending: true };
}

function fromItem(item: Record<string, unknown>, status: IssuedCardStatus): IssuedCard {
  return {
    cardNumber: String(item.cardNumber),
    cardType: item.cardType as CardType,
    status,
    validUntil: String(item.validUntil),
    issuedOn: String(item.issuedOn),
    ...(typeof item.birthYear === 'number' && { birthYear: item.birthYear }),
    ...(typeof item.revokedOn === 'string' && { revokedOn: item.revokedOn }),
    ...(typeof item.revokeReason === 'string' && { revokeReason: item.revokeReason as RevokeReason }),
  };
}

export async function listIssuedCards(
  orgId: string,
  status: IssuedCardStatus,
  today: string,
  limit: number,
  startKey?: Record<string, string>,
): Promise<Page<IssuedCard>> {
  const page = await queryPage(issuedRange(orgId, status, today), limit, startKey);
  return { items: page.items.map((item) => fromItem(item, status)), next: page.next };
}
