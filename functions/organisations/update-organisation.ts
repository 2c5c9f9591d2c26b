import type { updateOrganisation as updateBody } from '../../shared/contract/schemas.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { organisationView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { ApiError, invalid, notFound } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { getOrganisation, updateOrganisation } from '../../shared/store/organisations.ts';
import {
  directoryFollows,
  getVenueProfile,
  organisationUnchanged,
} from '../../shared/store/venue-directory.ts';

/** A change that meets another one (the venue saving its profile) is read and tried again. */
const attempts = 3;

export const handler = httpHandler<Infer<typeof updateBody>>(
  'PATCH /v1/organisations/{orgId}',
  async ({ path, body, principal, now }) => {
    const orgId = path.orgId ?? '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const organisation = await getOrganisation(orgId);
      // National organisations (and the centre itself) are the national centre's alone.
      if (!organisation || organisation.kind === 'national-centre') throw notFound(`Organisation ${orgId}`);
      requireAreaScope(principal, organisation.areaId, `Organisation ${orgId}`);
      // Whoever acts for an organisation never switches it on or off: a key (or a person) whose
      // organisation was deactivated cannot bring it back, and nobody locks their own organisation out.
      if (body.status !== undefined && organisation.orgId === principal.orgId)
        throw new ApiError('FORBIDDEN', "An organisation's own key or people cannot change its status.");
      if (Object.keys(body).length === 0)
        throw invalid([{ field: '(body)', problem: 'name at least one field to change' }]);
      if (body.cardLimitPerDay !== undefined && organisation.kind !== 'venue')
        throw invalid([{ field: 'cardLimitPerDay', problem: 'only a venue sets a limit per card' }]);
      if (body.hiddenFromDirectory !== undefined && organisation.kind !== 'venue')
        throw invalid([{ field: 'hiddenFromDirectory', problem: 'only a venue has a public profile' }]);
      const changed = { ...organisation, ...body };
      const audit = auditEntry(
        principal,
        'organisation.updated',
        `organisation/${orgId}`,
        organisation.areaId,
        now,
      );
      // A venue's name, status and hiding move it in the public directory: its entries follow, guarded.
      const follows =
        organisation.kind === 'venue'
          ? {
              items: directoryFollows(organisation, changed, await getVenueProfile(orgId), now),
              unchanged: organisationUnchanged(organisation),
            }
          : undefined;
      if (await updateOrganisation(organisation, body, audit, follows))
        return json(200, organisationView(changed));
    }
    throw new ApiError('CONFLICT', 'The organisation changed while it was being saved; try again.');
  },
);
