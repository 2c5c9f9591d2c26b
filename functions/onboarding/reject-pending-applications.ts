import { rejectionTargets } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { rejectAtOnce } from '../../shared/onboarding.ts';
import type { Infer } from '../../shared/schema.ts';
import type { rejectPendingApplications } from '../../shared/schemas.ts';

export const handler = httpHandler<Infer<typeof rejectPendingApplications>>(
  'POST /v1/applications/reject-pending',
  async ({ body, principal, now }) =>
    json(200, await rejectAtOnce(rejectionTargets(body), body.reason, principal, now)),
);
