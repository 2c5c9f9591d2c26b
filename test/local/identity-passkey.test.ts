// A passkey, as a person uses one: registered from the web app's origin with Cognito's
// StartWebAuthnRegistration/CompleteWebAuthnRegistration, then used on the provider's sign-in page, in
// Chromium with its virtual authenticator (no real device). The sign-in page is checked with axe too.
import { createServer, type Server } from 'node:http';
import {
  AdminCreateUserCommand,
  CompleteWebAuthnRegistrationCommand,
  ListWebAuthnCredentialsCommand,
  StartWebAuthnRegistrationCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { pkcePair, type Tokens } from '../../infra/local/identity/sign-in-client.ts';
import { freePort } from '../support/free-port.ts';
import { cognitoClient, invitationTo, startTestIdentity, type TestIdentity } from '../support/identity.ts';
import { localIam } from '../support/service.ts';
import { launchBrowser, seriousViolations } from '../web/support/browser.ts';

let identity: TestIdentity;
let browser: Browser;

// A browser on a shared machine: as the other browser tests (test/web/).
vi.setConfig({ testTimeout: 90_000 });

let webApp: Server;

beforeAll(async () => {
  // Stands in for the web app: one page for any path of its origin (its callback and sign-out page too).
  const port = await freePort();
  webApp = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="fi"><title>app</title><p>app</p></html>');
  });
  await new Promise<void>((resolve) => webApp.listen(port, '127.0.0.1', resolve));
  identity = await startTestIdentity({ webAppOrigin: `http://localhost:${port}` });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await identity?.remove();
  webApp?.closeAllConnections();
  await new Promise((resolve) => webApp?.close(resolve));
});

/** From the app's authorisation request through the provider's pages (`act`) to the callback and the tokens. */
async function signInInBrowser(page: Page, state: string, act: () => Promise<void>): Promise<Tokens> {
  const { verifier, challenge } = pkcePair();
  const authorize = new URL(`${new URL(identity.issuer).origin}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: identity.clientId,
    redirect_uri: identity.redirectUri,
    scope: 'openid email profile aws.cognito.signin.user.admin',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  await page.goto(authorize.href);
  const callback = page.waitForURL((url) => url.href.startsWith(identity.redirectUri));
  await act();
  await callback;
  const returned = new URL(page.url());
  expect(returned.searchParams.get('state')).toBe(state);
  const exchanged = await fetch(`${new URL(identity.issuer).origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: identity.clientId,
      code: returned.searchParams.get('code') ?? '',
      redirect_uri: identity.redirectUri,
      code_verifier: verifier,
    }),
  });
  expect(exchanged.status).toBe(200);
  return (await exchanged.json()) as Tokens;
}

it('signs in first with the invitation in Swedish, registers a passkey from the web app, signs out, and signs in with the passkey alone, in Chromium', async () => {
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
  const context = await browser.newContext({ locale: 'sv-FI' });
  const problems: string[] = [];
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

  // The first sign-in, in Swedish (the browser's language): the invitation's password, then a new one.
  const tokens = await signInInBrowser(page, 'first-state', async () => {
    expect(await page.locator('h1').textContent()).toBe('Logga in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('E-post').fill(email);
    await page.getByLabel('Lösenord', { exact: true }).fill(invitationTo(identity.outboxDir, email).password);
    await page.getByRole('button', { name: 'Logga in', exact: true }).click();
    await page.waitForSelector('h1:text("Välj ett nytt lösenord")');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Nytt lösenord', { exact: true }).fill('Avain-salasana-1');
    await page.getByLabel('Nytt lösenord igen').fill('Avain-salasana-1');
    await page.getByRole('button', { name: 'Spara lösenordet' }).click();
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

  // Signed out (one click in the app: Cognito's /logout), then in again with the passkey alone.
  await page.goto(
    `${new URL(identity.issuer).origin}/logout?client_id=${identity.clientId}&logout_uri=${encodeURIComponent(`${identity.webAppOrigin}/`)}`,
  );
  expect(page.url()).toBe(`${identity.webAppOrigin}/`);
  const withPasskey = await signInInBrowser(page, 'passkey-state', async () => {
    expect(await page.locator('h1').textContent()).toBe('Logga in');
    await page.getByRole('button', { name: 'Logga in med nyckel' }).click();
  });
  const { payload } = await jwtVerify(
    withPasskey.access_token,
    createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`)),
    { issuer: identity.issuer },
  );
  expect(payload.sub).toBe(created.User?.Username);
  expect(problems).toEqual([]);
  await context.close();
});
