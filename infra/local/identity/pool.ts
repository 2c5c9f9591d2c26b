// The user pool's rules, shared by the sign-in pages, the token endpoint and Cognito's API: who may sign
// in, lockout after failures, second factors, tokens and their revocation.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { verifySync } from 'otplib';
import { now, nowMs } from '../../../shared/lib/clock.ts';
import { passwordMatches } from './passwords.ts';
import type { IdentityStore, User } from './state.ts';
import { type AccessClaims, type Issued, refreshTokenSeconds, type TokenSigner } from './tokens.ts';

export { region, userPoolId } from './names.ts';

/** Cognito locks a user out after 5 failed sign-ins in a row, for longer after each further failure. */
export const failuresBeforeLock = 5;
const firstLockSeconds = 5;
const longestLockSeconds = 15 * 60;
/** A temporary password of an invitation works this long (Cognito's default). */
export const temporaryPasswordDays = 7;
/** The managed login's session cookie: one sign-in serves new authorisations this long. */
export const signInSessionSeconds = 3600;

export type PasswordOutcome = 'ok' | 'wrong' | 'locked' | 'disabled' | 'temporary-expired';
export type CodeOutcome = 'ok' | 'wrong' | 'locked';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

export class UserPool {
  readonly store: IdentityStore;
  readonly signer: TokenSigner;

  constructor(store: IdentityStore, signer: TokenSigner) {
    this.store = store;
    this.signer = signer;
  }

  get clientId(): string {
    return this.store.state.clientId;
  }

  isLocked(user: User): boolean {
    return user.lockedUntil !== undefined && user.lockedUntil > now().toISOString();
  }

  private failed(user: User): void {
    user.failures += 1;
    if (user.failures >= failuresBeforeLock) {
      const seconds = Math.min(
        longestLockSeconds,
        firstLockSeconds * 2 ** (user.failures - failuresBeforeLock),
      );
      user.lockedUntil = new Date(nowMs() + seconds * 1000).toISOString();
    }
    this.store.save();
  }

  private succeeded(user: User): void {
    user.failures = 0;
    delete user.lockedUntil;
  }

  /** A password attempt; wrong ones count towards the lockout (a locked user's attempts are not even checked). */
  async tryPassword(user: User | undefined, password: string): Promise<PasswordOutcome> {
    if (!user) {
      // As long as a real check, so the answer's time does not tell which e-mail addresses have accounts.
      await passwordMatches(
        password,
        'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      return 'wrong';
    }
    if (this.isLocked(user)) return 'locked';
    if (!(await passwordMatches(password, user.passwordHash))) {
      this.failed(user);
      return 'wrong';
    }
    if (!user.enabled) return 'disabled';
    if (
      user.status === 'FORCE_CHANGE_PASSWORD' &&
      user.temporaryPasswordExpiresAt !== undefined &&
      user.temporaryPasswordExpiresAt <= now().toISOString()
    )
      return 'temporary-expired';
    this.succeeded(user);
    this.store.save();
    return 'ok';
  }

  /** A TOTP code at sign-in: each code is good once, a wrong one counts towards the lockout. */
  tryCode(user: User, code: string): CodeOutcome {
    if (this.isLocked(user)) return 'locked';
    const secret = user.totpSecret;
    let result: { valid: boolean; timeStep?: number } = { valid: false };
    try {
      if (secret && /^\d{6}$/.test(code))
        result = verifySync({
          secret,
          token: code,
          epochTolerance: 30,
          epoch: Math.floor(nowMs() / 1000),
          ...(user.totpLastStep !== undefined && { afterTimeStep: user.totpLastStep }),
        });
    } catch {
      // otplib refuses a last step ahead of the clock (the service's clock was set back): the code fails.
    }
    if (!result.valid) {
      this.failed(user);
      return 'wrong';
    }
    if (result.timeStep !== undefined) user.totpLastStep = result.timeStep;
    this.succeeded(user);
    this.store.save();
    return 'ok';
  }

  /** Whether a code matches a secret now (TOTP enrolment; nothing is counted). */
  codeMatches(secret: string, code: string): boolean {
    if (!/^\d{6}$/.test(code)) return false;
    return verifySync({ secret, token: code, epochTolerance: 30, epoch: Math.floor(nowMs() / 1000) }).valid;
  }

  needsCode(user: User): boolean {
    return user.totpEnabled && user.totpSecret !== undefined;
  }

  /** Tokens for a completed sign-in, with a refresh token (stored hashed) good for a working day. */
  async signIn(user: User, authTime: number, nonce?: string): Promise<Issued & { refreshToken: string }> {
    const originJti = randomUUID();
    const refreshToken = randomBytes(48).toString('base64url');
    this.store.state.refreshTokens.push({
      hash: sha256(refreshToken),
      sub: user.sub,
      originJti,
      authTime,
      expiresAt: new Date(nowMs() + refreshTokenSeconds * 1000).toISOString(),
    });
    this.store.save();
    const issued = await this.signer.issue(user, {
      authTime,
      originJti,
      ...(nonce !== undefined && { nonce }),
    });
    return { ...issued, refreshToken };
  }

  /** New tokens for a refresh token; undefined when it is unknown, expired or revoked, or its user disabled. */
  async refresh(refreshToken: string): Promise<Issued | undefined> {
    const stored = this.store.state.refreshTokens.find((token) => token.hash === sha256(refreshToken));
    if (!stored || stored.expiresAt <= now().toISOString()) return undefined;
    const user = this.store.userBySub(stored.sub);
    if (!user?.enabled) return undefined;
    return this.signer.issue(user, { authTime: stored.authTime, originJti: stored.originJti });
  }

  /** RevokeToken: the refresh token and the access tokens issued from it. */
  revokeRefreshToken(refreshToken: string): boolean {
    const hash = sha256(refreshToken);
    const stored = this.store.state.refreshTokens.find((token) => token.hash === hash);
    if (!stored) return false;
    this.store.state.refreshTokens = this.store.state.refreshTokens.filter((token) => token !== stored);
    this.store.state.revokedOrigins.push(stored.originJti);
    this.store.save();
    return true;
  }

  /** Global sign-out (and disabling): every refresh token, session and earlier access token of the user. */
  signOutEverywhere(user: User): void {
    const state = this.store.state;
    state.revokedOrigins.push(
      ...state.refreshTokens.filter((token) => token.sub === user.sub).map((token) => token.originJti),
    );
    state.refreshTokens = state.refreshTokens.filter((token) => token.sub !== user.sub);
    state.sessions = state.sessions.filter((session) => session.sub !== user.sub);
    // Whole seconds, as a token's iat: a token issued in this very second is revoked too.
    user.tokensRevokedBefore = new Date(Math.ceil((nowMs() + 1) / 1000) * 1000).toISOString();
    this.store.save();
  }

  /** The user of an access token that Cognito's API still takes: valid, unrevoked, its user enabled. */
  async userOfAccessToken(
    token: unknown,
  ): Promise<{ user: User; claims: AccessClaims } | { problem: string }> {
    if (typeof token !== 'string' || token === '') return { problem: 'Invalid Access Token' };
    const verified = await this.signer.verifyAccess(token);
    if ('problem' in verified)
      return {
        problem: verified.problem === 'expired' ? 'Access Token has expired' : 'Invalid Access Token',
      };
    const { claims } = verified;
    const user = this.store.userBySub(claims.sub);
    if (!user) return { problem: 'Invalid Access Token' };
    if (!user.enabled) return { problem: 'User is disabled.' };
    const revokedBefore = user.tokensRevokedBefore ? Date.parse(user.tokensRevokedBefore) / 1000 : 0;
    if (this.store.state.revokedOrigins.includes(claims.origin_jti) || claims.iat < revokedBefore)
      return { problem: 'Access Token has been revoked' };
    return { user, claims };
  }

  /** Cognito's attributes of a user. */
  attributes(user: User): { Name: string; Value: string }[] {
    return [
      { Name: 'sub', Value: user.sub },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: user.name },
      { Name: 'email', Value: user.email },
    ];
  }

  mfaSettings(user: User): { UserMFASettingList?: string[]; PreferredMfaSetting?: string } {
    return this.needsCode(user)
      ? { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'], PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' }
      : {};
  }
}
