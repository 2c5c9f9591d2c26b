export const roles = ['admin', 'area-admin', 'distributor', 'venue', 'ticket-agent', 'partner'] as const;
export type Role = (typeof roles)[number];

export const organisationKinds = [
  'national-centre',
  'area-admin',
  'distributor',
  'venue',
  'ticket-agent',
  'partner',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const sectors = ['culture', 'education', 'science', 'sport'] as const;
export type Sector = (typeof sectors)[number];

/**
 * Who called, for which organisation: a machine key (its organisation is the key's), or a person acting
 * for one of their memberships (X-Kaiku-Organisation). Resolved by the authorizer (who) and re-checked by
 * the handler wrapper at every request (still allowed?), shared/http/caller.ts.
 */
export interface Principal {
  readonly kind: 'key' | 'person';
  /** A key's id (kind "key"). */
  readonly keyId?: string;
  /** A person's id, the identity provider's `sub` (kind "person"), with their display name. */
  readonly personId?: string;
  readonly name?: string;
  /** A person who manages the organisation's people (invites and removes its staff). */
  readonly manager?: boolean;
  readonly orgId: string;
  readonly role: Role;
  /** Absent for the national centre, ticket agents and partners. */
  readonly areaId?: string;
  /** A venue's upper limit of uses per card per day, if it set one (cached with the key). */
  readonly cardLimitPerDay?: number;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
