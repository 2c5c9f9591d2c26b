// GET /v1/me: who is signed in. A person: their memberships (the web app lets them choose the organisation
// they act for, sent as X-Kaiku-Organisation); a key: its organisation and role.
import { httpHandler, json } from '../shared/http/handler.ts';
import { getOrganisations } from '../shared/store/organisations.ts';

export const handler = httpHandler('GET /v1/me', async ({ caller }) => {
  if (caller?.kind === 'person') {
    const { person, memberships } = caller;
    const organisations = await getOrganisations(memberships.map((membership) => membership.orgId));
    return json(200, {
      kind: 'person',
      personId: person.personId,
      name: person.name,
      email: person.email,
      memberships: memberships.map((membership) => ({
        orgId: membership.orgId,
        orgName: organisations.get(membership.orgId)?.name ?? '',
        role: membership.role,
        ...(membership.areaId && { areaId: membership.areaId }),
        manager: membership.manager,
      })),
    });
  }
  const { principal, key } = caller ?? { principal: undefined, key: undefined };
  const organisation = principal && (await getOrganisations([principal.orgId])).get(principal.orgId);
  return json(200, {
    kind: 'key',
    keyId: principal?.keyId,
    ...(key?.name !== undefined && { name: key.name }),
    orgId: principal?.orgId,
    orgName: organisation?.name ?? '',
    role: principal?.role,
    ...(principal?.areaId && { areaId: principal.areaId }),
  });
});
