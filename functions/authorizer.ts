// API Gateway REQUEST authorizer (payload 2.0, simple responses). It always lets the request through and
// says in its context who the caller is, or that no valid key or token was sent: the handler then answers
// 401 in the contract's shape, which API Gateway's own deny could not (docs/decisions/0003-authorizer.md).
// Two kinds of caller: a machine key ("kk.<id>.<secret>") or a person's access token (a JWT from the
// identity provider). Its answer is cached per Authorization header, so it decides only who the caller is;
// whether they may still act (a revoked key, a removed membership) the handler checks at every request
// (shared/http/caller.ts, docs/decisions/0016-people-sign-in.md).
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { bearerToken, isExpired, keyIdOf, keyMatches } from '../shared/domain/api-keys.ts';
import { fromOrigin } from '../shared/http/origin.ts';
import { looksLikeJwt } from '../shared/identity/token-shape.ts';
import { nowMs } from '../shared/lib/clock.ts';
import { invocation } from '../shared/lib/observability.ts';
import { getApiKey, getOrganisation, touchApiKey } from '../shared/store/organisations.ts';
import { getPersonWithMemberships, touchPerson } from '../shared/store/people.ts';

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
    const { result, code, key, personId } = await authorize(event);
    started.finish({
      ...logged,
      ...(key && { orgId: key.orgId, keyId: key.keyId, role: key.role }),
      ...(personId && { personId }),
      ...(code && { code }),
    });
    return result;
  } catch (error) {
    started.finish({ ...logged, code: 'INTERNAL', failed: true });
    throw error;
  }
}

type Decision = {
  result: typeof anonymous;
  code?: string;
  key?: { keyId: string; orgId: string; role: string };
  personId?: string;
};

async function authorize(event: AuthorizerEvent): Promise<Decision> {
  // Not from CloudFront: no key is looked up at all (the handler then refuses it, decision 0022).
  if (!(await fromOrigin(event.headers ?? {}))) return { result: anonymous, code: 'NOT_FROM_ORIGIN' };
  const token = bearerToken(event.headers?.authorization ?? event.headers?.Authorization);
  if (token && looksLikeJwt(token)) return authorizePerson(token);
  const keyId = token && keyIdOf(token);
  if (!token || !keyId) return { result: anonymous, code: 'MALFORMED_KEY' };
  const key = await getApiKey(keyId);
  // The key id is logged only once it names a stored key: never a string the caller made up.
  if (!key) return { result: anonymous, code: 'UNKNOWN_KEY' };
  const known = { keyId: key.keyId, orgId: key.orgId, role: key.role };
  if (key.revokedAt) return { result: anonymous, code: 'REVOKED_KEY', key: known };
  if (isExpired(key, nowMs())) return { result: anonymous, code: 'EXPIRED_KEY', key: known };
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
    kind: 'key',
    keyId,
    orgId: key.orgId,
    role: key.role,
    areaId: key.areaId ?? '',
    cardLimitPerDay: org.cardLimitPerDay ?? '',
  };
  return { result: { isAuthorized: true, context }, key: known };
}

/**
 * A person: a verified access token names them (`sub`); they must be known here and not disabled. Which
 * organisation they act for, and whether they still may, the handler decides at each request from the
 * table (the header X-Kaiku-Organisation is not part of this cached answer).
 */
async function authorizePerson(token: string): Promise<Decision> {
  // Loaded at the first person's token: a container that serves only keys never initialises jose.
  const { verifyAccessToken } = await import('../shared/identity/access-token.ts');
  const verified = await verifyAccessToken(token);
  if (!verified.ok) return { result: anonymous, code: verified.reason };
  const personId = verified.token.sub;
  const { person } = await getPersonWithMemberships(personId);
  if (!person) return { result: anonymous, code: 'UNKNOWN_PERSON' };
  if (person.status === 'disabled') return { result: anonymous, code: 'DISABLED_PERSON', personId };
  const now = nowMs();
  if (
    !person.lastSignInAt ||
    person.status === 'invited' ||
    now - Date.parse(person.lastSignInAt) >= lastUsedResolutionMs
  )
    await touchPerson(personId, new Date(now)).catch((error: unknown) =>
      console.error(JSON.stringify({ level: 'warn', where: 'authorizer', personId, error: String(error) })),
    );
  const context: Context = {
    authenticated: true,
    kind: 'person',
    personId,
    // A cached answer must not outlive the token: the handler refuses it after this instant.
    tokenExpiresAt: verified.token.expiresAtMs,
  };
  return { result: { isAuthorized: true, context }, personId };
}
