import type { rejectApplication as rejectBody } from '../../shared/contract/schemas.ts';
import { reviewView } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { getApplication } from '../../shared/store/onboarding.ts';
import { reject } from '../../shared/use-cases/onboarding.ts';
import { sendDecisionMail } from '../../shared/use-cases/send-decision-mail.ts';

export const handler = httpHandler<Infer<typeof rejectBody>>(
  'POST /v1/applications/{id}/reject',
  async ({ path, body, principal, now }) => {
    const application = await getApplication(path.id ?? '');
    if (!application) throw notFound(`Application ${path.id}`);
    await reject(application, body.reason, principal, now);
    const rejected = {
      ...application,
      status: 'rejected' as const,
      reason: body.reason,
      decidedAt: now.toISOString(),
    };
    // The rejection is stored; the e-mail after it may fail (logged), the answer stays the decision.
    await sendDecisionMail(rejected);
    return json(200, reviewView(rejected));
  },
);
