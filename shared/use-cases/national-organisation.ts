// Ticket agents and partners belong to no area: only the national centre adds them.

import type { Principal } from '../contract/roles.ts';
import { auditEntry } from '../domain/audit.ts';
import { type Organisation, organisationView } from '../domain/organisations.ts';
import { createOrganisation } from '../store/organisations.ts';
import { newId } from './register-organisation.ts';

export async function createNationalOrganisation(
  kind: 'ticket-agent' | 'partner',
  input: { name: string; contactEmail: string },
  principal: Principal,
  now: Date,
) {
  const organisation: Organisation = {
    orgId: newId('o'),
    kind,
    name: input.name,
    contactEmail: input.contactEmail,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await createOrganisation(
    organisation,
    auditEntry(principal, 'organisation.created', `organisation/${organisation.orgId}`, undefined, now),
  );
  return organisationView(organisation);
}
