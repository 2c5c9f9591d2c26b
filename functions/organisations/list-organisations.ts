import type { pageQuery } from '../../shared/contract/schemas.ts';
import { organisationView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listOrganisations } from '../../shared/store/organisations.ts';

export const handler = httpHandler<unknown, Infer<typeof pageQuery>>(
  'GET /v1/areas/{areaId}/organisations',
  async ({ path, query, principal }) => {
    const areaId = path.areaId ?? '';
    requireAreaScope(principal, areaId, `Area ${areaId}`);
    const page = await listOrganisations(areaId, query.limit ?? 50, decodeCursor(query.cursor)?.key);
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(organisationView), ...(nextCursor && { nextCursor }) });
  },
);
