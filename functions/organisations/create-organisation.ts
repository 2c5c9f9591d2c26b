import type { createOrganisation as createBody } from '../../shared/contract/schemas.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { organisationView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { invalid, notFound } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { createOrganisation, getArea } from '../../shared/store/organisations.ts';
import { newId } from '../../shared/use-cases/register-organisation.ts';

export const handler = httpHandler<Infer<typeof createBody>>(
  'POST /v1/areas/{areaId}/organisations',
  async ({ path, body, principal, now }) => {
    const areaId = path.areaId ?? '';
    requireAreaScope(principal, areaId, `Area ${areaId}`);
    const area = await getArea(areaId);
    if (!area) throw notFound(`Area ${areaId}`);
    if (!area.municipalityCodes.includes(body.municipalityCode))
      throw invalid([
        {
          field: 'municipalityCode',
          problem: `must be one of the area's municipalities (${area.municipalityCodes.join(', ')})`,
        },
      ]);
    if (body.kind !== 'venue' && body.cardLimitPerDay !== undefined)
      throw invalid([{ field: 'cardLimitPerDay', problem: 'only a venue sets a limit per card' }]);
    const organisation = {
      orgId: newId('o'),
      ...body,
      areaId,
      status: 'active' as const,
      createdAt: now.toISOString(),
    };
    await createOrganisation(
      organisation,
      auditEntry(principal, 'organisation.created', `organisation/${organisation.orgId}`, areaId, now),
    );
    return json(201, organisationView(organisation));
  },
);
