import type { createNationalOrganisation as createBody } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { createNationalOrganisation } from '../../shared/use-cases/national-organisation.ts';

export const handler = httpHandler<Infer<typeof createBody>>(
  'POST /v1/partners',
  async ({ body, principal, now }) =>
    json(201, await createNationalOrganisation('partner', body, principal, now)),
);
