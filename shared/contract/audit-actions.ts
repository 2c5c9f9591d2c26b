// What the audit log records (GET /v1/audit's `action`): the response schema and the domain take them from here.
export const auditActions = [
  'application.approved',
  'application.rejected',
  'organisation.created',
  'organisation.updated',
  'key.created',
  'key.revoked',
  'card.revoked',
  'usage.voided',
  'person.invited',
  'person.removed',
  'person.disabled',
  'person.enabled',
  'profile.updated',
] as const;
export type AuditAction = (typeof auditActions)[number];
