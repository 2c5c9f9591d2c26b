// The local identity provider as the web app, the service's functions and a person meet it: over HTTP,
// with Cognito's SDK, tokens checked with jose against its JWKS. Invitations from the outbox, first
// sign-in, TOTP, lockout, disabled users, IAM on admin operations, and state that outlives a restart.
import { statSync } from 'node:fs';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  RevokeTokenCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalIam } from '../../infra/local/aws/account.ts';
import type { FunctionTemplate } from '../../infra/local/aws/roles.ts';
import {
  pkcePair,
  SignInRefused,
  signInOverHttp,
  type Tokens,
} from '../../infra/local/identity/sign-in-client.ts';
import { LocalFunctions } from '../../infra/local/lambda/functions.ts';
import { setClockOffset } from '../../shared/lib/clock.ts';
import {
  cognitoClient,
  invitationTo,
  mailsTo,
  startTestIdentity,
  type TestIdentity,
} from '../support/identity.ts';

// The local account with the CDK app's roles, and two roles as a CDK stack would write them for the
// people functions (the pool's ARN from Fn::GetAtt): one may invite and read, one may only read.
const cognitoRole = (handlerFile: string, actions: string[]): FunctionTemplate => ({
  handlerFile,
  named: { PeoplePool: { type: 'userPool', name: undefined } },
  roleName: `${handlerFile.replace(/\W/g, '')}Role`,
  timeoutSeconds: 3,
  environment: {
    USER_POOL_ID: { Ref: 'PeoplePool' },
    IDP_ISSUER: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['PeoplePool', 'ProviderURL'] }]] },
  },
  policies: [
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: { 'Fn::GetAtt': ['PeoplePool', 'Arn'] } }],
    },
  ],
});
const inviter = 'functions/identity-test/invite.ts';
const reader = 'functions/identity-test/read.ts';
const names = { tableName: 'kaiku', bucket: 'kaiku-statistics' };

let identity: TestIdentity;
let iam: LocalIam;
/** A function of the CDK app that has no right on the user pool. */
let unrelatedFunction: string;
let people = 0;

const operator = () => cognitoClient(identity, iam.operator);
const asFunction = (handlerFile: string) => cognitoClient(identity, iam.credentialsFor(handlerFile, names));
const nextEmail = () => `person${++people}.${Date.now()}@example.org`;

beforeAll(async () => {
  const account = inject('account');
  iam = new LocalIam(
    [
      ...account.templates,
      cognitoRole(inviter, ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser']),
      cognitoRole(reader, ['cognito-idp:AdminGetUser']),
    ],
    account.secret,
    'kaiku-statistics',
  );
  unrelatedFunction = account.templates.find(
    (template) => !JSON.stringify(template.policies).includes('cognito-idp'),
  )!.handlerFile;
  identity = await startTestIdentity({ iam });
});

afterAll(async () => {
  setClockOffset(0);
  await identity?.remove();
});

/** A person invited by the inviting function, signed in once with a new password. */
async function invitedAndSignedIn(): Promise<{
  email: string;
  password: string;
  tokens: Tokens;
  sub: string;
}> {
  const email = nextEmail();
  const created = await asFunction(inviter).send(
    new AdminCreateUserCommand({
      UserPoolId: identity.userPoolId,
      Username: email,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Maija Meikäläinen' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    }),
  );
  const password = 'Uusi-salasana-1';
  const tokens = await signInOverHttp({
    issuer: identity.issuer,
    clientId: identity.clientId,
    redirectUri: identity.redirectUri,
    email,
    password: invitationTo(identity.outboxDir, email).password,
    newPassword: password,
  });
  return { email, password, tokens, sub: created.User!.Username! };
}

const signIn = (email: string, password: string, totp?: () => string) =>
  signInOverHttp({
    issuer: identity.issuer,
    clientId: identity.clientId,
    redirectUri: identity.redirectUri,
    email,
    password,
    ...(totp && { totp }),
  });

const refresh = (refreshToken: string) =>
  fetch(`${new URL(identity.issuer).origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: identity.clientId,
      refresh_token: refreshToken,
    }),
  });

/** The provider's pages, followed by hand (as a browser with its cookies). */
function browser() {
  const cookies = new Map<string, string>();
  const base = new URL(identity.issuer).origin;
  const go = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const reply = await fetch(new URL(url, base), { ...init, headers, redirect: 'manual' });
    for (const cookie of reply.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value) cookies.set(name, value);
      else cookies.delete(name);
    }
    return {
      status: reply.status,
      location: reply.headers.get('location') ?? '',
      text: await reply.text(),
      headers: reply.headers,
    };
  };
  const authorizeUrl = (parameters: Record<string, string> = {}) => {
    const { challenge } = pkcePair();
    return `${base}/oauth2/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: identity.clientId,
      redirect_uri: identity.redirectUri,
      scope: 'openid email profile aws.cognito.signin.user.admin',
      state: 'st4te',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...parameters,
    })}`;
  };
  const post = (path: string, fields: Record<string, string>) =>
    go(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  return { go, post, authorizeUrl, cookies };
}

const json = async (reply: Response | Promise<Response>): Promise<any> => (await reply).json();

const interactionIn = (page: string) => /name="interaction" value="([^"]+)"/.exec(page)![1]!;

describe('OpenID Connect: the code flow with PKCE, tokens of Cognito’s form', () => {
  it('serves discovery and JWKS under the issuer; the invited person sets a password and gets tokens that verify with jose', async () => {
    const discovery = await json(fetch(`${identity.issuer}/.well-known/openid-configuration`));
    const base = new URL(identity.issuer).origin;
    expect(identity.issuer).toBe(`${base}/eu-north-1_local`);
    expect(discovery).toMatchObject({
      issuer: identity.issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${identity.issuer}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
    });

    const email = nextEmail();
    const created = await asFunction(inviter).send(
      new AdminCreateUserCommand({
        UserPoolId: identity.userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: 'Pekka Ström' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect(created.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    const sub = created.User!.Attributes!.find((attribute) => attribute.Name === 'sub')!.Value!;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);

    // The invitation: RFC 5322, to the person, with the web app's link, the user name and a temporary password.
    const { password: temporary, link, mail } = invitationTo(identity.outboxDir, email);
    expect(link).toBe(`${identity.webAppOrigin}/`);
    expect(mail.body).toContain(`User name: ${email}`);
    expect(mail.body).toContain('Tilapäinen salasana');
    expect(mail.headers.get('subject')).toContain('Kutsu Kaikukortin rekisteriin');
    expect(mail.headers.get('from')).toMatch(/<[^@]+@[^>]+>$/);
    expect(mail.headers.get('message-id')).toMatch(/^<[^@]+@[^>]+>$/);
    expect(Number.isNaN(Date.parse(mail.headers.get('date')!))).toBe(false);
    expect(mail.raw.split('\r\n').every((line) => line.length <= 998)).toBe(true);
    expect(statSync(mail.file).mode & 0o777).toBe(0o600);

    // By hand, page by page: the sign-in form, then the new-password form the first sign-in forces.
    const b = browser();
    const start = await b.go(b.authorizeUrl());
    expect(start.status).toBe(302);
    const signInPage = await b.go(start.location);
    expect(signInPage.text).toContain('<html lang="fi">');
    expect(signInPage.text).toContain('autocomplete="username"');
    expect(signInPage.text).toContain('autocomplete="current-password"');
    expect(signInPage.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const interaction = interactionIn(signInPage.text);
    const asksNewPassword = await b.post('/login', {
      interaction,
      username: email.toUpperCase(),
      password: temporary,
    });
    expect(asksNewPassword.status).toBe(200);
    expect(asksNewPassword.text).toContain('autocomplete="new-password"');
    const weak = await b.post('/login/new-password', { interaction, password: 'lyhyt', confirm: 'lyhyt' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('role="alert"');
    const different = await b.post('/login/new-password', {
      interaction,
      password: 'Hyvä-salasana-1',
      confirm: 'Hyvä-salasana-2',
    });
    expect(different.text).toContain('Salasanat eivät ole samat.');
    const done = await b.post('/login/new-password', {
      interaction,
      password: 'Hyvä-salasana-1',
      confirm: 'Hyvä-salasana-1',
    });
    expect(done.status).toBe(302);
    const callback = new URL(done.location);
    expect(callback.origin + callback.pathname).toBe(identity.redirectUri);
    expect(callback.searchParams.get('state')).toBe('st4te');
    expect(callback.searchParams.get('code')).toBeTruthy();

    const confirmed = await operator().send(
      new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: email }),
    );
    expect(confirmed.UserStatus).toBe('CONFIRMED');
    // The temporary password no longer works; the new one does, and gives tokens.
    await expect(signIn(email, temporary)).rejects.toThrow(SignInRefused);
    const tokens = await signIn(email, 'Hyvä-salasana-1');
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });

    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const access = await jwtVerify(tokens.access_token, jwks, {
      issuer: identity.issuer,
      algorithms: ['RS256'],
    });
    const keys = (await json(fetch(discovery.jwks_uri))).keys;
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: 'RS256', kid: keys[0].kid });
    expect(access.payload).toMatchObject({
      sub,
      iss: identity.issuer,
      client_id: identity.clientId,
      token_use: 'access',
      scope: 'openid email profile aws.cognito.signin.user.admin',
      username: sub,
    });
    expect(access.payload.aud).toBeUndefined();
    expect(access.payload.exp! - access.payload.iat!).toBe(3600);
    for (const claim of ['auth_time', 'jti', 'origin_jti', 'event_id'])
      expect(access.payload[claim]).toBeDefined();
    const id = await jwtVerify(tokens.id_token, jwks, {
      issuer: identity.issuer,
      audience: identity.clientId,
    });
    expect(id.payload).toMatchObject({
      sub,
      token_use: 'id',
      email,
      name: 'Pekka Ström',
      'cognito:username': sub,
      origin_jti: access.payload.origin_jti,
    });

    const info = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await json(info)).toMatchObject({ sub, email, name: 'Pekka Ström' });
  });

  it('requires PKCE S256, a registered redirect URI and the right verifier; a code is good once', async () => {
    const b = browser();
    const noPkce = await b.go(b.authorizeUrl({ code_challenge: '', code_challenge_method: '' }));
    expect(noPkce.status).toBe(302);
    expect(new URL(noPkce.location).searchParams.get('error')).toBe('invalid_request');
    const plain = await b.go(b.authorizeUrl({ code_challenge_method: 'plain' }));
    expect(new URL(plain.location).searchParams.get('error')).toBe('invalid_request');
    // Never redirected to an address the client does not list.
    const elsewhere = await b.go(b.authorizeUrl({ redirect_uri: 'https://evil.example/signed-in' }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBe('');
    const unknownClient = await b.go(b.authorizeUrl({ client_id: 'nosuchclient' }));
    expect(unknownClient.status).toBe(400);

    const { email, password } = await invitedAndSignedIn();
    const { verifier, challenge } = pkcePair();
    const start = await b.go(b.authorizeUrl({ code_challenge: challenge }));
    const page = await b.go(start.location);
    const done = await b.post('/login', { interaction: interactionIn(page.text), username: email, password });
    const code = new URL(done.location).searchParams.get('code')!;
    const exchange = (codeVerifier: string) =>
      fetch(`${new URL(identity.issuer).origin}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: identity.clientId,
          code,
          redirect_uri: identity.redirectUri,
          code_verifier: codeVerifier,
        }),
      });
    const wrong = await exchange(pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).error).toBe('invalid_grant');
    // The failed attempt used the code up, as it must (an intercepted code is worth one try).
    const late = await exchange(verifier);
    expect((await json(late)).error).toBe('invalid_grant');
  });

  it('refreshes, revokes, signs out: each as Cognito does', async () => {
    const { tokens, email, password } = await invitedAndSignedIn();
    const refreshed = await refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const again = await json(refreshed);
    expect(again.refresh_token).toBeUndefined();
    const jwks = createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`));
    const first = (await jwtVerify(tokens.access_token, jwks)).payload;
    const renewed = (await jwtVerify(again.access_token, jwks)).payload;
    expect(renewed.sub).toBe(first.sub);
    expect(renewed.origin_jti).toBe(first.origin_jti);
    expect(renewed.jti).not.toBe(first.jti);

    // RevokeToken (the web app's sign-out): the refresh token and its access tokens stop working with Cognito.
    const user = cognitoClient(identity, iam.operator);
    await user.send(new RevokeTokenCommand({ Token: tokens.refresh_token, ClientId: identity.clientId }));
    expect((await json(refresh(tokens.refresh_token))).error).toBe('invalid_grant');
    await expect(user.send(new GetUserCommand({ AccessToken: again.access_token }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });

    // GlobalSignOut: every session of the person.
    const a = await signIn(email, password);
    const b = await signIn(email, password);
    await user.send(new GlobalSignOutCommand({ AccessToken: a.access_token }));
    for (const session of [a, b]) {
      expect((await refresh(session.refresh_token)).status).toBe(400);
      const info = await fetch(`${new URL(identity.issuer).origin}/oauth2/userInfo`, {
        headers: { authorization: `Bearer ${session.access_token}` },
      });
      expect(info.status).toBe(401);
    }
  });

  it('keeps one sign-in for every tab until /logout, which goes back only to a listed address', async () => {
    const { email, password } = await invitedAndSignedIn();
    const b = browser();
    const page = await b.go((await b.go(b.authorizeUrl())).location);
    await b.post('/login', { interaction: interactionIn(page.text), username: email, password });
    // Another tab: the session cookie spares the form.
    const secondTab = await b.go(b.authorizeUrl());
    expect(secondTab.status).toBe(302);
    expect(secondTab.location.startsWith(identity.redirectUri)).toBe(true);
    expect(new URL(secondTab.location).searchParams.get('code')).toBeTruthy();

    const logoutBase = `${new URL(identity.issuer).origin}/logout?client_id=${identity.clientId}`;
    const refused = await b.go(`${logoutBase}&logout_uri=${encodeURIComponent('https://evil.example/')}`);
    expect(refused.status).toBe(400);
    const out = await b.go(`${logoutBase}&logout_uri=${encodeURIComponent(`${identity.webAppOrigin}/`)}`);
    expect(out.status).toBe(302);
    expect(out.location).toBe(`${identity.webAppOrigin}/`);
    const afterLogout = await b.go(b.authorizeUrl());
    expect(afterLogout.location.startsWith('/login?')).toBe(true);
  });

  it('speaks Finnish, Swedish and English: ?lang= first, then Accept-Language', async () => {
    const b = browser();
    const swedish = await b.go(b.authorizeUrl({ lang: 'sv' }));
    const page = await b.go(swedish.location);
    expect(page.text).toContain('<html lang="sv">');
    expect(page.text).toContain('<label for="password">Lösenord</label>');
    const english = await b.go(`/login?interaction=${interactionIn(page.text)}`, {
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(english.text).toContain('<html lang="sv">');
    // The browser sends its languages with every request, the authorisation's included.
    const languages = { 'accept-language': 'de-DE, en;q=0.8' };
    const fresh = await b.go(b.authorizeUrl(), { headers: languages });
    const byHeader = await b.go(fresh.location, { headers: languages });
    expect(byHeader.text).toContain('<html lang="en">');
    expect(byHeader.text).toContain('Sign in with a passkey');
  });
});

describe('second factor, lockout, disabled users', () => {
  it('enrols TOTP with AssociateSoftwareToken and VerifySoftwareToken; then sign-in needs a fresh code', async () => {
    const { tokens, email, password } = await invitedAndSignedIn();
    const user = cognitoClient(identity, iam.operator);
    const { SecretCode } = await user.send(
      new AssociateSoftwareTokenCommand({ AccessToken: tokens.access_token }),
    );
    expect(SecretCode).toMatch(/^[A-Z2-7]{16,}$/);
    await expect(
      user.send(new VerifySoftwareTokenCommand({ AccessToken: tokens.access_token, UserCode: '000000' })),
    ).rejects.toMatchObject({ name: 'EnableSoftwareTokenMFAException' });
    const verified = await user.send(
      new VerifySoftwareTokenCommand({
        AccessToken: tokens.access_token,
        UserCode: generateSync({ secret: SecretCode! }),
      }),
    );
    expect(verified.Status).toBe('SUCCESS');
    const me = await user.send(new GetUserCommand({ AccessToken: tokens.access_token }));
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(me.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');
    const admin = await asFunction(reader).send(
      new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: email }),
    );
    expect(admin.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);

    // Without a code the pages stop at the code form; a wrong code is refused.
    const noCode = await signIn(email, password).catch((error: SignInRefused) => error);
    expect(noCode).toBeInstanceOf(SignInRefused);
    expect((noCode as SignInRefused).page).toContain('autocomplete="one-time-code"');
    await expect(signIn(email, password, () => '123456')).rejects.toThrow('Koodi on väärin');
    // The code of the next 30-second step (within the tolerance), so a code used at enrolment is not reused.
    const code = generateSync({ secret: SecretCode!, epoch: Math.floor(Date.now() / 1000) + 30 });
    const signedIn = await signIn(email, password, () => code);
    expect(signedIn.access_token).toBeTruthy();
    // A code is good once.
    await expect(signIn(email, password, () => code)).rejects.toThrow(SignInRefused);
  });

  it('locks a person out after 5 failures in a row, even with the right password, for a while', async () => {
    const { email, password } = await invitedAndSignedIn();
    for (let attempt = 1; attempt <= 5; attempt++)
      await expect(signIn(email, 'Väärä-salasana-9')).rejects.toThrow('Sähköposti tai salasana on väärin.');
    const locked = await signIn(email, password).catch((error: SignInRefused) => error);
    expect((locked as SignInRefused).status).toBe(403);
    expect((locked as SignInRefused).message).toContain('Liian monta epäonnistunutta yritystä');
    // Cognito's lock is short and grows with each further failure; after it the right password works.
    setClockOffset(60_000);
    try {
      expect((await signIn(email, password)).access_token).toBeTruthy();
    } finally {
      setClockOffset(0);
    }
  });

  it('a disabled person cannot sign in or refresh, and their access tokens stop working with Cognito', async () => {
    const { email, password, tokens } = await invitedAndSignedIn();
    await operator().send(new AdminDisableUserCommand({ UserPoolId: identity.userPoolId, Username: email }));
    const refused = await signIn(email, password).catch((error: SignInRefused) => error);
    expect((refused as SignInRefused).message).toContain('poistettu käytöstä');
    expect((await json(refresh(tokens.refresh_token))).error).toBe('invalid_grant');
    await expect(
      cognitoClient(identity, iam.operator).send(new GetUserCommand({ AccessToken: tokens.access_token })),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    const described = await operator().send(
      new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: email }),
    );
    expect(described.Enabled).toBe(false);
    await operator().send(new AdminEnableUserCommand({ UserPoolId: identity.userPoolId, Username: email }));
    expect((await signIn(email, password)).access_token).toBeTruthy();
  });
});

describe('Cognito’s admin API: signed, authorised by IAM like AWS', () => {
  const createInput = (email: string) => ({
    UserPoolId: identity.userPoolId,
    Username: email,
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'name', Value: 'Ei Kutsuttu' },
    ],
    DesiredDeliveryMediums: ['EMAIL' as const],
  });

  it('refuses AdminCreateUser to a role without cognito-idp:AdminCreateUser, and creates nothing', async () => {
    for (const handlerFile of [unrelatedFunction, reader]) {
      const email = nextEmail();
      const refused = await asFunction(handlerFile)
        .send(new AdminCreateUserCommand(createInput(email)))
        .catch((error: Error) => error);
      expect(refused).toMatchObject({ name: 'AccessDeniedException' });
      expect((refused as Error).message).toContain(
        'is not authorized to perform: cognito-idp:AdminCreateUser',
      );
      await expect(
        operator().send(new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: email })),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
      expect(mailsTo(identity.outboxDir, email)).toEqual([]);
    }
    // The reader may read, not disable.
    await expect(
      asFunction(reader).send(
        new AdminDisableUserCommand({ UserPoolId: identity.userPoolId, Username: 'x@example.org' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses unsigned and forged calls, another pool, and a known e-mail', async () => {
    const unsigned = await fetch(identity.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminCreateUser',
      },
      body: JSON.stringify(createInput(nextEmail())),
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const forged = cognitoClient(identity, {
      accessKeyId: iam.operator.accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    await expect(forged.send(new AdminCreateUserCommand(createInput(nextEmail())))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    await expect(
      operator().send(
        new AdminCreateUserCommand({ ...createInput(nextEmail()), UserPoolId: 'eu-north-1_other' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const email = nextEmail();
    await asFunction(inviter).send(new AdminCreateUserCommand(createInput(email)));
    await expect(
      asFunction(inviter).send(new AdminCreateUserCommand(createInput(email.toUpperCase()))),
    ).rejects.toMatchObject({
      name: 'UsernameExistsException',
    });
    expect(mailsTo(identity.outboxDir, email)).toHaveLength(1);
  });

  it('answers the web app’s preflight for its origin only', async () => {
    const preflight = (origin: string) =>
      fetch(identity.endpoint, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-amz-target',
        },
      });
    const allowed = await preflight(identity.webAppOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(identity.webAppOrigin);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-amz-target');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the local runtime', () => {
  it('gives the functions the provider’s issuer, client id and Cognito endpoint; the CDK pool is the local one', () => {
    const functions = new LocalFunctions(iam, names, {
      dynamodb: 'http://127.0.0.1:1',
      s3: 'http://127.0.0.1:2',
      lambda: 'http://127.0.0.1:3',
      secrets: 'http://127.0.0.1:4',
      identity,
    });
    const environment = functions.environmentOf(inviter);
    expect(environment).toMatchObject({
      IDP_ISSUER: identity.issuer,
      IDP_CLIENT_ID: identity.clientId,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: identity.endpoint,
      USER_POOL_ID: identity.userPoolId,
    });
    expect(identity.userPoolArn).toBe(
      'arn:aws:cognito-idp:eu-north-1:000000000000:userpool/eu-north-1_local',
    );
  });
});

describe('persistence', () => {
  it('keeps users, passwords, TOTP, refresh tokens and the signing key across a restart, in files only the user may read', async () => {
    const { tokens, email, password } = await invitedAndSignedIn();
    const user = cognitoClient(identity, iam.operator);
    const { SecretCode } = await user.send(
      new AssociateSoftwareTokenCommand({ AccessToken: tokens.access_token }),
    );
    await user.send(
      new VerifySoftwareTokenCommand({
        AccessToken: tokens.access_token,
        UserCode: generateSync({ secret: SecretCode! }),
      }),
    );
    const jwksBefore = await json(fetch(`${identity.issuer}/.well-known/jwks.json`));

    identity = await identity.restart();

    expect(await json(fetch(`${identity.issuer}/.well-known/jwks.json`))).toEqual(jwksBefore);
    const refreshed = await refresh(tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const me = await user.send(new GetUserCommand({ AccessToken: (await json(refreshed)).access_token }));
    expect(me.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    await expect(signIn(email, password)).rejects.toThrow(SignInRefused);
    const code = generateSync({ secret: SecretCode!, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await signIn(email, password, () => code)).access_token).toBeTruthy();
    expect(statSync(`${identity.dataDir}/state.json`).mode & 0o777).toBe(0o600);
    expect(statSync(identity.dataDir).mode & 0o777).toBe(0o700);
  });
});
