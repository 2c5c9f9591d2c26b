// A person's access token from the identity provider (Amazon Cognito in AWS, the local provider under
// npm start): the same check in both, with jose against the provider's published keys. Only `sub` is taken
// from a verified token; what the person may do comes from their memberships in the table.
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { nowMs } from '../lib/clock.ts';

export interface IdentityProvider {
  /** `iss` of every token, e.g. https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_AbCdEf. */
  readonly issuer: string;
  /** The web app's client: `client_id` of its access tokens. */
  readonly clientId: string;
}

/** The provider the function is configured with (IDP_ISSUER, IDP_CLIENT_ID), if any. */
export function identityProvider(): IdentityProvider | undefined {
  const issuer = process.env.IDP_ISSUER;
  const clientId = process.env.IDP_CLIENT_ID;
  return issuer && clientId ? { issuer, clientId } : undefined;
}

export interface VerifiedAccessToken {
  /** The person's stable id. */
  readonly sub: string;
  /** When the token stops being valid (ms since the epoch): a cached decision must not outlive it. */
  readonly expiresAtMs: number;
}

// One key set per issuer and container: jose fetches it once, keeps it, and fetches again only for a
// key id it has not seen (a rotation), at most every 30 s.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySetOf(issuer: string) {
  let keySet = keySets.get(issuer);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
      timeoutDuration: 2_500,
      cooldownDuration: 30_000,
    });
    keySets.set(issuer, keySet);
  }
  return keySet;
}

export type TokenRefusal =
  | 'NO_PROVIDER'
  | 'BAD_TOKEN'
  | 'EXPIRED_TOKEN'
  | 'NOT_ACCESS_TOKEN'
  | 'OTHER_CLIENT';

/**
 * Verifies signature (RS256, a key of the issuer's JWKS), issuer, expiry (by the service's clock),
 * token_use "access", the web app's client id and a subject. Never throws for a bad token: it says why.
 */
export async function verifyAccessToken(
  token: string,
  provider: IdentityProvider | undefined = identityProvider(),
): Promise<{ ok: true; token: VerifiedAccessToken } | { ok: false; reason: TokenRefusal }> {
  if (!provider) return { ok: false, reason: 'NO_PROVIDER' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySetOf(provider.issuer), {
      issuer: provider.issuer,
      algorithms: ['RS256'],
      currentDate: new Date(nowMs()),
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, reason: 'EXPIRED_TOKEN' };
    // A key set that cannot be fetched is our failure, not the caller's: it must not look like a 401.
    if (code === 'ERR_JWKS_TIMEOUT' || (error instanceof TypeError && /fetch/i.test(error.message)))
      throw error;
    return { ok: false, reason: 'BAD_TOKEN' };
  }
  if (payload.token_use !== 'access') return { ok: false, reason: 'NOT_ACCESS_TOKEN' };
  if (payload.client_id !== provider.clientId) return { ok: false, reason: 'OTHER_CLIENT' };
  if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number')
    return { ok: false, reason: 'BAD_TOKEN' };
  return { ok: true, token: { sub: payload.sub, expiresAtMs: payload.exp * 1000 } };
}

/** The scopes the web app asks for: its own profile and Cognito's self-service API (second factors). */
export const accessTokenScopes = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] as const;
