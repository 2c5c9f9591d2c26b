import { parseIdempotencyKey, type UsageInput, usageIdFor, usageView } from '../../shared/domain/usages.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { recordUsage, venueFor } from '../../shared/use-cases/record-usage.ts';

export const handler = httpHandler<UsageInput>(
  'POST /v1/usages',
  async ({ principal, caller, body, headers, now }) => {
    const key = parseIdempotencyKey(headers['idempotency-key']);
    const { usage, replayed } = await recordUsage(
      principal,
      body,
      (venueId) => usageIdFor({ callerId: principal.orgId, venueId }, key),
      now,
      (venueId) => venueFor(principal, venueId, caller),
    );
    return json(replayed ? 200 : 201, usageView(usage));
  },
);
