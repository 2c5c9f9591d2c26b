// The venue desk in Chromium without a network: the service worker keeps the app loading, uses recorded
// offline wait in IndexedDB with their Idempotency-Keys and are sent when the connection returns (stored
// exactly once; a refused one shows its reason), and paper forms are entered as CSV with a bad row.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureWebBuild } from '../../scripts/build-web.ts';
import { helsinkiDate } from '../../shared/dates.ts';
import { startTestService, type TestArea, type TestService } from '../support/service.ts';
import { launchBrowser, type OpenPage, openPage, seriousViolations, signIn } from './support/browser.ts';

vi.setConfig({ testTimeout: 90_000 });

let service: TestService;
let browser: Browser;
let area: TestArea;
const opened: OpenPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  await ensureWebBuild();
  service = await startTestService();
  area = await service.area();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

async function deskPage(): Promise<OpenPage> {
  const next = await openPage(browser, service.url);
  opened.push(next);
  await signIn(next.page, area.venueKey, '/desk');
  return next;
}

const usesToday = async () => {
  const today = helsinkiDate(new Date());
  const reply = await service.call('GET', `/v1/usages?from=${today}&to=${today}&limit=500`, {
    key: area.venueKey,
  });
  return reply.body.items as { cardNumber: string; voided: boolean }[];
};

async function record(page: Page, cardNumber: string) {
  await page.getByLabel('Kortin numero').fill(cardNumber);
  await page.getByRole('radio', { name: 'Liikunta' }).check();
  await page.getByRole('button', { name: 'Kirjaa käynti' }).click();
}

describe('the desk offline', () => {
  it('loads without a network, queues uses, and sends them once when the connection returns', async () => {
    const good = (await service.issueCard(area)).cardNumber as string;
    const revoked = (await service.issueCard(area)).cardNumber as string;
    const { context, page, problems } = await deskPage();
    // The service worker has cached the app.
    await page.evaluate(() => (navigator as any).serviceWorker.ready.then(() => undefined));
    await expect
      .poll(() => page.evaluate(() => (navigator as any).serviceWorker.controller !== null))
      .toBe(true);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Kassa' }).waitFor();
    await page
      .getByText(/Ei verkkoyhteyttä/)
      .first()
      .waitFor();

    await record(page, good);
    await page.getByText(/käynti tallennettiin laitteelle/).waitFor();
    // The second card is revoked meanwhile: the service refuses it once it hears of it.
    expect(
      (
        await service.call('POST', `/v1/cards/${revoked}/revoke`, {
          key: area.distributorKey,
          body: { reason: 'misuse' },
        })
      ).status,
    ).toBe(200);
    await record(page, revoked);
    await page.getByText('Odottaa lähetystä: 2').waitFor();
    expect(await usesToday()).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    await context.setOffline(false);
    await page.getByText('Odottaa lähetystä: 0').waitFor({ timeout: 30_000 });
    await page.getByText(/hylätty: Kortti on peruttu\./).waitFor();
    await page.getByRole('table').getByText(good).waitFor();
    const uses = await usesToday();
    expect(uses.filter((use) => use.cardNumber === good)).toHaveLength(1);
    expect(uses.filter((use) => use.cardNumber === revoked)).toHaveLength(0);

    // Dismissed, the refused one leaves the list; nothing is sent twice on later rounds.
    await page.getByRole('button', { name: 'Poista listalta' }).click();
    await expect.poll(() => page.getByText('Lähettämättömät käynnit').count()).toBe(0);
    await page.reload();
    await page.getByRole('table').getByText(good).waitFor();
    expect((await usesToday()).filter((use) => use.cardNumber === good)).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});

describe('paper forms as CSV', () => {
  it('stores the good rows and shows the bad one with its reason', async () => {
    const card = (await service.issueCard(area)).cardNumber as string;
    const { page, problems } = await deskPage();
    await page.getByRole('link', { name: 'Paperilomakkeet (CSV)' }).first().click();
    await page.getByRole('heading', { name: 'Paperilomakkeet (CSV)' }).waitFor();
    const csv = [
      'clientRef,cardNumber,sector,adults,children',
      `form-1,${card},culture,1,1`,
      `form-2,${card},culture,1,9`,
      `form-3,${card},sport,1,0`,
    ].join('\n');
    await page.getByLabel('CSV-tiedosto').setInputFiles({
      name: 'forms.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Lähetä' }).click();
    await page.getByText('Tallennettu 2, hylätty 1.').waitFor();
    const bad = page.getByRole('row').filter({ hasText: 'form-2' });
    expect(await bad.textContent()).toContain('Liian monta lasta tälle kortille.');
    expect(await seriousViolations(page)).toEqual([]);
    // The same file again stores nothing twice.
    await page.getByRole('button', { name: 'Lähetä' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'tallennettu jo aiemmin' }).count()).toBe(2);
    expect((await usesToday()).filter((use) => use.cardNumber === card)).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
