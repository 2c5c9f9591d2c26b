import { auditEntry } from '../../shared/domain/audit.ts';
import { organisationView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { ApiError, invalid, notFound } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/schema.ts';
import type { updateOrganisation as updateBody } from '../../shared/schemas.ts';
import { getOrganisation, updateOrganisation } from '../../shared/store/organisations.ts';

export const handler = httpHandler<Infer<typeof updateBody>>(
  'PATCH /v1/organisations/{orgId}',
  async ({ path, body, principal, now }) => {
    const orgId = path.orgId ?? '';
    const organisation = await getOrganisation(orgId);
    // National organisations (and the centre itself) are the national centre's alone.
    if (!organisation || organisation.kind === 'national-centre') throw notFound(`Organisation ${orgId}`);
    requireAreaScope(principal, organisation.areaId, `Organisation ${orgId}`);
    // Whoever acts for an organisation never switches it on or off: a key (or a person) whose organisation
    // was deactivated cannot bring it back, and nobody locks their own organisation out by mistake.
    if (body.status !== undefined && organisation.orgId === principal.orgId)
      throw new ApiError('FORBIDDEN', "An organisation's own key or people cannot change its status.");
    if (Object.keys(body).length === 0)
      throw invalid([{ field: '(body)', problem: 'name at least one field to change' }]);
    if (body.cardLimitPerDay !== undefined && organisation.kind !== 'venue')
      throw invalid([{ field: 'cardLimitPerDay', problem: 'only a venue sets a limit per card' }]);
    await updateOrganisation(
      organisation,
      body,
      auditEntry(principal, 'organisation.updated', `organisation/${orgId}`, organisation.areaId, now),
    );
    return json(200, organisationView({ ...organisation, ...body }));
  },
);
