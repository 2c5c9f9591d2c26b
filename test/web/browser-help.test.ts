// Help and support on every page (issue 19, item 8): each page of the app (every path in web/src/pages.tsx,
// as a visitor and as each role) ends with a link to the help page and the national centre's support
// e-mail and phone, in Finnish, Swedish and English; the help page explains each group's common tasks and
// what to do when something is refused, the signed-in role's own first, on a phone and a tablet, axe
// clean; screenshots of it in each language. The help link is reached and followed with the keyboard.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';
import { supportContact, telLink } from '../../web/src/help/support-contact.ts';
import type { TestArea } from '../support/service.ts';
import { chooseLanguage, type Language, screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 600_000 });

const languages: readonly Language[] = ['fi', 'sv', 'en'];
const phone = { width: 390, height: 844 };
const tablet = { width: 1024, height: 768 };

let area: TestArea;
let cardNumber: string;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
  cardNumber = (await web.service.issueCard(area)).cardNumber;
}, 240_000);

/** Every page pattern the app declares (web/src/pages.tsx): none may be left out below. */
function declaredPatterns(): string[] {
  const source = readFileSync(join(projectRoot, 'web', 'src', 'pages.tsx'), 'utf8');
  return [...source.matchAll(/pattern: '([^']+)'/g)].map((match) => match[1]!);
}

type Who = 'visitor' | 'venue' | 'distributor' | 'area-admin' | 'admin' | 'partner';

/** Each pattern, who opens it, and the path it is opened at. */
const visits: readonly { pattern: string; who: Who; path: () => string }[] = [
  { pattern: '/', who: 'visitor', path: () => '/' },
  { pattern: '/sign-in', who: 'visitor', path: () => '/sign-in' },
  { pattern: '/signed-in', who: 'visitor', path: () => '/signed-in' },
  { pattern: '/apply', who: 'visitor', path: () => '/apply' },
  { pattern: '/apply/status', who: 'visitor', path: () => '/apply/status' },
  { pattern: '/venues', who: 'visitor', path: () => '/venues' },
  { pattern: '/help', who: 'visitor', path: () => '/help' },
  { pattern: '/organisation', who: 'venue', path: () => '/organisation' },
  { pattern: '/second-factor', who: 'venue', path: () => '/second-factor' },
  { pattern: '/desk', who: 'venue', path: () => '/desk' },
  { pattern: '/desk/batch', who: 'venue', path: () => '/desk/batch' },
  { pattern: '/desk/profile', who: 'venue', path: () => '/desk/profile' },
  { pattern: '/people', who: 'venue', path: () => '/people' },
  { pattern: '/cards', who: 'distributor', path: () => '/cards' },
  { pattern: '/cards/new', who: 'distributor', path: () => '/cards/new' },
  { pattern: '/cards/list', who: 'distributor', path: () => '/cards/list' },
  { pattern: '/cards/:cardNumber', who: 'distributor', path: () => `/cards/${cardNumber}` },
  { pattern: '/cards/:cardNumber/print', who: 'distributor', path: () => `/cards/${cardNumber}/print` },
  { pattern: '/area', who: 'area-admin', path: () => '/area' },
  {
    pattern: '/area/organisations/:orgId',
    who: 'area-admin',
    path: () => `/area/organisations/${area.venueId}`,
  },
  { pattern: '/area/figures', who: 'area-admin', path: () => '/area/figures' },
  { pattern: '/area/report', who: 'area-admin', path: () => '/area/report' },
  { pattern: '/area/audit', who: 'area-admin', path: () => '/area/audit' },
  { pattern: '/area/flags', who: 'area-admin', path: () => '/area/flags' },
  { pattern: '/national', who: 'admin', path: () => '/national' },
  { pattern: '/national/areas', who: 'admin', path: () => '/national/areas' },
  { pattern: '/national/areas/:areaId', who: 'admin', path: () => `/national/areas/${area.areaId}` },
  {
    pattern: '/national/areas/:areaId/organisations/:orgId',
    who: 'admin',
    path: () => `/national/areas/${area.areaId}/organisations/${area.venueId}`,
  },
  { pattern: '/national/figures', who: 'admin', path: () => '/national/figures' },
  { pattern: '/national/snapshots', who: 'admin', path: () => '/national/snapshots' },
  { pattern: '/national/audit', who: 'admin', path: () => '/national/audit' },
  { pattern: '/national/flags', who: 'admin', path: () => '/national/flags' },
  { pattern: '/snapshots', who: 'partner', path: () => '/snapshots' },
  // Not a page of the app: the "not found" page has the footer too.
  { pattern: '(not found)', who: 'visitor', path: () => '/no-such-page' },
];

const homes: Record<Exclude<Who, 'visitor'>, string> = {
  venue: '/desk',
  distributor: '/cards',
  'area-admin': '/area',
  admin: '/national',
  partner: '/snapshots',
};

async function pageOf(who: Who): Promise<Page> {
  // No language given: the app starts in Finnish and keeps the one chosen across the page loads below.
  const next = await web.open();
  if (who === 'visitor') {
    await next.page.goto('/');
    return next.page;
  }
  const key = {
    venue: area.venueKey,
    distributor: area.distributorKey,
    'area-admin': area.areaAdminKey,
    admin: web.service.adminKey,
    partner: await web.service.partnerKey(),
  }[who];
  await signIn(next.page, web.service, key, homes[who]);
  return next.page;
}

/** The footer's help link and the support e-mail and phone, in the page's language. */
async function expectHelpAndSupport(page: Page, lang: Language) {
  const t = textsOf(lang);
  const footer = page.getByRole('contentinfo');
  const help = footer.getByRole('link', { name: t('help.link'), exact: true });
  await help.waitFor();
  expect(await help.getAttribute('href')).toBe('/help');
  const email = footer.getByRole('link', { name: supportContact.email });
  expect(await email.getAttribute('href')).toBe(`mailto:${supportContact.email}`);
  const phoneLink = footer.getByRole('link', { name: supportContact.phone });
  expect(await phoneLink.getAttribute('href')).toBe(telLink(supportContact.phone));
  expect(await footer.textContent()).toContain(t('support.contact'));
  expect(await footer.textContent()).toContain(t('support.phone'));
}

describe('help and support', () => {
  it('every page has the help link and the support contact, in Finnish, Swedish and English', async () => {
    const visited = new Set(visits.map((visit) => visit.pattern));
    expect(declaredPatterns().filter((pattern) => !visited.has(pattern))).toEqual([]);

    for (const who of ['visitor', 'venue', 'distributor', 'area-admin', 'admin', 'partner'] as const) {
      const page = await pageOf(who);
      for (const lang of languages) {
        await page.setViewportSize(lang === 'fi' ? phone : tablet);
        await chooseLanguage(page, lang);
        for (const visit of visits.filter((each) => each.who === who)) {
          await page.goto(visit.path());
          await page.locator('main h1').first().waitFor();
          await expectHelpAndSupport(page, lang);
          // Each page once through axe (the footer is the same on all).
          if (lang === 'fi') await expectAxeClean(page);
        }
      }
    }
    expect(web.problems()).toEqual([]);
  });

  it('the help page explains each group’s tasks and refusals, the own role first, in each language', async () => {
    const { page } = await web.open('fi', { viewport: phone });
    await signIn(page, web.service, area.venueKey, '/desk');

    // From the desk to help with the keyboard: the help page's heading has the focus.
    await page
      .getByRole('contentinfo')
      .getByRole('link', { name: textsOf('fi')('help.link') })
      .focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/help');
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent?.trim()))
      .toBe(textsOf('fi')('help.title'));

    for (const lang of languages) {
      const t = textsOf(lang);
      for (const viewport of [phone, tablet]) {
        await page.setViewportSize(viewport);
        await chooseLanguage(page, lang);
        await page.getByRole('heading', { level: 1, name: t('help.title') }).waitFor();
        // Every group, each with its tasks and what to do when refused; the desk's own first.
        const topics = await page.locator('section.help > section > h2').allTextContents();
        expect(topics).toEqual([
          t('help.desk.title'),
          t('help.public.title'),
          t('help.distributor.title'),
          t('help.area.title'),
          t('help.national.title'),
          t('support.title'),
        ]);
        expect(await page.getByRole('heading', { level: 3, name: t('help.tasks') }).count()).toBe(5);
        expect(await page.getByRole('heading', { level: 3, name: t('help.refused') }).count()).toBe(5);
        await page.getByText(t('help.desk.refused2')).waitFor();
        await page.getByText(t('help.distributor.task1')).waitFor();
        const support = page.locator('#help-support');
        await support.getByRole('link', { name: supportContact.email }).waitFor();
        await support.getByRole('link', { name: supportContact.phone }).waitFor();
        // The contents' links lead to each group.
        await page.getByRole('link', { name: t('help.area.title'), exact: true }).click();
        await page.waitForURL('**/help#help-area');
        await expectAxeClean(page);
        const sideways = await page.evaluate(() => {
          const root = (globalThis as any).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        expect(sideways).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize(tablet);
      await screenshot(page, `help-${lang}`);
      await page.setViewportSize(phone);
      await screenshot(page, `help-phone-${lang}`);
    }

    // A visitor sees the groups in their usual order, the cardholder's first.
    const visitor = await web.open('sv');
    await visitor.page.goto('/help');
    const sv = textsOf('sv');
    await visitor.page.getByRole('heading', { level: 1, name: sv('help.title') }).waitFor();
    expect(await visitor.page.locator('section.help > section > h2').first().textContent()).toBe(
      sv('help.public.title'),
    );
    expect(web.problems()).toEqual([]);
  });
});
