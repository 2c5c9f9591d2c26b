// DELETE /v1/organisations/{orgId}/people/{personId}: the membership goes; every request checks the
// person's memberships in the table, so the next one for this organisation is refused.
import { auditEntry } from '../../shared/domain/audit.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { organisationWithPeople } from '../../shared/http/people-request.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { removeMembership } from '../../shared/store/people.ts';

export const handler = httpHandler('DELETE /v1/organisations/{orgId}/people/{personId}', async (request) => {
  const organisation = await organisationWithPeople(request);
  const personId = request.path.personId ?? '';
  const audit = auditEntry(
    request.principal,
    'person.removed',
    `person/${personId}`,
    organisation.areaId,
    request.now,
  );
  if (!(await removeMembership(personId, organisation.orgId, audit, request.now)))
    throw notFound(`Person ${personId} in organisation ${organisation.orgId}`);
  return json(200, { personId, orgId: organisation.orgId, removed: true });
});
