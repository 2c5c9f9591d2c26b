// Issue 19, item 7, in Chromium, in Finnish on a phone (390×844) and in Swedish on a tablet (1024×768):
// the national centre opens any area from its list and manages it on the area admin's own pages: adds an
// organisation, sees the area-admin organisation's people, makes a new area-admin key for an applicant
// who lost theirs (shown once, and it works), and revokes it (refused at once). Axe clean, no sideways
// scrolling, screenshots of the new pages.
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { type Language, screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 180_000 });

const web = browserSuite();

const devices = {
  phone: { width: 390, height: 844 },
  tablet: { width: 1024, height: 768 },
} as const;

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
}

async function checkPage(page: Page, name: string) {
  await expectAxeClean(page);
  await expectNoSidewaysScroll(page);
  await screenshot(page, name);
}

const cases: readonly [Language, keyof typeof devices, string][] = [
  ['fi', 'phone', 'Järvenpään Kaikukortti'],
  ['sv', 'tablet', 'Kaikukortti i Raseborg'],
];

describe('the national centre manages any area', () => {
  for (const [lang, device, areaName] of cases)
    it(`lists the areas and manages one's organisations and keys (${lang}, ${device})`, async () => {
      const t = textsOf(lang);
      const municipality = lang === 'fi' ? '186' : '710';
      const welfareArea = lang === 'fi' ? 'KU' : 'LU';
      const area = await web.service.onboard({ areaName, municipalityCodes: [municipality], welfareArea });
      const { page, context, problems } = await web.open(lang, { viewport: devices[device] });
      try {
        await signIn(page, web.service, web.service.adminKey, '/national');
        await page
          .getByRole('navigation')
          .getByRole('link', { name: t('nav.areas') })
          .click();
        await page.getByRole('heading', { level: 1, name: t('nationalAreas.title') }).waitFor();
        const areaLink = page.getByRole('link', { name: areaName });
        await areaLink.waitFor();
        await checkPage(page, `national-areas-${lang}-${device}`);

        // The area's organisations, on the area admin's page, with the way back to all areas.
        await areaLink.click();
        await page.getByRole('heading', { level: 1, name: t('orgs.title') }).waitFor();
        expect(new URL(page.url()).pathname).toBe(`/national/areas/${area.areaId}`);
        await page
          .locator('main')
          .getByRole('link', { name: t('nationalAreas.title') })
          .waitFor();
        const table = page.getByRole('table');
        await table.getByRole('cell', { name: t('kind.area-admin') }).waitFor();

        // A new venue of the area, made by the national centre.
        const venueName = lang === 'fi' ? 'Järvenpään museo' : 'Raseborgs museum';
        await page.getByLabel(t('orgs.name')).fill(venueName);
        await page.getByLabel(t('orgs.contactEmail')).fill(`museo-${lang}@example.org`);
        await page.getByRole('button', { name: t('orgs.create') }).click();
        await table.getByRole('link', { name: venueName }).waitFor();
        const listed = await web.service.call('GET', `/v1/areas/${area.areaId}/organisations`, {
          key: area.areaAdminKey,
        });
        expect(listed.body.items.map((item: { name: string }) => item.name)).toContain(venueName);
        await checkPage(page, `national-area-organisations-${lang}-${device}`);

        // The area-admin organisation: its people (the applicants, invited at approval) and a new key.
        const adminRow = table.locator('tr', { has: page.getByRole('cell', { name: t('kind.area-admin') }) });
        await adminRow.getByRole('link').click();
        await page.getByRole('heading', { level: 2, name: t('keys.title') }).waitFor();
        await page.getByText('culture@example.org').waitFor();
        const keyName = lang === 'fi' ? 'Korvaava avain' : 'Ersättande nyckel';
        await page.getByLabel(t('keys.name')).fill(keyName);
        await page.getByRole('button', { name: t('keys.createButton') }).click();
        const secret = page.locator('.secret-value');
        await secret.waitFor();
        const apiKey = (await secret.textContent())?.trim() ?? '';
        expect(apiKey.length).toBeGreaterThan(20);
        const me = await web.service.call('GET', '/v1/me', { key: apiKey });
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ kind: 'key', role: 'area-admin', areaId: area.areaId });
        await checkPage(page, `national-area-admin-key-${lang}-${device}`);

        // Shown once: after a reload the list names the key, never its secret.
        await page.reload();
        await page.getByRole('heading', { level: 2, name: t('keys.title') }).waitFor();
        expect(await page.locator('.secret-value').count()).toBe(0);
        expect(await page.content()).not.toContain(apiKey);

        // Revoking it: refused at the next request.
        await page.getByRole('button', { name: `${t('keys.revoke')} ${keyName}` }).click();
        await page.getByRole('button', { name: t('keys.confirmRevoke') }).click();
        await page.getByRole('button', { name: t('keys.confirmRevoke') }).waitFor({ state: 'detached' });
        // The key's row keeps its name and loses its revoke button.
        await page
          .getByRole('button', { name: `${t('keys.revoke')} ${keyName}` })
          .waitFor({ state: 'detached' });
        await page.getByText(keyName, { exact: true }).waitFor();
        expect((await web.service.call('GET', '/v1/me', { key: apiKey })).status).toBe(401);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
});
