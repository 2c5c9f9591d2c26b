import { auditEntry } from '../../shared/domain/audit.ts';
import { reviewView } from '../../shared/domain/onboarding.ts';
import { ApiError, notFound } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/schema.ts';
import type { rejectApplication as rejectBody } from '../../shared/schemas.ts';
import { getApplication, rejectApplication } from '../../shared/store/onboarding.ts';

export const handler = httpHandler<Infer<typeof rejectBody>>(
  'POST /v1/applications/{id}/reject',
  async ({ path, body, principal, now }) => {
    const application = await getApplication(path.id ?? '');
    if (!application) throw notFound(`Application ${path.id}`);
    if (application.status !== 'pending')
      throw new ApiError('CONFLICT', 'The application has already been decided.');
    const audit = auditEntry(
      principal,
      'application.rejected',
      `application/${application.applicationId}`,
      undefined,
      now,
    );
    await rejectApplication(application, body.reason, audit, now);
    return json(
      200,
      reviewView({ ...application, status: 'rejected', reason: body.reason, decidedAt: now.toISOString() }),
    );
  },
);
