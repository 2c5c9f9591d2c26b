// API Gateway REQUEST authorizer (payload 2.0, simple responses). It always lets the request through and
// says in its context who the caller is, or that no valid key was sent: the handler then answers 401 in
// the contract's shape, which API Gateway's own deny could not (docs/decisions/0003-authorizer.md).
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { nowMs } from '../shared/clock.ts';
import { bearerToken, keyIdOf, keyMatches } from '../shared/domain/api-keys.ts';
import { invocation } from '../shared/observability.ts';
import { getApiKey, getOrganisation, touchApiKey } from '../shared/store/organisations.ts';

type Context = Record<string, string | number | boolean>;
const lastUsedResolutionMs = 3_600_000;
const anonymous = { isAuthorized: true, context: { authenticated: false } as Context };

type AuthorizerEvent = Pick<APIGatewayRequestAuthorizerEventV2, 'headers'> & {
  readonly routeKey?: string;
  readonly requestContext?: { readonly requestId?: string };
};

/** One log line per authorizer call (a cached answer makes none): who, or why nobody (never the key). */
export async function handler(event: AuthorizerEvent) {
  const started = invocation();
  const logged = { route: 'authorizer', requestId: event.requestContext?.requestId };
  try {
    const { result, code, key } = await authorize(event);
    started.finish({
      ...logged,
      ...(key && { orgId: key.orgId, keyId: key.keyId, role: key.role }),
      ...(code && { code }),
    });
    return result;
  } catch (error) {
    started.finish({ ...logged, code: 'INTERNAL', failed: true });
    throw error;
  }
}

async function authorize(event: AuthorizerEvent): Promise<{
  result: typeof anonymous;
  code?: string;
  key?: { keyId: string; orgId: string; role: string };
}> {
  const token = bearerToken(event.headers?.authorization ?? event.headers?.Authorization);
  const keyId = token && keyIdOf(token);
  if (!token || !keyId) return { result: anonymous, code: 'MALFORMED_KEY' };
  const key = await getApiKey(keyId);
  // The key id is logged only once it names a stored key: never a string the caller made up.
  if (!key) return { result: anonymous, code: 'UNKNOWN_KEY' };
  const known = { keyId: key.keyId, orgId: key.orgId, role: key.role };
  if (key.revokedAt) return { result: anonymous, code: 'REVOKED_KEY', key: known };
  if (!keyMatches(key, token)) return { result: anonymous, code: 'WRONG_SECRET', key: known };
  const org = await getOrganisation(key.orgId);
  if (org?.status !== 'active') return { result: anonymous, code: 'ORGANISATION_INACTIVE', key: known };
  // lastUsedAt to the hour: written only when the stored one is older, so not once per request (and the
  // answer is cached anyway). Bookkeeping: a failed write does not turn the caller away.
  const now = nowMs();
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
  return { result: { isAuthorized: true, context }, key: known };
}
