import { fullView, renewal, renewalDeltas } from '../../shared/domain/cards.ts';
import { cardOfOwnArea } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import { updateCardFields } from '../../shared/store/cards.ts';

export const handler = httpHandler('POST /v1/cards/{cardNumber}/renew', async (request) => {
  const card = await cardOfOwnArea(request);
  if (card.revokedAt)
    throw new ApiError('CARD_REVOKED', `Card ${card.cardNumber} is revoked; register a new card.`);
  const day = today(request.now);
  const { validUntil } = renewal(day);
  await updateCardFields(card, { validUntil }, renewalDeltas(card, day, validUntil));
  return json(200, fullView({ ...card, validUntil }, day));
});
