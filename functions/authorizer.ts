// API Gateway REQUEST authorizer (payload 2.0, simple responses). It always lets the request through and
// says in its context who the caller is, or that no valid key was sent: the handler then answers 401 in
// the contract's shape, which API Gateway's own deny could not (docs/decisions/0003-authorizer.md).
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { bearerToken, keyIdOf, keyMatches } from '../shared/domain/api-keys.ts';
import { getApiKey, getOrganisation, touchApiKey } from '../shared/store/organisations.ts';

type Context = Record<string, string | number | boolean>;
const lastUsedResolutionMs = 3_600_000;
const anonymous = { isAuthorized: true, context: { authenticated: false } as Context };

export async function handler(event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>) {
  const token = bearerToken(event.headers?.authorization ?? event.headers?.Authorization);
  const keyId = token && keyIdOf(token);
  if (!token || !keyId) return anonymous;
  const key = await getApiKey(keyId);
  if (!key || key.revokedAt || !keyMatches(key, token)) return anonymous;
  const org = await getOrganisation(key.orgId);
  if (org?.status !== 'active') return anonymous;
  // lastUsedAt to the hour: written only when the stored one is older, so not once per request (and the
  // answer is cached anyway). Bookkeeping: a failed write does not turn the caller away.
  const now = Date.now();
  if (!key.lastUsedAt || now - Date.parse(key.lastUsedAt) >= lastUsedResolutionMs)
    await touchApiKey(keyId, new Date(now)).catch((error: unknown) =>
      console.error(JSON.stringify({ level: 'warn', where: 'authorizer', keyId, error: String(error) })),
    );
  const context: Context = {
    authenticated: true,
    keyId,
    orgId: key.orgId,
    role: key.role,
    areaId: key.areaId ?? '',
    cardLimitPerDay: org.cardLimitPerDay ?? '',
  };
  return { isAuthorized: true, context };
}
