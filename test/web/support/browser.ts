// Browser tests drive Debian's Chromium with playwright-core (no browser download): each page comes from a
// fresh browser context, any CSP violation or page error fails the test, and helpers sign in, check a page
// with axe and write its screenshot to test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { projectRoot } from '../../../infra/paths.ts';
import en from '../../../web/src/i18n/en.json' with { type: 'json' };
import fi from '../../../web/src/i18n/fi.json' with { type: 'json' };
import sv from '../../../web/src/i18n/sv.json' with { type: 'json' };

const candidates = [
  process.env.KAIKU_CHROMIUM,
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  // GitHub's Ubuntu runners carry Google Chrome.
  '/usr/bin/google-chrome',
].filter((path): path is string => Boolean(path));

/** Debian's Chromium, or a clear failure that says how to install it (the tests never skip). */
export function chromiumPath(): string {
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      'Chromium is missing: the browser tests need it. Install it with `apt-get install -y chromium` ' +
        '(.ci/run does), or point KAIKU_CHROMIUM at a Chromium binary.',
    );
  return found;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export const screenshotDir = join(projectRoot, 'test-results', 'screenshots');

export interface OpenPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** CSP violations, page errors and console errors seen so far. */
  readonly problems: string[];
}

/** A page in a fresh context; with `language`, the app starts in it (as if chosen on an earlier visit). */
export async function openPage(browser: Browser, baseURL: string, language?: Language): Promise<OpenPage> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 900 },
    locale: { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' }[language ?? 'fi'],
  });
  if (language)
    await context.addInitScript(
      (lang) => (globalThis as any).localStorage.setItem('kaiku.language', lang),
      language,
    );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A failed request is the app's to show (404 of a card, 401 of a bad key), not a fault of the page.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

/** Signs in on the sign-in page with a key and waits for the role's own page. */
export async function signIn(page: Page, apiKey: string, home: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel(/API-avain|API-nyckel|API key/).fill(apiKey);
  await page
    .getByRole('button', { name: /Kirjaudu|Logga in|Sign in/ })
    .last()
    .click();
  await page.waitForURL(`**${home}`);
}

export type Language = 'fi' | 'sv' | 'en';

type MessageKey = keyof typeof fi;
const catalogues: Record<Language, Record<MessageKey, string>> = { fi, sv, en };

/** The app's own text for a key, as the page shows it in that language (tests find elements by it). */
export function textsOf(lang: Language) {
  return (key: MessageKey, params: Record<string, string | number> = {}): string =>
    catalogues[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params[name] === undefined ? whole : String(params[name]),
    );
}

const languageNames: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

export async function chooseLanguage(page: Page, lang: Language): Promise<void> {
  await page.getByLabel(/^(Kieli|Språk|Language)$/).selectOption({ label: languageNames[lang] });
  await page.waitForFunction((code) => (globalThis as any).document.documentElement.lang === code, lang);
}

/** axe's serious and critical findings on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${page.url()}: ${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
