// What the local identity provider keeps across restarts, in one JSON file of $KAIKU_DATA_DIR/identity/
// (mode 600, replaced atomically): the app client's id, the signing key, the users with their password
// hashes, TOTP secrets and passkeys, refresh tokens (hashed) and sign-in sessions. Every change is on disk
// before the provider answers the request that made it.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { now } from '../../../shared/lib/clock.ts';

export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';

export interface Passkey {
  /** base64url, as WebAuthn names it. */
  readonly credentialId: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  counter: number;
  readonly transports: string[];
  readonly attachment?: string;
  readonly friendlyName?: string;
  readonly createdAt: string;
}

export interface User {
  /** Cognito's `sub`, and the user name (the pool signs in with the e-mail as an alias, as CDK's signInAliases: {email: true}). */
  readonly sub: string;
  email: string;
  name: string;
  status: UserStatus;
  enabled: boolean;
  passwordHash: string;
  /** When a temporary password stops working (Cognito: 7 days). */
  temporaryPasswordExpiresAt?: string;
  /** A verified TOTP secret (base32) and whether it is used at sign-in. */
  totpSecret?: string;
  totpEnabled: boolean;
  /** The time step of the last code accepted at sign-in: a code is good once. */
  totpLastStep?: number;
  /** AssociateSoftwareToken's secret until VerifySoftwareToken confirms it. */
  pendingTotpSecret?: string;
  passkeys: Passkey[];
  /** Failed sign-ins in a row and until when the user is locked out. */
  failures: number;
  lockedUntil?: string;
  /** Access tokens issued before this instant no longer work with Cognito's API (global sign-out, disabling). */
  tokensRevokedBefore?: string;
  createdAt: string;
  modifiedAt: string;
}

export interface RefreshToken {
  /** sha256 of the token, base64url: the token itself is never stored. */
  readonly hash: string;
  readonly sub: string;
  readonly originJti: string;
  readonly authTime: number;
  readonly expiresAt: string;
}

export interface SignInSession {
  readonly hash: string;
  readonly sub: string;
  readonly authTime: number;
  readonly expiresAt: string;
}

export interface IdentityState {
  readonly version: 1;
  readonly clientId: string;
  /** The RS256 signing key as a private JWK (with its kid). */
  readonly signingKey: Record<string, unknown>;
  users: User[];
  refreshTokens: RefreshToken[];
  sessions: SignInSession[];
  /** origin_jti of revoked refresh tokens: their access tokens no longer work with Cognito's API. */
  revokedOrigins: string[];
}

/** Like Cognito's app client ids: 26 lower-case letters and digits. */
function newClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(26)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export class IdentityStore {
  readonly state: IdentityState;
  private readonly file: string;

  private constructor(file: string, state: IdentityState) {
    this.file = file;
    this.state = state;
  }

  /** Loads the provider's state, or makes a new one (a new client id, the given signing key). */
  static async open(
    dir: string,
    newSigningKey: () => Promise<Record<string, unknown>>,
  ): Promise<IdentityStore> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const file = join(dir, 'state.json');
    if (existsSync(file)) {
      const state = JSON.parse(readFileSync(file, 'utf8')) as IdentityState;
      if (state.version !== 1) throw new Error(`${file}: unknown version ${String(state.version)}`);
      return new IdentityStore(file, state);
    }
    const store = new IdentityStore(file, {
      version: 1,
      clientId: newClientId(),
      signingKey: await newSigningKey(),
      users: [],
      refreshTokens: [],
      sessions: [],
      revokedOrigins: [],
    });
    store.save();
    return store;
  }

  /** Writes the whole state: a new file beside the old, flushed, then renamed over it. */
  save(): void {
    const nowIso = now().toISOString();
    this.state.refreshTokens = this.state.refreshTokens.filter((token) => token.expiresAt > nowIso);
    this.state.sessions = this.state.sessions.filter((session) => session.expiresAt > nowIso);
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(this.state, null, 1)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }

  /** By `sub` or by e-mail (case does not matter), as Cognito finds a user of a pool with an e-mail alias. */
  findUser(username: string): User | undefined {
    const wanted = username.trim().toLowerCase();
    return this.state.users.find((user) => user.sub === username || user.email.toLowerCase() === wanted);
  }

  userBySub(sub: string): User | undefined {
    return this.state.users.find((user) => user.sub === sub);
  }
}
