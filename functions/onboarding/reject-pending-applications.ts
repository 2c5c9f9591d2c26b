import type { rejectPendingApplications } from '../../shared/contract/schemas.ts';
import { rejectionTargets } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { rejectAtOnce } from '../../shared/use-cases/onboarding.ts';

export const handler = httpHandler<Infer<typeof rejectPendingApplications>>(
  'POST /v1/applications/reject-pending',
  async ({ body, principal, now }) =>
    json(200, await rejectAtOnce(rejectionTargets(body), body.reason, principal, now)),
);
