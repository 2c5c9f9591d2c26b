// Who may act on what: the national centre on everything, an area-admin on its own area. Anything
// outside the caller's scope is "not found", so its existence is not revealed.

import type { Principal } from '../contract/roles.ts';
import { notFound } from '../lib/errors.ts';

export function canManageArea(principal: Principal, areaId: string | undefined): boolean {
  if (principal.role === 'admin') return true;
  return principal.role === 'area-admin' && areaId !== undefined && principal.areaId === areaId;
}

export function requireAreaScope(principal: Principal, areaId: string | undefined, what: string): void {
  if (!canManageArea(principal, areaId)) throw notFound(what);
}
