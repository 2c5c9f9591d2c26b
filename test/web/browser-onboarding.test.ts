// The web app end to end in Chromium, against the local service (the gateway serves the built app), once
// in Finnish and once in Swedish: an area applies, the national centre approves, the applicant claims the
// area-admin key (for machines) and signs in as the area's first admin from the invitation in the outbox
// (a new password and a TOTP), the area adds a venue and a distributor with keys, the distributor registers a card, the
// venue records a use at the desk, and the use shows in the area's figures. Every element is found by the
// app's own text in that language (web/src/i18n/*.json); every page passes axe without a serious finding.
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { invitationTo } from '../support/identity.ts';
import { recordSensitive } from '../support/log-leaks.ts';
import { drainStream } from '../support/service.ts';
import {
  firstSignIn,
  type Language,
  seriousViolations,
  signIn,
  type TestPerson,
  textsOf,
} from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 150_000 });

const axeFindings: string[] = [];

const web = browserSuite();

async function checkAxe(page: Page) {
  axeFindings.push(...(await seriousViolations(page)));
}

/** The text of the secret shown once on the page (a new key). */
const secretOnPage = async (page: Page) => (await page.locator('.secret-value').last().textContent())!.trim();

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each language's run is a different area of Länsi-Uusimaa: a municipality joins one area only. */
const runs: readonly {
  lang: Language;
  areaName: string;
  first: { search: string; label: string };
  second: { search: string; label: string };
  venue: string;
  distributor: string;
}[] = [
  {
    lang: 'fi',
    areaName: 'Lohjan seutu',
    first: { search: 'Lohja', label: 'Lohja (444)' },
    second: { search: '927', label: 'Vihti (927)' },
    venue: 'Lohjan museo',
    distributor: 'Vihdin sosiaalitoimi',
  },
  {
    lang: 'sv',
    areaName: 'Raseborgsregionen',
    first: { search: 'Raseborg', label: 'Raseborg (710)' },
    second: { search: '149', label: 'Ingå (149)' },
    venue: 'Raseborgs museum',
    distributor: 'Ingå socialbyrå',
  },
];

describe.each(runs)('an area joins and records its first use, in the browser ($lang)', (run) => {
  const t = textsOf(run.lang);
  let statusLink = '';
  let areaAdminKey = '';
  let venueKey = '';
  let distributorKey = '';
  let cardNumber = '';

  async function open(): Promise<Page> {
    const next = await web.open(run.lang);
    return next.page;
  }

  it('a municipality applies with the form', async () => {
    const page = await open();
    await page.goto('/apply');
    await page.waitForFunction(
      (lang) => (globalThis as any).document.documentElement.lang === lang,
      run.lang,
    );
    await checkAxe(page);
    await page.getByLabel(t('apply.areaName')).fill(run.areaName);
    const search = page.getByLabel(t('apply.search'));
    for (const municipality of [run.first, run.second]) {
      await search.fill(municipality.search);
      await page.getByRole('checkbox', { name: new RegExp(literal(municipality.label)) }).check();
    }
    const welfareArea = t('apply.welfareArea', { name: t('welfareArea.LU') });
    await expect.poll(() => page.getByText(welfareArea).count()).toBe(1);
    const culture = page.getByRole('group', { name: t('apply.cultureContact') });
    await culture.getByLabel(t('apply.contactName')).fill('Kulttuuri Kontakti');
    await culture.getByLabel(t('apply.contactEmail')).fill(`culture-${run.lang}@example.org`);
    const social = page.getByRole('group', { name: t('apply.socialContact') });
    await social.getByLabel(t('apply.contactName')).fill('Sosiaali Kontakti');
    await social.getByLabel(t('apply.contactEmail')).fill(`social-${run.lang}@example.org`);
    await checkAxe(page);
    await page.getByRole('button', { name: t('apply.submit') }).click();
    await page.getByRole('heading', { name: t('apply.sentTitle') }).waitFor();
    recordSensitive('secret', 'claimToken', (await page.locator('.secret-value').textContent())!.trim());
    statusLink = (await page.getByRole('link', { name: t('apply.followLink') }).getAttribute('href'))!;
    expect(statusLink).toMatch(/^\/apply\/status#id=.+&token=.+/);
    await checkAxe(page);
  });

  it('the national centre approves it', async () => {
    const page = await open();
    await signIn(page, web.service, web.service.adminKey, '/national');
    const application = page.getByRole('article', { name: run.areaName });
    await application.waitFor();
    await checkAxe(page);
    await application.getByRole('button', { name: t('applications.approve') }).click();
    await page.getByText(t('applications.decided', { count: 1 })).waitFor();
  });

  it('the applicant claims the area-admin key once; the contact person signs in from the invitation', async () => {
    const page = await open();
    await page.goto(statusLink);
    await page.getByText(t('status.approved')).waitFor();
    areaAdminKey = await secretOnPage(page);
    expect(areaAdminKey).toMatch(/^kk\./);
    recordSensitive('secret', 'apiKey', areaAdminKey);
    await page.getByText(t('signIn.contactsInvited')).waitFor();
    await checkAxe(page);
    // The key came in the first answer only: a second look says so.
    const again = await open();
    await again.goto(statusLink);
    await again.getByText(t('status.keyAlreadyShown')).waitFor();
    // The approval invited the culture contact as the area's admin: the invitation's link and password.
    const email = `culture-${run.lang}@example.org`;
    const invitation = invitationTo(web.service.identity.outboxDir, email);
    const me = await web.service.call('GET', '/v1/me', { key: areaAdminKey });
    const contact: TestPerson = {
      personId: '',
      name: 'Kulttuuri Kontakti',
      email,
      orgId: me.body.orgId,
      role: 'area-admin',
      password: invitation.password,
    };
    await page.goto(invitation.link);
    await page
      .locator('main')
      .getByRole('link', { name: t('home.signIn') })
      .click();
    await firstSignIn(page, contact, '/area');
    await page.getByRole('heading', { name: t('orgs.title') }).waitFor();
    await checkAxe(page);
  });

  it('the area adds a venue and a distributor, each with a key shown once', async () => {
    const page = await open();
    await signIn(page, web.service, areaAdminKey, '/area');
    const add = async (kind: 'kind.venue' | 'kind.distributor', name: string, municipality: string) => {
      await page.getByLabel(t('orgs.kind')).selectOption({ label: t(kind) });
      await page.getByLabel(t('orgs.name'), { exact: true }).fill(name);
      const place = page.getByLabel(t('orgs.municipality'));
      const label = await place.locator('option').filter({ hasText: municipality }).textContent();
      await place.selectOption({ label: label! });
      await page.getByLabel(t('orgs.contactEmail')).fill('desk@example.org');
      await page.getByRole('button', { name: t('orgs.create'), exact: true }).click();
      await page.getByRole('link', { name }).waitFor();
    };
    await add('kind.venue', run.venue, run.first.label.replace(/ \(\d+\)$/, ''));
    await add('kind.distributor', run.distributor, run.second.label.replace(/ \(\d+\)$/, ''));
    await checkAxe(page);
    const keyOf = async (name: string) => {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { name }).waitFor();
      // A key says what it is for (the list tells two keys of one venue apart).
      await page.getByLabel(t('keys.name')).fill('Kassajärjestelmä');
      await page.getByRole('button', { name: t('keys.createButton') }).click();
      await page.locator('.secret-value').waitFor();
      const key = await secretOnPage(page);
      recordSensitive('secret', 'apiKey', key);
      await checkAxe(page);
      await page
        .getByRole('link', { name: t('nav.organisations') })
        .first()
        .click();
      return key;
    };
    venueKey = await keyOf(run.venue);
    distributorKey = await keyOf(run.distributor);
    expect(venueKey).not.toBe(distributorKey);
  });

  it('the distributor registers a card', async () => {
    const page = await open();
    await signIn(page, web.service, distributorKey, '/cards');
    await page.getByRole('link', { name: t('nav.newCard'), exact: true }).click();
    await page.getByLabel(t('card.birthYear')).fill('1980');
    await page.getByLabel(t('card.postalCode')).fill('08100');
    await page.getByRole('button', { name: t('desk.moreChildren') }).click();
    await page.getByRole('button', { name: t('desk.moreChildren') }).click();
    await checkAxe(page);
    await page.getByRole('button', { name: t('newCard.submit') }).click();
    await page.getByText(t('card.registered')).waitFor();
    cardNumber = (await page.locator('.facts code').first().textContent())!.trim();
    expect(cardNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await checkAxe(page);
  });

  it('the venue records a use in three interactions after typing the number', async () => {
    const page = await open();
    await signIn(page, web.service, venueKey, '/desk');
    const number = page.getByLabel(t('cardNumber.label'));
    const culture = t('sector.culture');
    // A typo is caught by the check character before any request.
    const typo = cardNumber.slice(0, -1) + (cardNumber.endsWith('0') ? '1' : '0');
    await number.fill(typo);
    await page.getByText(t('cardNumber.problem.check')).waitFor();
    await number.fill(cardNumber.toLowerCase().replaceAll('-', ''));
    await page.getByText(t('card.status.active'), { exact: true }).waitFor();
    await page.getByText(t('desk.childrenAllowed', { count: 2 })).waitFor();
    await checkAxe(page);
    // 1: the sector (remembered next time), 2: one child more, 3: record.
    await page.getByRole('radio', { name: culture }).check();
    await page.getByRole('button', { name: t('desk.moreChildren') }).click();
    await page.getByRole('button', { name: t('desk.record') }).click();
    await page.getByText(t('desk.recorded', { adults: 1, children: 1, sector: culture })).waitFor();
    const today = page.getByRole('table');
    await today.getByText(cardNumber).waitFor();
    await checkAxe(page);
    // The sector is remembered: the next use of the same card is two interactions.
    await number.fill(cardNumber);
    await page.getByText(t('card.status.active'), { exact: true }).waitFor();
    expect(await page.getByRole('radio', { name: culture }).isChecked()).toBe(true);
    await page.getByRole('button', { name: t('desk.record') }).click();
    await page.getByText(t('desk.recorded', { adults: 1, children: 0, sector: culture })).waitFor();
    await expect.poll(() => today.getByText(cardNumber).count()).toBe(2);
    // Void the second: asked once more, then struck through.
    await page
      .getByRole('button', { name: t('uses.voidLabel', { cardNumber }) })
      .first()
      .click();
    await page.getByRole('button', { name: t('uses.confirmVoid') }).click();
    await expect.poll(() => today.getByText(t('uses.voided'), { exact: true }).count()).toBe(1);
  });

  it('the use shows in the area’s figures', async () => {
    // The area's daily use counters are kept from the table's stream (decision 0014).
    await drainStream();
    const page = await open();
    await signIn(page, web.service, areaAdminKey, '/area');
    await page.getByRole('link', { name: t('nav.figures') }).click();
    const figure = (key: 'figures.uses' | 'figures.childUses') =>
      page
        .locator('.figures div')
        .filter({ hasText: t(key) })
        .locator('dd');
    await expect.poll(() => figure('figures.uses').textContent()).toBe('2');
    expect(await figure('figures.childUses').textContent()).toBe('1');
    const chart = t('figures.bySector', { year: '' }).trim();
    await page.getByRole('img', { name: new RegExp(literal(chart)) }).waitFor();
    await checkAxe(page);
  });
});

describe('every page of both runs', () => {
  it('broke no CSP, threw nothing, and had no serious accessibility finding', () => {
    expect(web.opened.length).toBeGreaterThan(10);
    expect(web.problems()).toEqual([]);
    expect(axeFindings).toEqual([]);
  });
});
