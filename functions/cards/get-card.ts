import { today } from '../../shared/dates.ts';
import { viewFor } from '../../shared/domain/cards.ts';
import { notFound } from '../../shared/errors.ts';
import { cardNumberOf } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { getCard } from '../../shared/store/cards.ts';

export const handler = httpHandler('GET /v1/cards/{cardNumber}', async (request) => {
  const number = cardNumberOf(request);
  const card = await getCard(number);
  const view = card && viewFor(card, request.principal, today(request.now));
  if (!view) throw notFound(`Card ${number}`);
  return json(200, view);
});
