// Issue 16 in Chromium, in Finnish and in Swedish: people sign in as themselves. An invitation opened from
// the outbox, a password set and a TOTP (otplib) set up on the identity provider's real pages and in the
// app, or a passkey (Chromium's virtual authenticator); an area admin without a second factor is refused until they set one up; a use recorded (and voided)
// at the desk shows the desk worker's name on the area admin's audit page; a second tab is signed in
// without asking; removing the membership refuses the next request; one click signs both tabs out; a use
// queued offline while the sign-in ended is sent after signing in again, never lost.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { helsinkiDate } from '../../shared/lib/dates.ts';
import { invitationTo } from '../support/identity.ts';
import type { TestArea } from '../support/service.ts';
import {
  invitePerson,
  type Language,
  nextCode,
  type OpenPage,
  signIn,
  type TestPerson,
  textsOf,
  throughProvider,
} from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 240_000 });

let area: TestArea;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
}, 180_000);

async function newPage(lang: Language): Promise<OpenPage> {
  const next = await web.open(lang);
  return next;
}

const languages: Language[] = ['fi', 'sv'];

async function recordUse(page: Page, lang: Language, cardNumber: string) {
  const t = textsOf(lang);
  await page.getByLabel(t('cardNumber.label')).fill(cardNumber);
  await page.getByRole('radio', { name: t('sector.culture') }).check();
  await page.getByRole('button', { name: t('desk.record') }).click();
}

const usesToday = async () => {
  const today = helsinkiDate(new Date());
  const reply = await web.service.call('GET', `/v1/usages?from=${today}&to=${today}&limit=500`, {
    key: area.venueKey,
  });
  return reply.body.items as { cardNumber: string; voided: boolean }[];
};

describe.each(languages)('people sign in as themselves (%s)', (lang) => {
  const t = textsOf(lang);
  let areaAdmin: TestPerson;
  let areaAdminPage: Page;

  it('refuses an area admin without a second factor and shows how to set one up (TOTP)', async () => {
    const { page, problems } = await newPage(lang);
    areaAdminPage = page;
    areaAdmin = await invitePerson(web.service, area.areaAdminKey, { name: `Alue Ylläpitäjä ${lang}` });
    await page.goto('/sign-in');
    await expectAxeClean(page);
    await page.getByRole('button', { name: t('signIn.submit') }).click();
    await throughProvider(page, areaAdmin);
    await page.waitForURL('**/area');
    // The service answered 403 MFA_REQUIRED: the app says so and offers the ways to set one up.
    await page.getByText(t('mfa.required')).waitFor();
    await page.getByRole('button', { name: t('mfa.totpStart') }).waitFor();
    await expectAxeClean(page);
    const refused = await web.service.call('GET', `/v1/areas/${area.areaId}/organisations`, {
      key: await bearerOf(page),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('MFA_REQUIRED');

    await page.getByRole('button', { name: t('mfa.totpStart') }).click();
    // The QR code with its otpauth:// link beside it, and a code field one-time-code autofill fills.
    const link = await page.locator('a[href^="otpauth://"]').getAttribute('href');
    expect(link).toMatch(/^otpauth:\/\/totp\/Kaikukortti:/);
    expect(await page.locator('svg.qr').count()).toBe(1);
    expect(await page.getByLabel(t('mfa.code')).getAttribute('autocomplete')).toBe('one-time-code');
    await expectAxeClean(page);
    areaAdmin.totpSecret = new URL(link!).searchParams.get('secret')!;
    await page.getByLabel(t('mfa.code')).fill(await nextCode(areaAdmin));
    await page.getByRole('button', { name: t('mfa.verify') }).click();
    await page.getByRole('heading', { name: t('orgs.title') }).waitFor();
    expect(problems).toEqual([]);
  });

  it('invites a desk worker: from the outbox to a recorded use, and their name on the audit page', async () => {
    const { page, context, problems } = await newPage(lang);
    const worker = await invitePerson(web.service, area.venueKey, {
      inviterKey: area.areaAdminKey,
      name: `Kassa Työntekijä ${lang}`,
    });
    // The invitation from the outbox: its link opens the app, whose sign-in goes to the provider's pages.
    const invitation = invitationTo(web.service.identity.outboxDir, worker.email);
    await page.goto(invitation.link);
    await page
      .locator('main')
      .getByRole('link', { name: t('home.signIn') })
      .click();
    await page.getByRole('button', { name: t('signIn.submit') }).click();
    await throughProvider(page, worker);
    await page.waitForURL('**/desk');
    await page.getByRole('heading', { name: t('desk.title') }).waitFor();
    await expectAxeClean(page);

    const cardNumber = (await web.service.issueCard(area)).cardNumber as string;
    await recordUse(page, lang, cardNumber);
    await page
      .getByText(t('desk.recorded', { adults: 1, children: 0, sector: t('sector.culture') }))
      .waitFor();
    expect((await usesToday()).filter((use) => use.cardNumber === cardNumber)).toHaveLength(1);
    // A mistaken use voided: an administrative action the audit names the person for.
    await page.getByRole('button', { name: t('uses.voidLabel', { cardNumber }) }).click();
    await page.getByRole('button', { name: t('uses.confirmVoid') }).click();
    await page.getByText(t('uses.voidedNotice', { cardNumber })).waitFor();

    await areaAdminPage.goto('/area/audit');
    const row = areaAdminPage.getByRole('row').filter({ hasText: t('audit.action.usage.voided') });
    await row.filter({ hasText: worker.name }).first().waitFor();
    await expectAxeClean(areaAdminPage);

    // A second tab of the same browser: signed in without asking again.
    const second = await context.newPage();
    await second.goto('/desk');
    await second.getByRole('heading', { name: t('desk.title') }).waitFor();
    await second.getByLabel(t('cardNumber.label')).waitFor();

    // The area admin removes the membership: the next request of the desk is refused.
    const removed = await web.service.call(
      'DELETE',
      `/v1/organisations/${area.venueId}/people/${worker.personId}`,
      { key: area.areaAdminKey },
    );
    expect(removed.status).toBeLessThan(300);
    const other = (await web.service.issueCard(area)).cardNumber as string;
    // The desk looks the card up as soon as the number is in: that request is refused, nothing recorded.
    await second.getByLabel(t('cardNumber.label')).fill(other);
    await second.getByText(t('error.FORBIDDEN')).first().waitFor();
    expect(await second.getByRole('button', { name: t('desk.record') }).isDisabled()).toBe(true);
    expect((await usesToday()).filter((use) => use.cardNumber === other)).toHaveLength(0);

    // One click signs both tabs out, and the refresh token no longer works.
    const refreshToken = await refreshTokenOf(page);
    await page.getByRole('button', { name: t('app.signOut') }).click();
    await page.waitForURL(`${web.service.url}/`);
    await second.getByRole('heading', { name: t('signIn.title') }).waitFor();
    await page.goto('/desk');
    await page.getByRole('heading', { name: t('signIn.title') }).waitFor();
    expect(await refreshWorks(refreshToken)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('lets an area admin register a passkey instead (virtual authenticator) and sign in with it', async () => {
    const { page, context, problems } = await newPage(lang);
    // Chromium's virtual authenticator (CDP WebAuthn): a platform authenticator that verifies its user.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const admin = await invitePerson(web.service, area.areaAdminKey, { name: `Avain Ylläpitäjä ${lang}` });
    await page.goto('/sign-in');
    await page.getByRole('button', { name: t('signIn.submit') }).click();
    await throughProvider(page, admin);
    await page.waitForURL('**/area');
    await page.getByText(t('mfa.required')).waitFor();
    await page.getByRole('button', { name: t('mfa.passkeyStart') }).click();
    await page.getByRole('heading', { name: t('orgs.title') }).waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    // Signed out, then in again with the passkey alone on the provider's page.
    await page.getByRole('button', { name: t('app.signOut') }).click();
    await page.waitForURL(`${web.service.url}/`);
    await page.goto('/sign-in');
    await page.getByRole('button', { name: t('signIn.submit') }).click();
    await page.locator('#passkey').click();
    await page.waitForURL('**/area');
    await page.getByRole('heading', { name: t('orgs.title') }).waitFor();
    expect(problems).toEqual([]);
  });

  it('sends a use queued offline after the sign-in ended, once the person signs in again', async () => {
    const { page, context, problems } = await newPage(lang);
    const worker = await signIn(page, web.service, area.venueKey, '/desk', { inviterKey: area.areaAdminKey });
    const cardNumber = (await web.service.issueCard(area)).cardNumber as string;
    await context.setOffline(true);
    await recordUse(page, lang, cardNumber);
    await page.getByText(t('desk.queued')).waitFor();
    // Meanwhile the sign-in ends: the refresh token is revoked and the access token has run out.
    const refreshToken = await refreshTokenOf(page);
    await revoke(refreshToken);
    // (As another tab would write it: the storage event tells this one.)
    await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('kaiku.signIn')!);
      saved.tokens.expiresAt = 0;
      localStorage.setItem('kaiku.signIn', JSON.stringify(saved));
      const browserWindow = globalThis as any;
      browserWindow.dispatchEvent(new browserWindow.StorageEvent('storage', { key: 'kaiku.signIn' }));
    });
    await context.setOffline(false);
    await page.evaluate(() => (globalThis as any).dispatchEvent(new Event('online')));
    await page.getByText(t('signIn.expired')).waitFor();
    expect((await usesToday()).filter((use) => use.cardNumber === cardNumber)).toHaveLength(0);
    // Signing in again (the provider's own session is still there: no password asked) sends it.
    await page.getByRole('button', { name: t('signIn.submit') }).click();
    await page.waitForURL('**/desk');
    await expect
      .poll(async () => (await usesToday()).filter((use) => use.cardNumber === cardNumber).length, {
        timeout: 30_000,
      })
      .toBe(1);
    expect(worker.email).toContain('@');
    expect(problems).toEqual([]);
  });
});

async function bearerOf(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('kaiku.signIn')!).tokens.accessToken as string);
}

async function refreshTokenOf(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('kaiku.signIn')!).tokens.refreshToken as string);
}

async function tokenEndpoint(): Promise<string> {
  const discovery = await fetch(`${web.service.identity.issuer}/.well-known/openid-configuration`);
  return ((await discovery.json()) as { token_endpoint: string }).token_endpoint;
}

async function refreshWorks(refreshToken: string): Promise<boolean> {
  const response = await fetch(await tokenEndpoint(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: web.service.identity.clientId,
      refresh_token: refreshToken,
    }).toString(),
  });
  return response.ok;
}

async function revoke(refreshToken: string): Promise<void> {
  const endpoint = new URL('/oauth2/revoke', await tokenEndpoint()).href;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken, client_id: web.service.identity.clientId }).toString(),
  });
  expect(response.status).toBe(200);
}
