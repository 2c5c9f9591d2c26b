import { viewFor } from '../../shared/domain/cards.ts';
import { cardNumberOf } from '../../shared/http/card-request.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { today } from '../../shared/lib/dates.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { getCard } from '../../shared/store/cards.ts';
import { getOrganisation } from '../../shared/store/organisations.ts';
import { venueUsesOfDay } from '../../shared/store/usages.ts';

export const handler = httpHandler('GET /v1/cards/{cardNumber}', async (request) => {
  const number = cardNumberOf(request);
  const card = await getCard(number);
  const day = today(request.now);
  const view = card && viewFor(card, request.principal, day);
  if (!view) throw notFound(`Card ${number}`);
  // A venue with a daily limit per card sees, before recording, what the card has used of it today.
  const { kind, role, orgId } = request.principal;
  // A key's cached authorizer answer carries its venue's limit; a person's role comes from a membership,
  // which does not: the venue's own item says it (one read, for a venue person's look-up only).
  const cardLimitPerDay =
    role === 'venue' && view.status === 'active'
      ? (request.principal.cardLimitPerDay ??
        (kind === 'person' ? (await getOrganisation(orgId))?.cardLimitPerDay : undefined))
      : undefined;
  if (cardLimitPerDay !== undefined) {
    const uses = await venueUsesOfDay(orgId, view.cardNumber, day);
    return json(200, {
      ...view,
      todayAtVenue: { uses: Math.min(uses, cardLimitPerDay), limit: cardLimitPerDay },
    });
  }
  return json(200, view);
});
