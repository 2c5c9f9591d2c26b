import type { Role } from '../roles.ts';

export type OrganisationKind =
  | 'national-centre'
  | 'area-admin'
  | 'distributor'
  | 'venue'
  | 'ticket-agent'
  | 'partner';

export interface Organisation {
  readonly orgId: string;
  readonly kind: OrganisationKind;
  readonly name: string;
  readonly areaId?: string;
  readonly municipalityCode?: string;
  readonly contactEmail?: string;
  readonly cardLimitPerDay?: number;
  readonly status: 'active' | 'inactive';
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
