import type { replaceCard as replaceBody } from '../../shared/contract/schemas.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { activeWhileValid, fullView, revocationDeltas } from '../../shared/domain/cards.ts';
import { replacementOf } from '../../shared/domain/replacement.ts';
import { cardOfOwnArea } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { replaceCard } from '../../shared/store/cards.ts';

export const handler = httpHandler<Infer<typeof replaceBody>>(
  'POST /v1/cards/{cardNumber}/replace',
  async (request) => {
    const old = await cardOfOwnArea(request);
    const day = today(request.now);
    const replacement = replacementOf(old, request.body.newCardNumber, request.principal, request.now, day);
    // The old card stops and the new one starts today with the same validity: the two sets of deltas cancel.
    const deltas = [...revocationDeltas(old, day), ...activeWhileValid(day, replacement.validUntil)];
    const audit = auditEntry(
      request.principal,
      'card.revoked',
      `card/${old.cardNumber}`,
      old.areaId,
      request.now,
    );
    await replaceCard(old, replacement, request.now, day, deltas, audit);
    return json(201, fullView(replacement, day));
  },
);
