// The roles of the API (shared/contract/roles.ts), and the page each one starts on.
export const roles = ['admin', 'area-admin', 'distributor', 'venue', 'ticket-agent', 'partner'] as const;
export type Role = (typeof roles)[number];

export const sectors = ['culture', 'education', 'science', 'sport'] as const;
export type Sector = (typeof sectors)[number];

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (roles as readonly string[]).includes(value);

export const homeOf: Record<Role, string> = {
  admin: '/national',
  'area-admin': '/area',
  distributor: '/cards',
  venue: '/desk',
  'ticket-agent': '/desk',
  partner: '/snapshots',
};
