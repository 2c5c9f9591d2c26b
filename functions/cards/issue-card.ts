import type { issueCard } from '../../shared/contract/schemas.ts';
import { activeWhileValid, fullView, newCard } from '../../shared/domain/cards.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { putNewCard } from '../../shared/store/cards.ts';

export const handler = httpHandler<Infer<typeof issueCard>>(
  'POST /v1/cards',
  async ({ body, principal, now }) => {
    const day = today(now);
    // A generated number that happens to exist is drawn again; a number the distributor typed is not.
    for (let attempt = 0; ; attempt++) {
      const card = newCard(body, principal, now, day);
      try {
        await putNewCard(card, activeWhileValid(day, card.validUntil));
        return json(201, fullView(card, day));
      } catch (error) {
        const retry =
          error instanceof ApiError && error.code === 'CARD_NUMBER_TAKEN' && !body.cardNumber && attempt < 3;
        if (!retry) throw error;
      }
    }
  },
);
