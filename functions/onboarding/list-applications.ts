import type { listApplicationsQuery } from '../../shared/contract/schemas.ts';
import { reviewView } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listApplications } from '../../shared/store/onboarding.ts';

export const handler = httpHandler<unknown, Infer<typeof listApplicationsQuery>>(
  'GET /v1/applications',
  async ({ query }) => {
    const page = await listApplications(
      query.status ?? 'pending',
      query.limit ?? 50,
      decodeCursor(query.cursor)?.key,
    );
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(reviewView), ...(nextCursor && { nextCursor }) });
  },
);
