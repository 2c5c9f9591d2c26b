// Signing in over HTTP as a browser does it, without a browser: the authorization code flow with PKCE
// through the provider's own pages (the same forms a person fills in), then the token endpoint. For the
// tests and the local scripts (seed); no shortcut: a wrong password, a missing code or a lockout fails here
// as it does for a person.
import { createHash, randomBytes } from 'node:crypto';

export interface SignInInput {
  readonly issuer: string;
  readonly clientId: string;
  /** The web app's callback, one of the client's (`${webAppOrigin}/signed-in`). */
  readonly redirectUri: string;
  readonly email: string;
  readonly password: string;
  /** Asked for when the pages ask for a new password (an invitation's first sign-in). */
  readonly newPassword?: string;
  /** Asked for when the pages ask for a TOTP code. */
  readonly totp?: () => string | Promise<string>;
  /** Cookies of earlier sign-ins (the provider's session), sent and kept up to date. */
  readonly cookies?: Map<string, string>;
}

export interface Tokens {
  readonly id_token: string;
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly token_type: string;
}

export class SignInRefused extends Error {
  readonly status: number;
  readonly page: string;
  constructor(status: number, page: string) {
    const message = /<p id="error"[^>]*>([^<]*)<\/p>/.exec(page)?.[1] ?? `status ${status}`;
    super(`sign-in refused: ${message}`);
    this.status = status;
    this.page = page;
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The provider's discovery document. */
export async function discover(issuer: string): Promise<Record<string, string>> {
  const reply = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!reply.ok) throw new Error(`discovery failed: ${reply.status}`);
  return (await reply.json()) as Record<string, string>;
}

const interactionOf = (page: string) => /name="interaction" value="([^"]+)"/.exec(page)?.[1];

/** The whole flow; the tokens, or SignInRefused with the page that said no. */
export async function signInOverHttp(input: SignInInput): Promise<Tokens> {
  const configuration = await discover(input.issuer);
  const base = new URL(configuration.authorization_endpoint!).origin;
  const jar = input.cookies ?? new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const reply = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of reply.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '') jar.delete(pair.slice(0, at));
      else jar.set(pair.slice(0, at), value);
    }
    return reply;
  };
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(configuration.authorization_endpoint!);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: 'openid email profile aws.cognito.signin.user.admin',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  let reply = await request(authorize.href);
  let location = reply.headers.get('location') ?? '';
  if (reply.status !== 302) throw new SignInRefused(reply.status, await reply.text());
  if (location.startsWith('/login')) {
    const page = await (await request(new URL(location, base).href)).text();
    const interaction = interactionOf(page);
    if (!interaction) throw new SignInRefused(400, page);
    const post = (path: string, fields: Record<string, string>) =>
      request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ interaction, ...fields }).toString(),
      });
    reply = await post('/login', { username: input.email, password: input.password });
    for (let step = 0; step < 3 && reply.status === 200; step++) {
      const form = await reply.text();
      if (form.includes('action="/login/new-password"')) {
        if (!input.newPassword) throw new SignInRefused(200, form);
        reply = await post('/login/new-password', {
          password: input.newPassword,
          confirm: input.newPassword,
        });
      } else if (form.includes('action="/login/code"')) {
        if (!input.totp) throw new SignInRefused(200, form);
        reply = await post('/login/code', { code: await input.totp() });
      } else {
        throw new SignInRefused(200, form);
      }
    }
    if (reply.status !== 302) throw new SignInRefused(reply.status, await reply.text());
    location = reply.headers.get('location') ?? '';
  }
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state)
    throw new Error('the callback does not carry the state sent');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.search}`);
  const exchanged = await fetch(configuration.token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: input.clientId,
      code,
      redirect_uri: input.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
  if (!exchanged.ok) throw new Error(`token exchange failed: ${exchanged.status} ${await exchanged.text()}`);
  return (await exchanged.json()) as Tokens;
}
