import type { pageQuery } from '../../shared/contract/schemas.ts';
import { keyView } from '../../shared/domain/organisations.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { manageableOrganisation } from '../../shared/http/organisation-request.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listApiKeys } from '../../shared/store/organisations.ts';

export const handler = httpHandler<unknown, Infer<typeof pageQuery>>(
  'GET /v1/organisations/{orgId}/keys',
  async (request) => {
    const organisation = await manageableOrganisation(request);
    const page = await listApiKeys(
      organisation.orgId,
      request.query.limit ?? 50,
      decodeCursor(request.query.cursor)?.key,
    );
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(keyView), ...(nextCursor && { nextCursor }) });
  },
);
