export const roles = ['admin', 'area-admin', 'distributor', 'venue', 'ticket-agent', 'partner'] as const;
export type Role = (typeof roles)[number];

export const sectors = ['culture', 'education', 'science', 'sport'] as const;
export type Sector = (typeof sectors)[number];

/** Who called: resolved by the authorizer from the API key. */
export interface Principal {
  readonly keyId: string;
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
