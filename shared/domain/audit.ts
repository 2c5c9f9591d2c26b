import { randomBytes } from 'node:crypto';
import type { AuditAction } from '../contract/audit-actions.ts';
import type { Principal } from '../contract/roles.ts';

export type { AuditAction };

/**
 * Who acted: a person (their id and the name they had then: the audit page shows it) or a machine key,
 * always with the organisation and role they acted for. Entries written before people existed have no
 * `kind`; they were all keys (auditView says so).
 */
export interface AuditActor {
  readonly kind: 'person' | 'key';
  readonly personId?: string;
  readonly name?: string;
  readonly keyId?: string;
  readonly orgId: string;
  readonly role: string;
}

export function actorOf(principal: Principal): AuditActor {
  return principal.kind === 'person'
    ? {
        kind: 'person',
        personId: principal.personId,
        ...(principal.name && { name: principal.name }),
        orgId: principal.orgId,
        role: principal.role,
      }
    : { kind: 'key', keyId: principal.keyId, orgId: principal.orgId, role: principal.role };
}

/** One administrative action, written in the same transaction as the action itself. */
export interface AuditEntry {
  readonly auditId: string;
  readonly at: string;
  readonly actor: AuditActor;
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
    actor: actorOf(principal),
    action,
    target,
    ...(areaId && { areaId }),
  };
}

export function auditView(entry: AuditEntry) {
  return {
    at: entry.at,
    actor: { ...entry.actor, kind: entry.actor.kind ?? 'key' },
    action: entry.action,
    target: entry.target,
    areaId: entry.areaId,
  };
}
