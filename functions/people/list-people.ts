import type { pageQuery } from '../../shared/contract/schemas.ts';
import { personView } from '../../shared/domain/people.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { organisationWithPeople } from '../../shared/http/people-request.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listPeopleOfOrganisation } from '../../shared/store/people.ts';

export const handler = httpHandler<unknown, Infer<typeof pageQuery>>(
  'GET /v1/organisations/{orgId}/people',
  async (request) => {
    const organisation = await organisationWithPeople(request);
    const page = await listPeopleOfOrganisation(
      organisation.orgId,
      request.query.limit ?? 50,
      decodeCursor(request.query.cursor)?.key,
    );
    const nextCursor = encodeCursor(page.next);
    return json(200, {
      items: page.items.map(({ membership, person }) => personView(membership, person)),
      ...(nextCursor && { nextCursor }),
    });
  },
);
