import { httpHandler, json } from '../../shared/http/handler.ts';
import { createNationalOrganisation } from '../../shared/national-organisation.ts';
import type { Infer } from '../../shared/schema.ts';
import type { createNationalOrganisation as createBody } from '../../shared/schemas.ts';

export const handler = httpHandler<Infer<typeof createBody>>(
  'POST /v1/partners',
  async ({ body, principal, now }) =>
    json(201, await createNationalOrganisation('partner', body, principal, now)),
);
