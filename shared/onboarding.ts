// Approving an application: everything the new area needs, made in one transaction by the store.
import { unclaimedApiKey } from './domain/api-keys.ts';
import { auditEntry } from './domain/audit.ts';
import type { Application } from './domain/onboarding.ts';
import type { Area, Organisation } from './domain/organisations.ts';
import { ApiError } from './errors.ts';
import { newId } from './register-organisation.ts';
import type { Principal } from './roles.ts';
import { approveApplication } from './store/onboarding.ts';

export async function approve(application: Application, principal: Principal, now: Date): Promise<string> {
  if (application.status !== 'pending')
    throw new ApiError('CONFLICT', 'The application has already been decided.');
  const createdAt = now.toISOString();
  const area: Area = {
    areaId: newId('a'),
    name: application.areaName,
    municipalityCodes: application.municipalityCodes,
    welfareArea: application.welfareArea,
    status: 'active',
    createdAt,
  };
  const areaAdmin: Organisation = {
    orgId: newId('o'),
    kind: 'area-admin',
    name: `${application.areaName}: Kaikukortti team`,
    areaId: area.areaId,
    contactEmail: application.contacts.culture.email,
    status: 'active',
    createdAt,
  };
  const key = unclaimedApiKey({ orgId: areaAdmin.orgId, role: 'area-admin', areaId: area.areaId }, now);
  const audit = auditEntry(
    principal,
    'application.approved',
    `application/${application.applicationId}`,
    area.areaId,
    now,
  );
  await approveApplication(application, { area, areaAdmin, key, audit }, now);
  return area.areaId;
}
