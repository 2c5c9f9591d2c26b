// Inviting a person to an organisation, shared by POST /v1/organisations/{orgId}/people and the approval
// of an application (which invites its two contact persons as area admins). The identity provider makes
// the account and e-mails the invitation, or finds the person already known; then the membership and its
// audit entry are written together.

import type { Principal } from '../contract/roles.ts';
import { auditEntry } from '../domain/audit.ts';
import { type Organisation, roleOfKind } from '../domain/organisations.ts';
import { type Membership, normalisedEmail, type Person } from '../domain/people.ts';
import { inviteOrFind } from '../identity/directory.ts';
import { ApiError } from '../lib/errors.ts';
import { addMembership, getPersonWithMemberships } from '../store/people.ts';

export interface Invitation {
  readonly email: string;
  readonly name: string;
  readonly manager?: boolean;
}

export async function invitePerson(
  principal: Principal,
  organisation: Organisation,
  invitation: Invitation,
  now: Date,
) {
  if (organisation.status !== 'active')
    throw new ApiError('ORGANISATION_INACTIVE', `Organisation ${organisation.orgId} is not active.`);
  const email = normalisedEmail(invitation.email);
  const name = invitation.name.trim();
  const manager = invitation.manager ?? false;
  const { personId } = await inviteOrFind({ email, name });
  const { person: known } = await getPersonWithMemberships(personId);
  const person: Person = known ?? { personId, email, name, status: 'invited', createdAt: now.toISOString() };
  const membership: Membership = {
    personId,
    orgId: organisation.orgId,
    role: roleOfKind[organisation.kind],
    ...(organisation.areaId && { areaId: organisation.areaId }),
    manager,
    email: person.email,
    name: person.name,
    addedAt: now.toISOString(),
  };
  const audit = auditEntry(principal, 'person.invited', `person/${personId}`, organisation.areaId, now);
  if (!(await addMembership(person, membership, audit)))
    throw new ApiError('CONFLICT', `${email} is already a member of organisation ${organisation.orgId}.`);
  return {
    personId,
    email: person.email,
    name: person.name,
    status: person.status === 'active' ? ('active' as const) : ('invited' as const),
    manager,
  };
}
