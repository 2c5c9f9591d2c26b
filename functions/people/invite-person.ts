// POST /v1/organisations/{orgId}/people: invite a person to an organisation. The identity provider makes
// the account and e-mails the invitation (a person already known is found, and only gains the membership);
// the membership and its audit entry are then written together.
import { auditEntry } from '../../shared/domain/audit.ts';
import { roleOfKind } from '../../shared/domain/organisations.ts';
import { type Membership, normalisedEmail, type Person } from '../../shared/domain/people.ts';
import { ApiError } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { organisationWithPeople } from '../../shared/http/people-request.ts';
import { inviteOrFind } from '../../shared/identity/directory.ts';
import type { Infer } from '../../shared/schema.ts';
import type { invitePerson } from '../../shared/schemas.ts';
import { addMembership, getPersonWithMemberships } from '../../shared/store/people.ts';

export const handler = httpHandler<Infer<typeof invitePerson>>(
  'POST /v1/organisations/{orgId}/people',
  async (request) => {
    const organisation = await organisationWithPeople(request);
    if (organisation.status !== 'active')
      throw new ApiError('ORGANISATION_INACTIVE', `Organisation ${organisation.orgId} is not active.`);
    const email = normalisedEmail(request.body.email);
    const name = request.body.name.trim();
    const manager = request.body.manager ?? false;
    const { personId } = await inviteOrFind({ email, name });
    const { person: known } = await getPersonWithMemberships(personId);
    const person: Person = known ?? {
      personId,
      email,
      name,
      status: 'invited',
      createdAt: request.now.toISOString(),
    };
    const membership: Membership = {
      personId,
      orgId: organisation.orgId,
      role: roleOfKind[organisation.kind],
      ...(organisation.areaId && { areaId: organisation.areaId }),
      manager,
      email: person.email,
      name: person.name,
      addedAt: request.now.toISOString(),
    };
    const audit = auditEntry(
      request.principal,
      'person.invited',
      `person/${personId}`,
      organisation.areaId,
      request.now,
    );
    if (!(await addMembership(person, membership, audit)))
      throw new ApiError('CONFLICT', `${email} is already a member of organisation ${organisation.orgId}.`);
    return json(201, {
      personId,
      email: person.email,
      name: person.name,
      status: person.status === 'disabled' ? 'invited' : person.status,
      manager,
    });
  },
);
