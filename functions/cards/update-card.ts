import type { updateCard } from '../../shared/contract/schemas.ts';
import { correction, fullView } from '../../shared/domain/cards.ts';
import { cardOfOwnArea } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { updateCardFields } from '../../shared/store/cards.ts';

export const handler = httpHandler<Infer<typeof updateCard>>(
  'PATCH /v1/cards/{cardNumber}',
  async (request) => {
    const card = await cardOfOwnArea(request);
    if (card.revokedAt)
      throw new ApiError('CARD_REVOKED', `Card ${card.cardNumber} is revoked; it cannot be changed.`);
    const changes = correction(card, request.body);
    await updateCardFields(card, changes);
    return json(200, fullView({ ...card, ...changes }, today(request.now)));
  },
);
