import { randomBytes } from 'node:crypto';
import type { Principal } from '../roles.ts';

export type AuditAction =
  | 'application.approved'
  | 'application.rejected'
  | 'organisation.created'
  | 'organisation.updated'
  | 'key.created'
  | 'key.revoked'
  | 'card.revoked'
  | 'usage.voided'
  | 'profile.updated';

/** One administrative action, written in the same transaction as the action itself. */
export interface AuditEntry {
  readonly auditId: string;
  readonly at: string;
  readonly actor: { readonly orgId: string; readonly keyId: string; readonly role: string };
  readonly action: AuditAction;
  readonly target: string;
  readonly areaId?: string;
}

export function auditEntry(
  principal: Principal,
  action: AuditAction,
  target: string,
  areaId: string | undefined,
  now: Date,
): AuditEntry {
  return {
    auditId: randomBytes(6).toString('hex'),
    at: now.toISOString(),
    actor: { orgId: principal.orgId, keyId: principal.keyId, role: principal.role },
    action,
    target,
    ...(areaId && { areaId }),
  };
}

export function auditView(entry: AuditEntry) {
  return {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    areaId: entry.areaId,
  };
}
