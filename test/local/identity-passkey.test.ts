// A passkey, as a person uses one: registered from the web app's origin with Cognito's
// StartWebAuthnRegistration/CompleteWebAuthnRegistration, then used on the provider's sign-in page, in
// Chromium with its virtual authenticator (no real device). The sign-in page is checked with axe too.
import {
  AdminCreateUserCommand,
  CompleteWebAuthnRegistrationCommand,
  ListWebAuthnCredentialsCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pkcePair, signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { freePort } from '../support/free-port.ts';
import { cognitoClient, invitationTo, startTestIdentity, type TestIdentity } from '../support/identity.ts';
import { localIam } from '../support/service.ts';
import { launchBrowser, seriousViolations } from '../web/support/browser.ts';

let identity: TestIdentity;
let browser: Browser;

beforeAll(async () => {
  // The web app's origin on a port nothing listens on: the browser's requests to it are answered below.
  identity = await startTestIdentity({ webAppOrigin: `http://localhost:${await freePort()}` });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await identity?.remove();
});

it('registers a passkey from the web app and signs in with it on the sign-in page, in Chromium', async () => {
  const email = `passkey.${Date.now()}@example.org`;
  const admin = cognitoClient(identity, localIam().operator);
  const created = await admin.send(
    new AdminCreateUserCommand({
      UserPoolId: identity.userPoolId,
      Username: email,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'name', Value: 'Sanna Avain' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    }),
  );
  const tokens = await signInOverHttp({
    issuer: identity.issuer,
    clientId: identity.clientId,
    redirectUri: identity.redirectUri,
    email,
    password: invitationTo(identity.outboxDir, email).password,
    newPassword: 'Avain-salasana-1',
  });

  const context = await browser.newContext({ locale: 'fi-FI' });
  const problems: string[] = [];
  // Stands in for the web app: any page of its origin, and its callback.
  await context.route(`${identity.webAppOrigin}/**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>app</title><p>app</p>',
    }),
  );
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  // Registration, as the web app does it: options from Cognito, the browser's create(), the answer to Cognito.
  await page.goto(`${identity.webAppOrigin}/settings`);
  const { CredentialCreationOptions } = await admin.send(
    new StartWebAuthnRegistrationCommand({ AccessToken: tokens.access_token }),
  );
  // Runs in the page (no DOM types in this project's Node configuration).
  const credential: Record<string, any> = await page.evaluate(async (options: any) => {
    const fromB64 = (text: string) =>
      Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const toB64 = (buffer: ArrayBuffer) =>
      btoa(String.fromCharCode(...new Uint8Array(buffer)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const created: any = await (globalThis as any).navigator.credentials.create({
      publicKey: {
        ...options,
        challenge: fromB64(options.challenge),
        user: { ...options.user, id: fromB64(options.user.id) },
        excludeCredentials: [],
      },
    });
    const response = created.response;
    return {
      id: created.id,
      rawId: toB64(created.rawId),
      type: created.type,
      authenticatorAttachment: created.authenticatorAttachment,
      clientExtensionResults: created.getClientExtensionResults(),
      response: {
        clientDataJSON: toB64(response.clientDataJSON),
        attestationObject: toB64(response.attestationObject),
        transports: response.getTransports(),
      },
    };
  }, CredentialCreationOptions as unknown);
  await admin.send(
    new CompleteWebAuthnRegistrationCommand({ AccessToken: tokens.access_token, Credential: credential }),
  );
  const listed = await admin.send(new ListWebAuthnCredentialsCommand({ AccessToken: tokens.access_token }));
  expect(listed.Credentials?.map((entry) => entry.CredentialId)).toEqual([credential.id]);
  expect(listed.Credentials?.[0]?.RelyingPartyId).toBe('localhost');

  // Sign-in: the app sends the person to the provider, who chooses the passkey; no password typed.
  const { verifier, challenge } = pkcePair();
  const authorize = new URL(`${new URL(identity.issuer).origin}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: identity.clientId,
    redirect_uri: identity.redirectUri,
    scope: 'openid email profile aws.cognito.signin.user.admin',
    state: 'passkey-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  await page.goto(authorize.href);
  expect(await page.locator('h1').textContent()).toBe('Kirjaudu sisään');
  expect(await seriousViolations(page)).toEqual([]);
  const callback = page.waitForURL((url) => url.href.startsWith(identity.redirectUri));
  await page.getByRole('button', { name: 'Kirjaudu pääsyavaimella' }).click();
  await callback;
  const returned = new URL(page.url());
  expect(returned.searchParams.get('state')).toBe('passkey-state');
  const exchanged = await fetch(`${new URL(identity.issuer).origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: identity.clientId,
      code: returned.searchParams.get('code')!,
      redirect_uri: identity.redirectUri,
      code_verifier: verifier,
    }),
  });
  expect(exchanged.status).toBe(200);
  const { access_token } = (await exchanged.json()) as { access_token: string };
  const { payload } = await jwtVerify(
    access_token,
    createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`)),
    {
      issuer: identity.issuer,
    },
  );
  expect(payload.sub).toBe(created.User?.Username);
  expect(problems).toEqual([]);
  await context.close();
});
