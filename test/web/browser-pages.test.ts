// Every page of the web app, for every role, in Finnish, Swedish and English: a screenshot of each into
// test-results/screenshots/ (gitignored), no serious or critical axe finding, no CSP violation or page
// error, and the page's heading in the chosen language.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { today } from '../../shared/lib/dates.ts';
import type { TestArea } from '../support/service.ts';
import { chooseLanguage, type Language, screenshot, seriousViolations, signIn } from './support/browser.ts';
import { browserSuite } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 180_000 });

let area: TestArea;
let cardNumber: string;
let partnerKey: string;
const findings: string[] = [];
const languages: Language[] = ['fi', 'sv', 'en'];

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
  partnerKey = await web.service.partnerKey();
  cardNumber = (await web.service.issueCard(area)).cardNumber;
  await web.service.recordUse(area.venueKey, { cardNumber, sector: 'culture', adults: 1, children: 2 });
  await web.service.apply({ areaName: 'Odottava alue', municipalityCodes: ['444'], welfareArea: 'LU' });
  await web.service.call('POST', '/v1/stats/snapshots', {
    key: web.service.adminKey,
    body: { date: today() },
  });
}, 180_000);

/** Each page in each language: its screenshot, axe's findings, and its heading (h1) per language. */
async function visit(page: Page, name: string, path: string): Promise<Record<Language, string>> {
  await page.goto(path);
  const headings = {} as Record<Language, string>;
  for (const lang of languages) {
    await chooseLanguage(page, lang);
    await page.waitForLoadState('networkidle');
    await page.locator('main h1').waitFor();
    headings[lang] = (await page.locator('main h1').textContent()) ?? '';
    await screenshot(page, `${name}-${lang}`);
    findings.push(...(await seriousViolations(page)));
  }
  await chooseLanguage(page, 'fi');
  return headings;
}

async function pagesOf(key: string | undefined, home: string, pages: [string, string][]) {
  const next = await web.open();
  if (key) await signIn(next.page, web.service, key, home);
  const untranslated: string[] = [];
  for (const [name, path] of pages) {
    const headings = await visit(next.page, name, path);
    // The front page's heading is the name of the scheme, an organisation's page its name: the same anywhere.
    const named = name === 'home' || name === 'organisation';
    if (!named && headings.fi === headings.en) untranslated.push(`${name}: ${headings.fi}`);
  }
  expect(untranslated).toEqual([]);
}

describe('every page in every language', () => {
  it('a visitor’s pages', () =>
    pagesOf(undefined, '/', [
      ['home', '/'],
      ['venues', '/venues'],
      ['sign-in', '/sign-in'],
      ['apply', '/apply'],
      ['application-status', '/apply/status'],
      ['not-found', '/no-such-page'],
    ]));

  it('the venue’s pages', () =>
    pagesOf(area.venueKey, '/desk', [
      ['desk', '/desk'],
      ['batch', '/desk/batch'],
      ['venue-profile', '/desk/profile'],
      ['second-factor', '/second-factor'],
      ['organisation-choice', '/organisation'],
    ]));

  it('the distributor’s pages', () =>
    pagesOf(area.distributorKey, '/cards', [
      ['cards', '/cards'],
      ['new-card', '/cards/new'],
      ['card', `/cards/${cardNumber}`],
      ['print-card', `/cards/${cardNumber}/print`],
      ['card-list', '/cards/list'],
    ]));

  it('the area’s pages', () =>
    pagesOf(area.areaAdminKey, '/area', [
      ['organisations', '/area'],
      ['organisation', `/area/organisations/${area.venueId}`],
      ['area-figures', '/area/figures'],
      ['venue-report', '/area/report'],
      ['area-audit', '/area/audit'],
      ['area-flags', '/area/flags'],
    ]));

  it('the national centre’s pages', () =>
    pagesOf(web.service.adminKey, '/national', [
      ['applications', '/national'],
      ['national-figures', '/national/figures'],
      ['snapshots', '/national/snapshots'],
      ['national-audit', '/national/audit'],
      ['national-flags', '/national/flags'],
    ]));

  it('the partner’s page, and a page of another role', () =>
    pagesOf(partnerKey, '/snapshots', [
      ['partner-snapshots', '/snapshots'],
      ['not-for-role', '/desk'],
    ]));

  it('had no serious or critical axe finding, CSP violation or page error', () => {
    expect(findings).toEqual([]);
    expect(web.problems()).toEqual([]);
  });
});
