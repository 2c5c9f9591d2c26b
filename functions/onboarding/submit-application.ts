import type { submitApplication } from '../../shared/contract/schemas.ts';
import { clientOfRequest, viewerAddressHeader } from '../../shared/domain/application-source.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { submit } from '../../shared/use-cases/onboarding.ts';

export const handler = httpHandler<Infer<typeof submitApplication>>(
  'POST /v1/applications',
  async ({ body, headers, sourceIp, now }) => {
    // The client: the address CloudFront saw, else the connection's (decision 0011); only its hash is kept.
    const client = clientOfRequest(headers[viewerAddressHeader], sourceIp);
    const { application, claimToken } = await submit(body, client, now);
    return json(201, { id: application.applicationId, status: application.status, claimToken });
  },
);
