// POST /v1/organisations/{orgId}/people: invite a person to an organisation (shared/use-cases/invite-person.ts).

import type { invitePerson as invitePersonBody } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { organisationWithPeople } from '../../shared/http/people-request.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { invitePerson } from '../../shared/use-cases/invite-person.ts';

export const handler = httpHandler<Infer<typeof invitePersonBody>>(
  'POST /v1/organisations/{orgId}/people',
  async (request) => {
    const organisation = await organisationWithPeople(request);
    return json(201, await invitePerson(request.principal, organisation, request.body, request.now));
  },
);
