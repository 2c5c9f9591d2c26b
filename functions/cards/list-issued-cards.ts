import type { listIssuedCardsQuery } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import { today } from '../../shared/lib/dates.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listIssuedCards } from '../../shared/store/card-list.ts';

export const handler = httpHandler<unknown, Infer<typeof listIssuedCardsQuery>>(
  'GET /v1/cards',
  async ({ principal, query, now }) => {
    // Only the caller's own organisation's cards: the issuer is the key's organisation, never a parameter.
    const page = await listIssuedCards(
      principal.orgId,
      query.status ?? 'active',
      today(now),
      query.limit ?? 50,
      decodeCursor(query.cursor)?.key,
    );
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items, ...(nextCursor && { nextCursor }) });
  },
);
