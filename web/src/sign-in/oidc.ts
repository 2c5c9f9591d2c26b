// OpenID Connect's authorization code flow with PKCE (RFC 7636), as a public client of Cognito's user pool
// (locally, of its stand-in at npm start's PORT+3): the provider and client come from GET /v1/auth/config,
// the endpoints from the issuer's discovery document. The access token is refreshed silently with the
// refresh token (valid 12 hours: a working day at the desk). Nothing here is local-only.
import { language } from '../i18n/i18n.ts';
import { forgetSignIn, type Person, type Provider, saveSignIn, signedIn, type Tokens } from '../session.ts';
import { store } from '../store.ts';

/** Why the sign-in ended on its own, for the sign-in page to say. */
export const signedOutBecause = store<'expired' | undefined>(undefined);

const pendingKey = 'kaiku.pendingSignIn';
const refreshLock = 'kaiku-token-refresh';
/** An access token this close to its expiry is refreshed before it is sent. */
const marginMs = 60_000;

interface Pending {
  readonly state: string;
  readonly verifier: string;
  readonly returnTo: string;
  readonly provider: Provider;
}

export class SignInFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomText = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function getJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'omit' });
  } catch {
    throw new SignInFailure('NETWORK', 'No connection to the service.');
  }
  if (!response.ok) throw new SignInFailure(`HTTP_${response.status}`, `HTTP ${response.status}`);
  return (await response.json()) as T;
}

interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly revocation_endpoint?: string;
  readonly end_session_endpoint?: string;
}

export const redirectUri = () => `${location.origin}/signed-in`;

/** Goes to the provider's sign-in pages; back at /signed-in, completeSignIn finishes. */
export async function beginSignIn(returnTo: string): Promise<void> {
  const config = await getJson<{ issuer: string; clientId: string; scopes: string[] }>('/v1/auth/config');
  const discovery = await getJson<Discovery>(`${config.issuer}/.well-known/openid-configuration`);
  if (discovery.issuer !== config.issuer)
    throw new SignInFailure('BAD_PROVIDER', 'The identity provider does not match the service.');
  // Cognito's discovery names neither logout nor revocation: both live on the domain of its token endpoint.
  const provider: Provider = {
    clientId: config.clientId,
    tokenEndpoint: discovery.token_endpoint,
    revocationEndpoint:
      discovery.revocation_endpoint ?? new URL('/oauth2/revoke', discovery.token_endpoint).href,
    logoutEndpoint: discovery.end_session_endpoint ?? new URL('/logout', discovery.token_endpoint).href,
    // Cognito's API is at the root of the issuer's host (cognito-idp.<region>.amazonaws.com).
    cognitoEndpoint: `${new URL(config.issuer).origin}/`,
  };
  const pending: Pending = { state: randomText(), verifier: randomText(), returnTo, provider };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const target = new URL(discovery.authorization_endpoint);
  target.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: config.scopes.join(' '),
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
    lang: language.get(),
  }).toString();
  location.assign(target.href);
}

interface TokenAnswer {
  readonly access_token?: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
}

async function tokenRequest(endpoint: string, form: Record<string, string>): Promise<TokenAnswer> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      credentials: 'omit',
    });
  } catch {
    throw new SignInFailure('NETWORK', 'No connection to the identity provider.');
  }
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (!response.ok || !answer.access_token)
    throw new SignInFailure(answer.error ?? `HTTP_${response.status}`, answer.error_description ?? 'refused');
  return answer;
}

const expiryOf = (answer: TokenAnswer) => Date.now() + (answer.expires_in ?? 3600) * 1000;

/**
 * Finishes a sign-in at /signed-in: checks the state, exchanges the code for tokens, asks the service who
 * the person is. Returns where to go next (the page asked for first).
 */
export async function completeSignIn(
  search: string,
  whoIs: (accessToken: string) => Promise<Person>,
): Promise<string> {
  const parameters = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as Pending | null;
  sessionStorage.removeItem(pendingKey);
  if (!pending || parameters.get('state') !== pending.state)
    throw new SignInFailure('STATE_MISMATCH', 'This sign-in was not started here, or it was already used.');
  const error = parameters.get('error');
  if (error) throw new SignInFailure(error, parameters.get('error_description') ?? error);
  const code = parameters.get('code');
  if (!code) throw new SignInFailure('invalid_request', 'no code');
  const answer = await tokenRequest(pending.provider.tokenEndpoint, {
    grant_type: 'authorization_code',
    client_id: pending.provider.clientId,
    code,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (!answer.refresh_token) throw new SignInFailure('invalid_grant', 'no refresh token');
  const tokens: Tokens = {
    accessToken: answer.access_token!,
    refreshToken: answer.refresh_token,
    expiresAt: expiryOf(answer),
  };
  const person = await whoIs(tokens.accessToken);
  saveSignIn({ provider: pending.provider, tokens, person });
  signedOutBecause.set(undefined);
  return pending.returnTo;
}

/** The person's current answer of GET /v1/me, kept with the sign-in (memberships change). */
export function updatePerson(person: Person): void {
  const current = signedIn.get();
  if (current) saveSignIn({ ...current, person });
}

async function refreshTokens(force: boolean): Promise<string | undefined> {
  // Another tab may have refreshed a moment ago: its tokens are in localStorage.
  const current = signedIn.get();
  if (!current) return undefined;
  if (!force && current.tokens.expiresAt - marginMs > Date.now()) return current.tokens.accessToken;
  try {
    const answer = await tokenRequest(current.provider.tokenEndpoint, {
      grant_type: 'refresh_token',
      client_id: current.provider.clientId,
      refresh_token: current.tokens.refreshToken,
    });
    const tokens: Tokens = {
      accessToken: answer.access_token!,
      refreshToken: answer.refresh_token ?? current.tokens.refreshToken,
      expiresAt: expiryOf(answer),
    };
    saveSignIn({ ...current, tokens });
    return tokens.accessToken;
  } catch (error) {
    // Offline or the provider unreachable: keep the sign-in (requests fail and uses wait in the queue).
    if (error instanceof SignInFailure && error.code === 'NETWORK') return current.tokens.accessToken;
    // The refresh token expired, was revoked, or the person was disabled: sign in again.
    signedOutBecause.set('expired');
    forgetSignIn();
    return undefined;
  }
}

/** A fresh access token for a request (refreshed when close to expiry, one tab at a time). */
export async function accessToken(options: { force?: boolean } = {}): Promise<string | undefined> {
  const current = signedIn.get();
  if (!current) return undefined;
  const force = options.force ?? false;
  if (!force && current.tokens.expiresAt - marginMs > Date.now()) return current.tokens.accessToken;
  const stale = current.tokens.accessToken;
  const run = () =>
    // Forced (the service refused the token): only when no other tab has replaced it meanwhile.
    refreshTokens(force && signedIn.get()?.tokens.accessToken === stale);
  return navigator.locks ? navigator.locks.request(refreshLock, run) : run();
}

/** One click: every tab signed out, the refresh token revoked, the provider's own session ended. */
export async function signOut(): Promise<void> {
  const current = signedIn.get();
  forgetSignIn();
  signedOutBecause.set(undefined);
  if (!current) return;
  await tokenRequest(current.provider.revocationEndpoint, {
    token: current.tokens.refreshToken,
    client_id: current.provider.clientId,
  }).catch(() => {
    // Revocation answers 200 with an empty body, which is no token answer: that is success.
  });
  const target = new URL(current.provider.logoutEndpoint);
  target.search = new URLSearchParams({
    client_id: current.provider.clientId,
    logout_uri: `${location.origin}/`,
  }).toString();
  location.assign(target.href);
}

/** One of Cognito's own operations for the signed-in user (AccessToken in the body; no AWS signature). */
export async function cognito<T>(operation: string, body: Record<string, unknown>): Promise<T> {
  const current = signedIn.get();
  const token = await accessToken();
  if (!current || !token) throw new SignInFailure('UNAUTHENTICATED', 'Sign in again.');
  let response: Response;
  try {
    response = await fetch(current.provider.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify({ AccessToken: token, ...body }),
      credentials: 'omit',
    });
  } catch {
    throw new SignInFailure('NETWORK', 'No connection to the identity provider.');
  }
  const answer = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (!response.ok) {
    const type = (answer.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP_${response.status}`)
      .split('#')
      .pop()!
      .split(':')[0]!;
    throw new SignInFailure(type, answer.message ?? type);
  }
  return answer;
}
