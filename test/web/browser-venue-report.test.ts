// The area admin in Chromium, in Finnish and Swedish, on a phone (390×844) and a tablet (1024×768):
// renames a venue and changes its daily limit, then reads the figures per venue for the month, downloads
// them as CSV and prints the report (title, area, period, the day it was made). Axe clean, no sideways
// scrolling, the focus on the answer after saving.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestArea } from '../support/service.ts';
import { screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 180_000 });

let area: TestArea;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area({ cardLimitPerDay: 5 });
  const card = await web.service.issueCard(area, { minorChildren: 2 });
  for (const children of [2, 0]) {
    const reply = await web.service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children,
    });
    expect(reply.status, reply.text).toBe(201);
  }
  // A voided use is not counted.
  const voided = await web.service.recordUse(area.venueKey, {
    cardNumber: card.cardNumber,
    sector: 'sport',
    adults: 1,
    children: 1,
  });
  const voiding = await web.service.call('DELETE', `/v1/usages/${voided.body.usageId}`, {
    key: area.venueKey,
  });
  expect(voiding.status, voiding.text).toBeLessThan(300);
}, 240_000);

const viewports = { phone: { width: 390, height: 844 }, tablet: { width: 1024, height: 768 } } as const;
const cases = (['fi', 'sv'] as const).flatMap((lang) =>
  (['phone', 'tablet'] as const).map((device, index) => [lang, device, index] as const),
);

describe('the area admin’s venues and report', () => {
  it.each(cases)('in %s on a %s', async (lang, device, index) => {
    const t = textsOf(lang);
    const session = await web.open(lang, { viewport: viewports[device] });
    const { page } = session;
    await signIn(page, web.service, area.areaAdminKey, '/area');

    // Rename the venue and change its limit: only the changes are sent, the answer has the focus.
    const name = `Museo ${lang} ${device}`;
    const limit = String(6 + index + (lang === 'sv' ? 2 : 0));
    await page.goto(`/area/organisations/${area.venueId}`);
    await page.getByRole('heading', { name: t('venueReport.settingsTitle') }).waitFor();
    // The page's people section has a name field too: this one is the venue's.
    const settings = page.getByRole('region', { name: t('venueReport.settingsTitle') });
    await settings.getByLabel(t('venueReport.name'), { exact: true }).fill(name);
    await page.getByLabel(t('venueReport.limit')).fill('0');
    await page.getByText(t('venueReport.limitProblem')).waitFor();
    expect(await page.getByRole('button', { name: t('venueReport.save') }).isDisabled()).toBe(true);
    await page.getByLabel(t('venueReport.limit')).fill(limit);
    await page.getByRole('button', { name: t('venueReport.save') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: t('venueReport.saved') })
      .waitFor();
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.className))
      .toBe('desk-outcome');
    const organisations = await web.service.call('GET', `/v1/areas/${area.areaId}/organisations`, {
      key: area.areaAdminKey,
    });
    expect(organisations.body.items.find((item: any) => item.id === area.venueId)).toMatchObject({
      name,
      cardLimitPerDay: Number(limit),
    });
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expectAxeClean(page);
    await screenshot(page, `venue-settings-${lang}-${device}`);

    // The figures per venue for this month: two uses, two adults, two children (the voided one left out).
    await page.getByRole('link', { name: t('venueReport.nav') }).click();
    await page.getByRole('heading', { name: t('venueReport.title') }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).map((text) => text.trim())).toEqual(['2', '2', '2']);
    const meta = (await page.locator('.report-meta').textContent()) ?? '';
    expect(meta).toContain(t('venueReport.area', { area: 'Test area' }).split('Test area')[0]!);
    expect(meta).toMatch(/Test area/);
    expect(
      await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(viewports[device].width);
    await expectAxeClean(page);
    await screenshot(page, `venue-report-${lang}-${device}`);

    // CSV: the title, the area, the period and the made-on day, then a line per venue.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: t('venueReport.csv') }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain(t('venueReport.title'));
    expect(lines[0]).toMatch(/Test area/);
    expect(lines[1]!.split(';').slice(0, 4)).toEqual([
      t('venueReport.venue'),
      t('venueReport.records'),
      t('venueReport.adults'),
      t('venueReport.children'),
    ]);
    expect(lines).toContain(`${name};2;2;2;4;0;0;0`);

    // Printed: the navigation and the controls go, the title, area, period and day stay.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: t('venueReport.print') }).isVisible()).toBe(false);
    expect(await page.locator('.report-meta').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: t('venueReport.title') }).isVisible()).toBe(true);
    await screenshot(page, `venue-report-print-${lang}-${device}`);
    await page.emulateMedia({ media: 'screen' });
  });

  it('had no page error or CSP violation', () => {
    expect(web.problems()).toEqual([]);
  });
});
