// The web app end to end in Chromium, against the local service (the gateway serves the built app): an
// area applies, the national centre approves, the applicant claims the area-admin key, the area adds a
// venue and a distributor with keys, the distributor registers a card, the venue records a use at the
// desk, and the use shows in the area's figures. Every page passes axe without a serious finding.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { recordSensitive } from '../support/log-leaks.ts';
import { drainStream, startTestService, type TestService } from '../support/service.ts';
import { launchBrowser, type OpenPage, openPage, seriousViolations, signIn } from './support/browser.ts';

vi.setConfig({ testTimeout: 90_000 });

let service: TestService;
let browser: Browser;
const opened: OpenPage[] = [];
const axeFindings: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  await ensureWebBuild();
  service = await startTestService();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(): Promise<Page> {
  const next = await openPage(browser, service.url);
  opened.push(next);
  return next.page;
}

async function checkAxe(page: Page) {
  axeFindings.push(...(await seriousViolations(page)));
}

/** The text of the secret shown once on the page (a new key). */
const secretOnPage = async (page: Page) => (await page.locator('.secret-value').last().textContent())!.trim();

describe('an area joins and records its first use, in the browser', () => {
  let statusLink = '';
  let areaAdminKey = '';
  let venueKey = '';
  let distributorKey = '';
  let cardNumber = '';

  it('a municipality applies with the form', async () => {
    const page = await open();
    await page.goto('/apply');
    await checkAxe(page);
    await page.getByLabel('Alueen nimi').fill('Lohjan seutu');
    const search = page.getByLabel('Hae kuntaa nimellä tai numerolla');
    await search.fill('Lohja');
    await page.getByRole('checkbox', { name: /Lohja \(444\)/ }).check();
    await search.fill('927');
    await page.getByRole('checkbox', { name: /Vihti \(927\)/ }).check();
    await expect.poll(() => page.getByText('Hyvinvointialue: Länsi-Uusimaa').count()).toBe(1);
    const culture = page.getByRole('group', { name: 'Kulttuuripuolen yhteyshenkilö' });
    await culture.getByLabel('Nimi').fill('Kulttuuri Kontakti');
    await culture.getByLabel('Sähköposti').fill('culture@example.org');
    const social = page.getByRole('group', { name: 'Sosiaali- ja terveyspuolen yhteyshenkilö' });
    await social.getByLabel('Nimi').fill('Sosiaali Kontakti');
    await social.getByLabel('Sähköposti').fill('social@example.org');
    await checkAxe(page);
    await page.getByRole('button', { name: 'Lähetä hakemus' }).click();
    await page.getByRole('heading', { name: 'Hakemus lähetetty' }).waitFor();
    recordSensitive('secret', 'claimToken', (await page.locator('.secret-value').textContent())!.trim());
    statusLink = (await page.getByRole('link', { name: 'Seuraa hakemusta' }).getAttribute('href'))!;
    expect(statusLink).toMatch(/^\/apply\/status#id=.+&token=.+/);
    await checkAxe(page);
  });

  it('the national centre approves it', async () => {
    const page = await open();
    await signIn(page, service.adminKey, '/national');
    const application = page.getByRole('article', { name: 'Lohjan seutu' });
    await application.waitFor();
    await checkAxe(page);
    await application.getByRole('button', { name: 'Hyväksy' }).click();
    await page.getByText('Päätöksiä tehty: 1.').waitFor();
  });

  it('the applicant claims the area-admin key once, and signs in with it', async () => {
    const page = await open();
    await page.goto(statusLink);
    await page.getByText('Hyväksytty').waitFor();
    areaAdminKey = await secretOnPage(page);
    expect(areaAdminKey).toMatch(/^kk\./);
    recordSensitive('secret', 'apiKey', areaAdminKey);
    await checkAxe(page);
    await page.getByRole('button', { name: 'Kirjaudu tällä avaimella' }).click();
    await page.waitForURL('**/area');
    // The key came in the first answer only: a second look says so.
    const again = await open();
    await again.goto(statusLink);
    await again.getByText(/Avain on jo noudettu/).waitFor();
  });

  it('the area adds a venue and a distributor, each with a key shown once', async () => {
    const page = await open();
    await signIn(page, areaAdminKey, '/area');
    const add = async (kind: 'Kohde' | 'Jakopiste', name: string, municipality: RegExp) => {
      await page.getByLabel('Tyyppi').selectOption({ label: kind });
      await page.getByLabel('Nimi', { exact: true }).fill(name);
      const place = page.getByLabel('Kunta');
      const label = await place.locator('option').filter({ hasText: municipality }).textContent();
      await place.selectOption({ label: label! });
      await page.getByLabel('Yhteyssähköposti').fill('desk@example.org');
      await page.getByRole('button', { name: 'Lisää', exact: true }).click();
      await page.getByRole('link', { name }).waitFor();
    };
    await add('Kohde', 'Lohjan museo', /Lohja/);
    await add('Jakopiste', 'Vihdin sosiaalitoimi', /Vihti/);
    await checkAxe(page);
    const keyOf = async (name: string) => {
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { name }).waitFor();
      await page.getByRole('button', { name: 'Luo uusi avain' }).click();
      await page.locator('.secret-value').waitFor();
      const key = await secretOnPage(page);
      recordSensitive('secret', 'apiKey', key);
      await checkAxe(page);
      await page.getByRole('link', { name: 'Organisaatiot' }).first().click();
      return key;
    };
    venueKey = await keyOf('Lohjan museo');
    distributorKey = await keyOf('Vihdin sosiaalitoimi');
    expect(venueKey).not.toBe(distributorKey);
  });

  it('the distributor registers a card', async () => {
    const page = await open();
    await signIn(page, distributorKey, '/cards');
    await page.getByRole('link', { name: 'Uusi kortti', exact: true }).click();
    await page.getByLabel('Syntymävuosi').fill('1980');
    await page.getByLabel('Postinumero').fill('08100');
    await page.getByRole('button', { name: 'Yksi lapsi lisää' }).click();
    await page.getByRole('button', { name: 'Yksi lapsi lisää' }).click();
    await checkAxe(page);
    await page.getByRole('button', { name: 'Rekisteröi kortti' }).click();
    await page.getByText('Kortti rekisteröity.').waitFor();
    cardNumber = (await page.locator('.facts code').first().textContent())!.trim();
    expect(cardNumber).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await checkAxe(page);
  });

  it('the venue records a use in three interactions after typing the number', async () => {
    const page = await open();
    await signIn(page, venueKey, '/desk');
    const number = page.getByLabel('Kortin numero');
    // A typo is caught by the check character before any request.
    const typo = cardNumber.slice(0, -1) + (cardNumber.endsWith('0') ? '1' : '0');
    await number.fill(typo);
    await page.getByText(/Tarkistemerkki ei täsmää/).waitFor();
    await number.fill(cardNumber.toLowerCase().replaceAll('-', ''));
    await page.getByText('Voimassa', { exact: true }).waitFor();
    await page.getByText('Lapsia mukaan enintään 2').waitFor();
    await checkAxe(page);
    // 1: the sector (remembered next time), 2: one child more, 3: record.
    await page.getByRole('radio', { name: 'Kulttuuri' }).check();
    await page.getByRole('button', { name: 'Yksi lapsi lisää' }).click();
    await page.getByRole('button', { name: 'Kirjaa käynti' }).click();
    await page.getByText('Kirjattu: 1 aikuista, 1 lasta (Kulttuuri).').waitFor();
    const today = page.getByRole('table');
    await today.getByText(cardNumber).waitFor();
    await checkAxe(page);
    // The sector is remembered: the next use of the same card is two interactions.
    await number.fill(cardNumber);
    await page.getByText('Voimassa', { exact: true }).waitFor();
    expect(await page.getByRole('radio', { name: 'Kulttuuri' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Kirjaa käynti' }).click();
    await page.getByText('Kirjattu: 1 aikuista, 0 lasta (Kulttuuri).').waitFor();
    await expect.poll(() => today.getByText(cardNumber).count()).toBe(2);
    // Void the second: asked once more, then struck through.
    await page
      .getByRole('button', { name: `Mitätöi kortin ${cardNumber} käynti` })
      .first()
      .click();
    await page.getByRole('button', { name: 'Vahvista mitätöinti' }).click();
    await expect.poll(() => today.getByText('mitätöity').count()).toBe(1);
  });

  it('the use shows in the area’s figures', async () => {
    // The area's daily use counters are kept from the table's stream (decision 0014).
    await drainStream();
    const page = await open();
    await signIn(page, areaAdminKey, '/area');
    await page.getByRole('link', { name: 'Luvut' }).click();
    const total = page.locator('.figures div').filter({ hasText: 'Käynnit yhteensä' }).locator('dd');
    await expect.poll(() => total.textContent()).toBe('2');
    const children = page.locator('.figures div').filter({ hasText: 'Lasten käynnit' }).locator('dd');
    expect(await children.textContent()).toBe('1');
    await page.getByRole('img', { name: /Käynnit kuukausittain toimialoittain/ }).waitFor();
    await checkAxe(page);
  });

  it('no page broke the CSP, threw, or had a serious accessibility finding', () => {
    expect(opened.flatMap((page) => page.problems)).toEqual([]);
    expect(axeFindings).toEqual([]);
  });
});
