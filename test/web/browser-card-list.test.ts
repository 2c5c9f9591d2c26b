import { beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { putNewCard } from '../../shared/store/cards.ts';
import type { TestArea } from '../support/service.ts';
import { screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 180_000 });

let area: TestArea;
let expiringSoon: string;
let later: { cardNumber: string };
let revoked: { cardNumber: string };

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
  later = await web.service.issueCard(area, { birthYear: 1984, postalCode: '53100' });
  revoked = await web.service.issueCard(area, { birthYear: 1991 });
  await web.service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
    key: area.distributorKey,
    body: { reason: 'lost' },
  });
  // A card issued last year, ten days from its end (the API issues cards for 12 months from today).
  const validUntil = addDays(today(), 10);
  const issuedOn = addDays(validUntil, -365);
  expiringSoon = generateCardNumber();
  await putNewCard(
    {
      cardNumber: expiringSoon,
      cardType: 'personal',
      validUntil,
      areaId: area.areaId,
      issuedBy: area.distributorId,
      issuedAt: `${issuedOn}T09:00:00.000Z`,
      issuedOn,
      birthYear: 1962,
      minorChildren: 0,
      adultAllowance: 1,
      childAllowance: 0,
      useCount: 0,
    },
    [],
  );
}, 240_000);

const viewports = { phone: { width: 390, height: 844 }, tablet: { width: 1024, height: 768 } } as const;
const cases = (['fi', 'sv'] as const).flatMap((lang) =>
  (['phone', 'tablet'] as const).map((device) => [lang, device] as const),
);

describe('the unit’s cards', () => {
  it.each(cases)('in %s on a %s', async (lang, device) => {
    const t = textsOf(lang);
    const session = await web.open(lang, { viewport: viewports[device] });
    const { page } = session;
    await signIn(page, web.service, area.distributorKey, '/cards');
    await page.getByRole('link', { name: t('cardList.nav') }).click();
    await page.getByRole('heading', { name: t('cardList.title') }).waitFor();
    const list = page.locator('.card-list li');
    await expect.poll(() => list.count()).toBe(2);
    // Expiring soonest first, and marked so.
    expect(await list.nth(0).textContent()).toContain(expiringSoon);
    expect(await list.nth(0).textContent()).toContain(t('cardList.expiringSoon', { days: 10 }));
    expect(await list.nth(0).textContent()).toContain(t('cardList.birthYear', { year: 1962 }));
    expect(await list.nth(1).textContent()).toContain(later.cardNumber);
    expect(await page.locator('main, body').first().textContent()).not.toContain('53100');
    expect(
      await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(viewports[device].width);
    await expectAxeClean(page);
    await screenshot(page, `card-list-${lang}-${device}`);

    // The revoked card under its own filter, with its reason; keyboard: the radio keeps the focus.
    await page.getByRole('radio', { name: t('cardList.status.revoked') }).check();
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.first().textContent()).toContain(revoked.cardNumber);
    expect(await list.first().textContent()).toContain(t('card.reason.lost'));
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.tagName)).toBe('INPUT');
    await page.getByRole('radio', { name: t('cardList.status.expired') }).check();
    await page.getByText(t('cardList.none')).waitFor();
    await expectAxeClean(page);

    // A card of the list opens its own page.
    await page.getByRole('radio', { name: t('cardList.status.active') }).check();
    await page.getByRole('link', { name: later.cardNumber }).click();
    await page.waitForURL(`**/cards/${later.cardNumber}`);
  });

  it('had no page error or CSP violation', () => {
    expect(web.problems()).toEqual([]);
  });
});
