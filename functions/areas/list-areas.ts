import type { pageQuery } from '../../shared/contract/schemas.ts';
import { areaView } from '../../shared/domain/organisations.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { getArea, listAreas } from '../../shared/store/organisations.ts';

export const handler = httpHandler<unknown, Infer<typeof pageQuery>>(
  'GET /v1/areas',
  async ({ principal, query }) => {
    if (principal.role === 'area-admin') {
      const own = principal.areaId ? await getArea(principal.areaId) : undefined;
      return json(200, { items: own ? [areaView(own)] : [] });
    }
    const page = await listAreas(query.limit ?? 50, decodeCursor(query.cursor)?.key);
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(areaView), ...(nextCursor && { nextCursor }) });
  },
);
