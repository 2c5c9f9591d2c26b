// Shared by the card routes: find the card named in the path, as the caller may see it.

import { cardNumber } from '../contract/schemas.ts';
import type { Card } from '../domain/cards.ts';
import { notFound } from '../lib/errors.ts';
import { validate } from '../lib/schema.ts';
import { getCard } from '../store/cards.ts';
import type { HttpRequest } from './handler.ts';

export function cardNumberOf(request: HttpRequest<unknown, unknown>): string {
  return validate(cardNumber, request.path.cardNumber, 'cardNumber');
}

/** A card of another area is "not found" to a distributor: its existence is not theirs to know. */
export async function cardOfOwnArea(request: HttpRequest<unknown, unknown>): Promise<Card> {
  const number = cardNumberOf(request);
  const card = await getCard(number);
  if (!card || card.areaId !== request.principal.areaId) throw notFound(`Card ${number}`);
  return card;
}
