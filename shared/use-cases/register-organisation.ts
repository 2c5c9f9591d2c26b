// Making an organisation with its first key, and an area: used by the seed and the tests now, and by
// the onboarding endpoints.
import { randomBytes } from 'node:crypto';
import { newApiKey } from '../domain/api-keys.ts';
import { type Area, type Organisation, type OrganisationKind, roleOfKind } from '../domain/organisations.ts';
import { now as clockNow } from '../lib/clock.ts';
import { putArea, putOrganisationWithKey } from '../store/organisations.ts';

export const newId = (prefix: string) => `${prefix}${randomBytes(8).toString('hex')}`;

export async function registerArea(
  input: { name: string; municipalityCodes: string[]; welfareArea: string; areaId?: string },
  now = clockNow(),
): Promise<Area> {
  const area: Area = {
    areaId: input.areaId ?? newId('a'),
    name: input.name,
    municipalityCodes: input.municipalityCodes,
    welfareArea: input.welfareArea,
    status: 'active',
    createdAt: now.toISOString(),
  };
  await putArea(area);
  return area;
}

export async function registerOrganisation(
  input: {
    kind: OrganisationKind;
    name: string;
    areaId?: string;
    municipalityCode?: string;
    contactEmail?: string;
    cardLimitPerDay?: number;
    orgId?: string;
  },
  now = clockNow(),
): Promise<{ organisation: Organisation; apiKey: string; keyId: string }> {
  const organisation: Organisation = {
    orgId: input.orgId ?? newId('o'),
    kind: input.kind,
    name: input.name,
    areaId: input.areaId,
    municipalityCode: input.municipalityCode,
    contactEmail: input.contactEmail,
    cardLimitPerDay: input.cardLimitPerDay,
    status: 'active',
    createdAt: now.toISOString(),
  };
  const { apiKey, record } = newApiKey(
    { orgId: organisation.orgId, role: roleOfKind[input.kind], areaId: input.areaId },
    now,
  );
  await putOrganisationWithKey(organisation, record);
  return { organisation, apiKey, keyId: record.keyId };
}
