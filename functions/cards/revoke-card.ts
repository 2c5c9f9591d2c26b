import type { revokeCard as revokeBody } from '../../shared/contract/schemas.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { fullView, revocationDeltas } from '../../shared/domain/cards.ts';
import { cardOfOwnArea } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { revokeCard } from '../../shared/store/cards.ts';

export const handler = httpHandler<Infer<typeof revokeBody>>(
  'POST /v1/cards/{cardNumber}/revoke',
  async (request) => {
    const card = await cardOfOwnArea(request);
    if (card.revokedAt) throw new ApiError('CARD_REVOKED', `Card ${card.cardNumber} is already revoked.`);
    const day = today(request.now);
    const audit = auditEntry(
      request.principal,
      'card.revoked',
      `card/${card.cardNumber}`,
      card.areaId,
      request.now,
    );
    await revokeCard(card, request.body.reason, request.now, day, revocationDeltas(card, day), audit);
    return json(200, fullView({ ...card, revokedAt: request.now.toISOString() }, day));
  },
);
