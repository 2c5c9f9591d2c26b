// GET /v1/me: who the key belongs to, from the authorizer's context alone (no table read), so that a
// client (the web app) knows the role it signed in with.
import { httpHandler, json } from '../shared/http/handler.ts';

export const handler = httpHandler('GET /v1/me', async ({ principal }) => {
  const { keyId, orgId, role, areaId } = principal;
  return json(200, { keyId, orgId, role, ...(areaId && { areaId }) });
});
