// The venue desk in Chromium without a network, in Finnish and in Swedish: the service worker keeps the
// app loading, uses recorded offline wait in IndexedDB with their Idempotency-Keys and are sent when the
// connection returns (stored exactly once; a refused one shows its reason), and paper forms are entered as
// CSV with a bad row. Elements are found by the app's own texts in the language (web/src/i18n/*.json).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { helsinkiDate } from '../../shared/lib/dates.ts';
import type { TestArea } from '../support/service.ts';
import { type Language, type OpenPage, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 150_000 });

let area: TestArea;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
}, 180_000);

async function deskPage(lang: Language): Promise<OpenPage> {
  const next = await web.open(lang);
  await signIn(next.page, web.service, area.venueKey, '/desk');
  return next;
}

const usesToday = async () => {
  const today = helsinkiDate(new Date());
  const reply = await web.service.call('GET', `/v1/usages?from=${today}&to=${today}&limit=500`, {
    key: area.venueKey,
  });
  return reply.body.items as { cardNumber: string; voided: boolean }[];
};

async function record(page: Page, lang: Language, cardNumber: string) {
  const t = textsOf(lang);
  await page.getByLabel(t('cardNumber.label')).fill(cardNumber);
  await page.getByRole('radio', { name: t('sector.sport') }).check();
  await page.getByRole('button', { name: t('desk.record') }).click();
}

const languages: Language[] = ['fi', 'sv'];

describe.each(languages)('the desk offline (%s)', (lang) => {
  const t = textsOf(lang);
  it('loads without a network, queues uses, and sends them once when the connection returns', async () => {
    const good = (await web.service.issueCard(area)).cardNumber as string;
    const revoked = (await web.service.issueCard(area)).cardNumber as string;
    const { context, page, problems } = await deskPage(lang);
    // The service worker has cached the app.
    await page.evaluate(() => (navigator as any).serviceWorker.ready.then(() => undefined));
    await expect
      .poll(() => page.evaluate(() => (navigator as any).serviceWorker.controller !== null))
      .toBe(true);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: t('desk.title') }).waitFor();
    await page.getByText(t('app.offline')).first().waitFor();

    await record(page, lang, good);
    await page.getByText(t('desk.queued')).waitFor();
    // The second card is revoked meanwhile: the service refuses it once it hears of it.
    expect(
      (
        await web.service.call('POST', `/v1/cards/${revoked}/revoke`, {
          key: area.distributorKey,
          body: { reason: 'misuse' },
        })
      ).status,
    ).toBe(200);
    await record(page, lang, revoked);
    await page.getByText(t('pending.count', { count: 2 })).waitFor();
    expect((await usesToday()).filter((use) => [good, revoked].includes(use.cardNumber))).toEqual([]);
    await expectAxeClean(page);

    await context.setOffline(false);
    await page.getByText(t('pending.count', { count: 0 })).waitFor({ timeout: 30_000 });
    await page.getByText(`${t('pending.refused')}: ${t('error.CARD_REVOKED')}`).waitFor();
    await page.getByRole('table').getByText(good).waitFor();
    const uses = await usesToday();
    expect(uses.filter((use) => use.cardNumber === good)).toHaveLength(1);
    expect(uses.filter((use) => use.cardNumber === revoked)).toHaveLength(0);

    // Dismissed, the refused one leaves the list; nothing is sent twice on later rounds.
    await page.getByRole('button', { name: t('pending.dismiss') }).click();
    await expect.poll(() => page.getByText(t('pending.title')).count()).toBe(0);
    await page.reload();
    await page.getByRole('table').getByText(good).waitFor();
    expect((await usesToday()).filter((use) => use.cardNumber === good)).toHaveLength(1);
    expect(problems).toEqual([]);
  });
});

describe.each(languages)('paper forms as CSV (%s)', (lang) => {
  const t = textsOf(lang);
  it('stores the good rows and shows the bad one with its reason', async () => {
    const card = (await web.service.issueCard(area)).cardNumber as string;
    const { page, problems } = await deskPage(lang);
    await page
      .getByRole('link', { name: t('nav.batch') })
      .first()
      .click();
    await page.getByRole('heading', { name: t('batch.title') }).waitFor();
    const csv = [
      'clientRef,cardNumber,sector,adults,children',
      `${lang}-form-1,${card},culture,1,1`,
      `${lang}-form-2,${card},culture,1,9`,
      `${lang}-form-3,${card},sport,1,0`,
    ].join('\n');
    await page.getByLabel(t('batch.file')).setInputFiles({
      name: 'forms.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: t('batch.send'), exact: true }).click();
    await page.getByText(t('batch.summary', { ok: 2, failed: 1 })).waitFor();
    const bad = page.getByRole('row').filter({ hasText: `${lang}-form-2` });
    expect(await bad.textContent()).toContain(t('error.TOO_MANY_CHILDREN'));
    await expectAxeClean(page);
    // The same file again stores nothing twice.
    await page.getByRole('button', { name: t('batch.send'), exact: true }).click();
    await expect.poll(() => page.getByRole('cell', { name: t('batch.replayed') }).count()).toBe(2);
    expect((await usesToday()).filter((use) => use.cardNumber === card)).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
