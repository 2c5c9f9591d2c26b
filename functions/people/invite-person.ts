// POST /v1/organisations/{orgId}/people: invite a person to an organisation (shared/invite-person.ts).
import { httpHandler, json } from '../../shared/http/handler.ts';
import { organisationWithPeople } from '../../shared/http/people-request.ts';
import { invitePerson } from '../../shared/invite-person.ts';
import type { Infer } from '../../shared/schema.ts';
import type { invitePerson as invitePersonBody } from '../../shared/schemas.ts';

export const handler = httpHandler<Infer<typeof invitePersonBody>>(
  'POST /v1/organisations/{orgId}/people',
  async (request) => {
    const organisation = await organisationWithPeople(request);
    return json(201, await invitePerson(request.principal, organisation, request.body, request.now));
  },
);
