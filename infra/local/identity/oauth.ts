// OpenID Connect as Cognito's user pool domain serves it: discovery and JWKS under the issuer, the
// authorization endpoint (code flow, PKCE S256 required) with the managed login's pages, the token
// endpoint (authorization_code, refresh_token), userInfo, revocation and logout.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { now, nowMs } from '../../../shared/lib/clock.ts';
import { cookies, corsHeaders, json, pageHeaders, preflight, readBody, redirect, send } from './http.ts';
import { chooseLanguage, type Language, type MessageKey, messages } from './messages.ts';
import { badRequestPage, codePage, newPasswordPage, signInPage, styles } from './pages.ts';
import { passkeyScript } from './passkey-script.ts';
import { hashPassword, policyProblems } from './passwords.ts';
import { sha256, signInSessionSeconds, type UserPool } from './pool.ts';
import type { User } from './state.ts';
import { scopes } from './tokens.ts';

export interface OAuthConfig {
  /** http://localhost:<port>/<userPoolId> */
  readonly issuer: string;
  /** http://localhost:<port>: where the endpoints and pages are. */
  readonly base: string;
  readonly webAppOrigin: string;
  readonly redirectUris: readonly string[];
  readonly logoutUris: readonly string[];
  /** The WebAuthn relying party: the host both the web app and the pages are on. */
  readonly rpId: string;
}

interface Interaction {
  readonly redirectUri: string;
  readonly state?: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
  lang: Language;
  step: 'password' | 'new-password' | 'code';
  sub?: string;
  passkeyChallenge?: string;
  readonly expiresAt: number;
}

interface AuthorizationCode {
  readonly sub: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

/** How long a sign-in may take on the pages, and how long a code waits for the token endpoint (Cognito: 5 min). */
const interactionMs = 15 * 60 * 1000;
const codeMs = 5 * 60 * 1000;
const sessionCookie = 'kaiku-idp-session';
const allowedScopes = new Set(scopes.split(' '));

const random = () => randomBytes(32).toString('base64url');

export class OAuthEndpoints {
  private readonly interactions = new Map<string, Interaction>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly pool: UserPool;
  private readonly config: OAuthConfig;

  constructor(pool: UserPool, config: OAuthConfig) {
    this.pool = pool;
    this.config = config;
  }

  discovery() {
    const { base, issuer } = this.config;
    return {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...allowedScopes],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['none'],
      claims_supported: ['sub', 'email', 'email_verified', 'name', 'cognito:username'],
      ui_locales_supported: ['fi', 'sv', 'en'],
    };
  }

  /** Serves one request if it is one of these endpoints; false when the path is not theirs. */
  async serve(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const { issuer } = this.config;
    const issuerPath = new URL(issuer).pathname;
    const method = request.method ?? 'GET';
    const path = url.pathname;
    const cors = ['/oauth2/token', '/oauth2/userInfo', '/oauth2/revoke'].includes(path);
    if (cors && method === 'OPTIONS') {
      preflight(request, response, this.config.webAppOrigin);
      return true;
    }
    if (method === 'GET' && path === `${issuerPath}/.well-known/openid-configuration`) {
      json(response, 200, this.discovery(), {
        'access-control-allow-origin': '*',
        'cache-control': 'max-age=300',
      });
    } else if (method === 'GET' && path === `${issuerPath}/.well-known/jwks.json`) {
      json(response, 200, this.pool.signer.jwks, {
        'access-control-allow-origin': '*',
        'cache-control': 'max-age=300',
      });
    } else if (method === 'GET' && path === '/oauth2/authorize') {
      this.authorize(request, response, url);
    } else if (method === 'GET' && path === '/login') {
      this.showStep(request, response, url);
    } else if (method === 'POST' && path === '/login') {
      await this.password(request, response);
    } else if (method === 'POST' && path === '/login/new-password') {
      await this.newPassword(request, response);
    } else if (method === 'POST' && path === '/login/code') {
      await this.code(request, response);
    } else if (method === 'POST' && path === '/login/passkey/options') {
      await this.passkeyOptions(request, response);
    } else if (method === 'POST' && path === '/login/passkey') {
      await this.passkey(request, response);
    } else if (method === 'GET' && path === '/assets/passkey.js') {
      send(response, 200, passkeyScript, {
        'content-type': 'text/javascript; charset=utf-8',
        'x-content-type-options': 'nosniff',
      });
    } else if (method === 'GET' && path === '/assets/sign-in.css') {
      send(response, 200, styles, {
        'content-type': 'text/css; charset=utf-8',
        'x-content-type-options': 'nosniff',
      });
    } else if (method === 'GET' && path === '/favicon.ico') {
      // The pages have no icon; browsers ask all the same.
      send(response, 204, '', { 'cache-control': 'max-age=86400' });
    } else if (method === 'POST' && path === '/oauth2/token') {
      await this.token(request, response);
    } else if ((method === 'GET' || method === 'POST') && path === '/oauth2/userInfo') {
      await this.userInfo(request, response);
    } else if (method === 'POST' && path === '/oauth2/revoke') {
      await this.revoke(request, response);
    } else if (method === 'GET' && path === '/logout') {
      this.logout(request, response, url);
    } else {
      return false;
    }
    return true;
  }

  private languageOf(request: IncomingMessage, asked?: string | null): Language {
    return chooseLanguage(asked, request.headers['accept-language']);
  }

  private page(
    response: ServerResponse,
    status: number,
    html: string,
    headers: Record<string, string | string[]> = {},
  ) {
    send(response, status, html, { ...pageHeaders(this.config.webAppOrigin), ...headers });
  }

  private authorize(request: IncomingMessage, response: ServerResponse, url: URL) {
    const lang = this.languageOf(request, url.searchParams.get('lang') ?? url.searchParams.get('ui_locales'));
    const parameter = (name: string) => url.searchParams.get(name) ?? undefined;
    const clientId = parameter('client_id');
    const redirectUri = parameter('redirect_uri');
    // Errors about the client or the redirect URI are shown, never sent to an address nobody registered.
    if (clientId !== this.pool.clientId)
      return this.page(response, 400, badRequestPage(lang, 'client_id is not a client of this user pool'));
    if (!redirectUri || !this.config.redirectUris.includes(redirectUri))
      return this.page(
        response,
        400,
        badRequestPage(lang, 'redirect_uri is not one of the client’s callback URLs'),
      );
    const state = parameter('state');
    const fail = (error: string, description: string) => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      if (state !== undefined) target.searchParams.set('state', state);
      redirect(response, target.href);
    };
    if (parameter('response_type') !== 'code')
      return fail('unsupported_response_type', 'response_type must be code');
    const codeChallenge = parameter('code_challenge');
    if (
      !codeChallenge ||
      parameter('code_challenge_method') !== 'S256' ||
      !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)
    )
      return fail(
        'invalid_request',
        'PKCE is required: code_challenge (S256) and code_challenge_method=S256',
      );
    const asked = (parameter('scope') ?? scopes).split(' ').filter(Boolean);
    if (asked.some((scope) => !allowedScopes.has(scope)) || !asked.includes('openid'))
      return fail('invalid_scope', `scope must include openid and only: ${scopes}`);
    const nonce = parameter('nonce');
    const interaction: Interaction = {
      redirectUri,
      ...(state !== undefined && { state }),
      codeChallenge,
      ...(nonce !== undefined && { nonce }),
      lang,
      step: 'password',
      expiresAt: nowMs() + interactionMs,
    };
    // Signed in here a moment ago (another tab, a new authorisation): no need to sign in again.
    const session = this.currentSession(request);
    if (session && parameter('prompt') !== 'login') {
      this.finish(response, interaction, session.user, session.authTime);
      return;
    }
    this.sweep();
    const id = random();
    this.interactions.set(id, interaction);
    redirect(response, `/login?interaction=${id}${url.searchParams.has('lang') ? `&lang=${lang}` : ''}`);
  }

  private currentSession(request: IncomingMessage): { user: User; authTime: number } | undefined {
    const cookie = cookies(request).get(sessionCookie);
    if (!cookie) return undefined;
    const hash = sha256(cookie);
    const session = this.pool.store.state.sessions.find((candidate) => candidate.hash === hash);
    if (!session || session.expiresAt <= now().toISOString()) return undefined;
    const user = this.pool.store.userBySub(session.sub);
    if (!user?.enabled || user.status !== 'CONFIRMED') return undefined;
    return { user, authTime: session.authTime };
  }

  private sweep() {
    const at = nowMs();
    for (const [id, interaction] of this.interactions)
      if (interaction.expiresAt <= at) this.interactions.delete(id);
    for (const [code, entry] of this.codes) if (entry.expiresAt <= at) this.codes.delete(code);
  }

  private interactionOf(id: unknown): Interaction | undefined {
    if (typeof id !== 'string') return undefined;
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.expiresAt <= nowMs()) return undefined;
    return interaction;
  }

  private expired(request: IncomingMessage, response: ServerResponse, lang?: Language) {
    const language = lang ?? this.languageOf(request);
    this.page(response, 400, signInPageWithoutForm(language, this.config.webAppOrigin));
  }

  /** Renders the step the sign-in is at (language links come here). */
  private showStep(request: IncomingMessage, response: ServerResponse, url: URL) {
    const id = url.searchParams.get('interaction');
    const interaction = this.interactionOf(id);
    const asked = url.searchParams.get('lang');
    if (!interaction)
      return this.expired(request, response, asked ? this.languageOf(request, asked) : undefined);
    if (asked) interaction.lang = this.languageOf(request, asked);
    this.render(response, 200, id!, interaction);
  }

  private render(
    response: ServerResponse,
    status: number,
    id: string,
    interaction: Interaction,
    error?: MessageKey,
    email = '',
  ) {
    const context = { lang: interaction.lang, interaction: id, ...(error && { error }) };
    const user = interaction.sub ? this.pool.store.userBySub(interaction.sub) : undefined;
    const html =
      interaction.step === 'new-password'
        ? newPasswordPage(context, user?.email ?? '')
        : interaction.step === 'code'
          ? codePage(context)
          : signInPage(context, email);
    this.page(response, status, html);
  }

  private async form(request: IncomingMessage): Promise<URLSearchParams> {
    return new URLSearchParams((await readBody(request, 64 * 1024)).toString('utf8'));
  }

  private async password(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await this.form(request);
    const id = form.get('interaction') ?? '';
    const interaction = this.interactionOf(id);
    if (!interaction) return this.expired(request, response);
    if (interaction.step !== 'password') return this.render(response, 409, id, interaction);
    const email = (form.get('username') ?? '').trim();
    const user = this.pool.store.findUser(email);
    const outcome = await this.pool.tryPassword(user, form.get('password') ?? '');
    if (outcome === 'wrong') return this.render(response, 401, id, interaction, 'wrongCredentials', email);
    if (outcome === 'locked') return this.render(response, 403, id, interaction, 'locked', email);
    if (outcome === 'disabled') return this.render(response, 403, id, interaction, 'disabled', email);
    if (outcome === 'temporary-expired')
      return this.render(response, 403, id, interaction, 'temporaryExpired', email);
    const signedIn = user!;
    interaction.sub = signedIn.sub;
    if (signedIn.status === 'FORCE_CHANGE_PASSWORD') {
      interaction.step = 'new-password';
      return this.render(response, 200, id, interaction);
    }
    return this.afterPassword(response, id, interaction, signedIn);
  }

  private afterPassword(response: ServerResponse, id: string, interaction: Interaction, user: User) {
    if (this.pool.needsCode(user)) {
      interaction.step = 'code';
      return this.render(response, 200, id, interaction);
    }
    this.interactions.delete(id);
    this.finish(response, interaction, user, Math.floor(nowMs() / 1000));
  }

  private async newPassword(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await this.form(request);
    const id = form.get('interaction') ?? '';
    const interaction = this.interactionOf(id);
    if (!interaction) return this.expired(request, response);
    const user = interaction.sub ? this.pool.store.userBySub(interaction.sub) : undefined;
    if (interaction.step !== 'new-password' || !user) return this.render(response, 409, id, interaction);
    if (!user.enabled) return this.render(response, 403, id, interaction, 'disabled');
    const password = form.get('password') ?? '';
    if (password !== (form.get('confirm') ?? ''))
      return this.render(response, 400, id, interaction, 'mismatch');
    if (policyProblems(password).length > 0)
      return this.render(response, 400, id, interaction, 'weakPassword');
    user.passwordHash = await hashPassword(password);
    user.status = 'CONFIRMED';
    delete user.temporaryPasswordExpiresAt;
    user.modifiedAt = now().toISOString();
    this.pool.store.save();
    interaction.step = 'password';
    this.afterPassword(response, id, interaction, user);
  }

  private async code(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await this.form(request);
    const id = form.get('interaction') ?? '';
    const interaction = this.interactionOf(id);
    if (!interaction) return this.expired(request, response);
    const user = interaction.sub ? this.pool.store.userBySub(interaction.sub) : undefined;
    if (interaction.step !== 'code' || !user) return this.render(response, 409, id, interaction);
    if (!user.enabled) return this.render(response, 403, id, interaction, 'disabled');
    const code = (form.get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return this.render(response, 400, id, interaction, 'codeFormat');
    const outcome = this.pool.tryCode(user, code);
    if (outcome === 'locked') return this.render(response, 403, id, interaction, 'locked');
    if (outcome === 'wrong') return this.render(response, 401, id, interaction, 'wrongCode');
    this.interactions.delete(id);
    this.finish(response, interaction, user, Math.floor(nowMs() / 1000));
  }

  private async jsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
    try {
      const parsed: unknown = JSON.parse((await readBody(request, 64 * 1024)).toString('utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  private async passkeyOptions(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await this.jsonBody(request);
    const interaction = this.interactionOf(body.interaction);
    if (interaction?.step !== 'password')
      return json(response, 400, { message: messageOf(this.languageOf(request), 'sessionExpired') });
    const options = await generateAuthenticationOptions({
      rpID: this.config.rpId,
      userVerification: 'required',
      timeout: 120_000,
    });
    interaction.passkeyChallenge = options.challenge;
    json(response, 200, options);
  }

  private async passkey(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await this.jsonBody(request);
    const id = typeof body.interaction === 'string' ? body.interaction : '';
    const interaction = this.interactionOf(id);
    const lang = interaction?.lang ?? this.languageOf(request);
    const refuse = (status: number, key: MessageKey) =>
      json(response, status, { message: messageOf(lang, key) });
    if (!interaction?.passkeyChallenge) return refuse(400, 'sessionExpired');
    const challenge = interaction.passkeyChallenge;
    delete interaction.passkeyChallenge;
    const credential = body.credential as AuthenticationResponseJSON | undefined;
    const user = this.pool.store.state.users.find((candidate) =>
      candidate.passkeys.some((passkey) => passkey.credentialId === credential?.id),
    );
    const passkey = user?.passkeys.find((candidate) => candidate.credentialId === credential?.id);
    if (!user || !passkey || !credential) return refuse(401, 'passkeyFailed');
    if (this.pool.isLocked(user)) return refuse(403, 'locked');
    let verified = false;
    try {
      const result = await verifyAuthenticationResponse({
        response: credential,
        expectedChallenge: challenge,
        expectedOrigin: [this.config.base, this.config.webAppOrigin],
        expectedRPID: this.config.rpId,
        requireUserVerification: true,
        credential: {
          id: passkey.credentialId,
          publicKey: Buffer.from(passkey.publicKey, 'base64url'),
          counter: passkey.counter,
          transports: passkey.transports as never,
        },
      });
      verified = result.verified;
      if (verified) passkey.counter = result.authenticationInfo.newCounter;
    } catch {
      verified = false;
    }
    if (!verified) return refuse(401, 'passkeyFailed');
    if (!user.enabled) return refuse(403, 'disabled');
    user.failures = 0;
    delete user.lockedUntil;
    this.pool.store.save();
    this.interactions.delete(id);
    const { location, cookie } = this.completed(interaction, user, Math.floor(nowMs() / 1000));
    json(response, 200, { redirect: location }, { 'set-cookie': cookie });
  }

  /** The sign-in is done: a code for the app, and the session cookie that spares the next authorisation. */
  private finish(response: ServerResponse, interaction: Interaction, user: User, authTime: number) {
    const { location, cookie } = this.completed(interaction, user, authTime);
    redirect(response, location, { 'set-cookie': cookie });
  }

  private completed(
    interaction: Interaction,
    user: User,
    authTime: number,
  ): { location: string; cookie: string } {
    const code = random();
    this.codes.set(code, {
      sub: user.sub,
      redirectUri: interaction.redirectUri,
      codeChallenge: interaction.codeChallenge,
      ...(interaction.nonce !== undefined && { nonce: interaction.nonce }),
      authTime,
      expiresAt: nowMs() + codeMs,
    });
    const session = random();
    this.pool.store.state.sessions.push({
      hash: sha256(session),
      sub: user.sub,
      authTime,
      expiresAt: new Date(nowMs() + signInSessionSeconds * 1000).toISOString(),
    });
    this.pool.store.save();
    const target = new URL(interaction.redirectUri);
    target.searchParams.set('code', code);
    if (interaction.state !== undefined) target.searchParams.set('state', interaction.state);
    return {
      location: target.href,
      cookie: `${sessionCookie}=${session}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${signInSessionSeconds}`,
    };
  }

  private async token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cors = corsHeaders(request, this.config.webAppOrigin);
    const error = (status: number, code: string, description: string) =>
      json(response, status, { error: code, error_description: description }, cors);
    if (!(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return error(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    const form = await this.form(request);
    if (form.get('client_id') !== this.pool.clientId)
      return error(400, 'invalid_client', 'unknown client_id');
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const entry = this.codes.get(code);
      // A code is good once, whatever the outcome.
      this.codes.delete(code);
      if (!entry || entry.expiresAt <= nowMs())
        return error(400, 'invalid_grant', 'the code is unknown, used or expired');
      if (form.get('redirect_uri') !== entry.redirectUri)
        return error(400, 'invalid_grant', 'redirect_uri does not match the authorisation');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== entry.codeChallenge)
        return error(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      const user = this.pool.store.userBySub(entry.sub);
      if (!user?.enabled) return error(400, 'invalid_grant', 'User is disabled.');
      const issued = await this.pool.signIn(user, entry.authTime, entry.nonce);
      return json(
        response,
        200,
        {
          id_token: issued.idToken,
          access_token: issued.accessToken,
          refresh_token: issued.refreshToken,
          expires_in: issued.expiresIn,
          token_type: 'Bearer',
        },
        cors,
      );
    }
    if (grant === 'refresh_token') {
      const issued = await this.pool.refresh(form.get('refresh_token') ?? '');
      if (!issued)
        return error(
          400,
          'invalid_grant',
          'the refresh token is invalid, expired or revoked, or its user disabled',
        );
      return json(
        response,
        200,
        {
          id_token: issued.idToken,
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          token_type: 'Bearer',
        },
        cors,
      );
    }
    return error(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  private async userInfo(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cors = corsHeaders(request, this.config.webAppOrigin);
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const found = await this.pool.userOfAccessToken(token);
    if ('problem' in found)
      return json(
        response,
        401,
        { error: 'invalid_token', error_description: found.problem },
        {
          ...cors,
          'www-authenticate': `Bearer error="invalid_token", error_description="${found.problem}"`,
        },
      );
    const { user } = found;
    json(
      response,
      200,
      { sub: user.sub, email_verified: 'true', email: user.email, name: user.name, username: user.sub },
      cors,
    );
  }

  private async revoke(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const cors = corsHeaders(request, this.config.webAppOrigin);
    const form = await this.form(request);
    if (form.get('client_id') !== this.pool.clientId)
      return json(response, 400, { error: 'invalid_client' }, cors);
    // RFC 7009: an unknown token is no error.
    this.pool.revokeRefreshToken(form.get('token') ?? '');
    send(response, 200, '', cors);
  }

  /** Cognito's /logout: ends the sign-in session (cookie) and goes back to an allowed sign-out URL. */
  private logout(request: IncomingMessage, response: ServerResponse, url: URL) {
    const lang = this.languageOf(request, url.searchParams.get('lang'));
    if (url.searchParams.get('client_id') !== this.pool.clientId)
      return this.page(response, 400, badRequestPage(lang, 'client_id is not a client of this user pool'));
    const target = url.searchParams.get('logout_uri') ?? '';
    if (!this.config.logoutUris.includes(target))
      return this.page(
        response,
        400,
        badRequestPage(lang, 'logout_uri is not one of the client’s sign-out URLs'),
      );
    const cookie = cookies(request).get(sessionCookie);
    if (cookie) {
      const hash = sha256(cookie);
      this.pool.store.state.sessions = this.pool.store.state.sessions.filter(
        (session) => session.hash !== hash,
      );
      this.pool.store.save();
    }
    redirect(response, target, {
      'set-cookie': `${sessionCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
    });
  }
}

const messageOf = (lang: Language, key: MessageKey): string => messages[lang][key];

/** The page for a sign-in that expired (or never was): back to the app, which starts a new one. */
function signInPageWithoutForm(lang: Language, webAppOrigin: string): string {
  const t = messages[lang];
  return badRequestPage(lang, t.sessionExpired).replace(
    '</main>',
    `<p><a href="${webAppOrigin}/">${t.backToStart}</a></p>\n</main>`,
  );
}
