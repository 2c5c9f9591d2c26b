// GET /v1/auth/config (public): the OpenID Connect provider people sign in with, for the web app.

import { httpHandler, json } from '../../shared/http/handler.ts';
import { accessTokenScopes, identityProvider } from '../../shared/identity/access-token.ts';
import { ApiError } from '../../shared/lib/errors.ts';

export const handler = httpHandler('GET /v1/auth/config', async () => {
  const provider = identityProvider();
  if (!provider) throw new ApiError('SERVICE_UNAVAILABLE', 'Sign-in is not available just now.');
  return json(200, { issuer: provider.issuer, clientId: provider.clientId, scopes: accessTokenScopes });
});
