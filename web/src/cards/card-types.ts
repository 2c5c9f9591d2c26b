// A card as its area's distributors see it (GET /v1/cards/{n}).
import { ApiFailure, api, type Schema } from '../api.ts';

export type FullCard = Schema<'Card'>;

/** GET /v1/cards/{n} as a distributor of the card's area: the whole card (others get the door view). */
export async function getFullCard(cardNumber: string): Promise<FullCard> {
  const card = await api('GET', '/v1/cards/{cardNumber}', { path: { cardNumber } });
  if (!('issuedBy' in card))
    throw new ApiFailure(403, 'FORBIDDEN', 'Only the door view of the card is shown.');
  return card;
}

export const cardPath = (cardNumber: string) => `/cards/${encodeURIComponent(cardNumber)}`;
