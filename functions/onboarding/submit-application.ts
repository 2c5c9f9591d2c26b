import { newApplication } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/schema.ts';
import type { submitApplication } from '../../shared/schemas.ts';
import { putApplication } from '../../shared/store/onboarding.ts';

export const handler = httpHandler<Infer<typeof submitApplication>>(
  'POST /v1/applications',
  async ({ body, now }) => {
    const { application, claimToken } = newApplication(body, now);
    await putApplication(application);
    return json(201, { id: application.applicationId, status: application.status, claimToken });
  },
);
