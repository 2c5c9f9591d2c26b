// GET /v1/venues (no key): where the card works. One partition of the precomputed directory per question
// (municipality?, sector?), paged by name; cacheable at the edge for five minutes.

import type { listVenuesQuery } from '../../shared/contract/schemas.ts';
import { anyMunicipality, anySector, searchWords } from '../../shared/domain/venue-profile.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { badCursor, decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listDirectory } from '../../shared/store/venue-directory.ts';

/** Long enough to carry a national audience from the edge, short enough for a change to show soon. */
export const directoryMaxAgeSeconds = 300;

export const handler = httpHandler<unknown, Infer<typeof listVenuesQuery>>(
  'GET /v1/venues',
  async ({ query }) => {
    const position = decodeCursor(query.cursor);
    const after = position?.key?.after;
    if (position && (after === undefined || position.month !== undefined)) throw badCursor();
    const page = await listDirectory({
      municipality: query.municipality ?? anyMunicipality,
      sector: query.sector ?? anySector,
      words: searchWords(query.q),
      limit: query.limit ?? 50,
      after,
    });
    const nextCursor = encodeCursor(page.next);
    return json(
      200,
      { items: page.items, ...(nextCursor && { nextCursor }) },
      { 'cache-control': `public, max-age=${directoryMaxAgeSeconds}` },
    );
  },
);
