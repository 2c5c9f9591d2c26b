// Tokens of Cognito's form, signed RS256 with the provider's key (its `kid` in the header and in the JWKS).
import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { nowMs } from '../../../shared/lib/clock.ts';
import type { User } from './state.ts';

/** Cognito's defaults for the web app's client: access and ID tokens 1 hour, refresh tokens a working day. */
export const accessTokenSeconds = 3600;
export const refreshTokenSeconds = 12 * 3600;
export const scopes = 'openid email profile aws.cognito.signin.user.admin';

const privateParts = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

export async function newSigningKey(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: 'RS256', use: 'sig', kid: randomUUID() };
}

export interface Issued {
  readonly accessToken: string;
  readonly idToken: string;
  readonly expiresIn: number;
}

export interface AccessClaims extends JWTPayload {
  sub: string;
  client_id: string;
  token_use: 'access';
  origin_jti: string;
  iat: number;
  username: string;
}

export class TokenSigner {
  readonly jwks: { keys: JWK[] };
  private readonly kid: string;
  private readonly privateKey: CryptoKey;
  private readonly publicKey: CryptoKey;
  private readonly issuer: string;
  private readonly clientId: string;

  private constructor(
    jwk: Record<string, unknown>,
    keys: { privateKey: CryptoKey; publicKey: CryptoKey },
    issuer: string,
    clientId: string,
  ) {
    this.kid = String(jwk.kid);
    this.privateKey = keys.privateKey;
    this.publicKey = keys.publicKey;
    this.issuer = issuer;
    this.clientId = clientId;
    const publicJwk = Object.fromEntries(
      Object.entries(jwk).filter(([name]) => !privateParts.includes(name)),
    );
    this.jwks = { keys: [publicJwk as JWK] };
  }

  static async create(jwk: Record<string, unknown>, issuer: string, clientId: string): Promise<TokenSigner> {
    const privateKey = (await importJWK(jwk as JWK, 'RS256')) as CryptoKey;
    const publicJwk = Object.fromEntries(
      Object.entries(jwk).filter(([name]) => !privateParts.includes(name)),
    );
    const publicKey = (await importJWK(publicJwk as JWK, 'RS256')) as CryptoKey;
    return new TokenSigner(jwk, { privateKey, publicKey }, issuer, clientId);
  }

  /** An access token and an ID token, as Cognito's token endpoint gives them (origin_jti ties both to a sign-in). */
  async issue(user: User, session: { authTime: number; originJti: string; nonce?: string }): Promise<Issued> {
    const iat = Math.floor(nowMs() / 1000);
    const exp = iat + accessTokenSeconds;
    const eventId = randomUUID();
    const header = { alg: 'RS256', kid: this.kid };
    const accessToken = await new SignJWT({
      sub: user.sub,
      iss: this.issuer,
      client_id: this.clientId,
      origin_jti: session.originJti,
      event_id: eventId,
      token_use: 'access',
      scope: scopes,
      auth_time: session.authTime,
      exp,
      iat,
      jti: randomUUID(),
      username: user.sub,
    })
      .setProtectedHeader(header)
      .sign(this.privateKey);
    const idToken = await new SignJWT({
      sub: user.sub,
      email_verified: true,
      iss: this.issuer,
      'cognito:username': user.sub,
      ...(session.nonce !== undefined && { nonce: session.nonce }),
      origin_jti: session.originJti,
      aud: this.clientId,
      event_id: eventId,
      token_use: 'id',
      auth_time: session.authTime,
      name: user.name,
      exp,
      iat,
      jti: randomUUID(),
      email: user.email,
    })
      .setProtectedHeader(header)
      .sign(this.privateKey);
    return { accessToken, idToken, expiresIn: accessTokenSeconds };
  }

  /** An access token of this pool and client, unexpired by the service's clock; undefined and why if not. */
  async verifyAccess(token: string): Promise<{ claims: AccessClaims } | { problem: 'expired' | 'invalid' }> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(nowMs()),
      });
      if (
        payload.token_use !== 'access' ||
        payload.client_id !== this.clientId ||
        typeof payload.sub !== 'string'
      )
        return { problem: 'invalid' };
      return { claims: payload as AccessClaims };
    } catch (error) {
      return { problem: (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' };
    }
  }
}
