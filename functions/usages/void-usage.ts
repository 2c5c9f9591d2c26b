import { auditEntry } from '../../shared/domain/audit.ts';
import { checkVoidable, listedUsageView } from '../../shared/domain/usages.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { getUsage, voidUsage } from '../../shared/store/usages.ts';

export const handler = httpHandler('DELETE /v1/usages/{usageId}', async ({ principal, path, now }) => {
  const usageId = path.usageId ?? '';
  const usage = await getUsage(usageId);
  if (!usage) throw notFound(`Usage ${usageId}`);
  checkVoidable(usage, principal, now);
  // Voiding twice is not an error: the use is voided either way, and a retried DELETE must not fail.
  if (!usage.voided)
    await voidUsage(
      usage,
      now,
      auditEntry(principal, 'usage.voided', `usage/${usage.usageId}`, usage.areaId, now),
    );
  const voided = usage.voided ? usage : { ...usage, voided: true, voidedAt: now.toISOString() };
  return json(200, { ...listedUsageView(voided), voidedAt: voided.voidedAt });
});
