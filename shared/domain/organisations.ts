import type { OrganisationKind, Role } from '../contract/roles.ts';

export type { OrganisationKind };

export interface Organisation {
  readonly orgId: string;
  readonly kind: OrganisationKind;
  readonly name: string;
  readonly areaId?: string;
  readonly municipalityCode?: string;
  readonly contactEmail?: string;
  readonly cardLimitPerDay?: number;
  readonly status: 'active' | 'inactive';
  /** A venue's profile hidden from the public directory by its area's admin. */
  readonly hiddenFromDirectory?: boolean;
  readonly createdAt: string;
}

export interface Area {
  readonly areaId: string;
  readonly name: string;
  readonly municipalityCodes: readonly string[];
  readonly welfareArea: string;
  readonly status: 'active' | 'inactive';
  readonly createdAt: string;
}

/** An organisation's kind decides the role of every key it holds. */
export const roleOfKind: Record<OrganisationKind, Role> = {
  'national-centre': 'admin',
  'area-admin': 'area-admin',
  distributor: 'distributor',
  venue: 'venue',
  'ticket-agent': 'ticket-agent',
  partner: 'partner',
};

export const nationalCentreId = 'national-centre';

export function organisationView(org: Organisation) {
  return {
    id: org.orgId,
    kind: org.kind,
    name: org.name,
    ...(org.areaId && { areaId: org.areaId }),
    status: org.status,
    ...(org.municipalityCode && { municipalityCode: org.municipalityCode }),
    ...(org.contactEmail && { contactEmail: org.contactEmail }),
    ...(org.cardLimitPerDay !== undefined && { cardLimitPerDay: org.cardLimitPerDay }),
    ...(org.hiddenFromDirectory === true && { hiddenFromDirectory: true }),
    createdAt: org.createdAt,
  };
}

export function areaView(area: Area) {
  return {
    id: area.areaId,
    name: area.name,
    municipalityCodes: area.municipalityCodes,
    welfareArea: area.welfareArea,
    status: area.status,
    createdAt: area.createdAt,
  };
}

/** A key as listed: never its secret or hash. */
export function keyView(key: {
  keyId: string;
  role: Role;
  name?: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}) {
  return {
    keyId: key.keyId,
    role: key.role,
    ...(key.name !== undefined && { name: key.name }),
    createdAt: key.createdAt,
    ...(key.expiresAt && { expiresAt: key.expiresAt }),
    ...(key.lastUsedAt && { lastUsedAt: key.lastUsedAt }),
    ...(key.revokedAt && { revokedAt: key.revokedAt }),
  };
}
