// Browser tests drive Debian's Chromium with playwright-core (no browser download): each page comes from a
// fresh browser context, any CSP violation or page error fails the test, and helpers sign people in (an
// invitation through the API, the identity provider's real pages, a TOTP from otplib), check a page with
// axe and write its screenshot to test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { generateSync } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { projectRoot } from '../../../infra/paths.ts';
import en from '../../../web/src/i18n/en.json' with { type: 'json' };
import fi from '../../../web/src/i18n/fi.json' with { type: 'json' };
import sv from '../../../web/src/i18n/sv.json' with { type: 'json' };
import { invitationTo, startTestIdentity, type TestIdentity } from '../../support/identity.ts';
import { startTestService, type TestService } from '../../support/service.ts';

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

/** A test service whose web app signs people in: its own identity provider, which knows the app's origin. */
export interface BrowserService extends TestService {
  /** http://localhost:<port>: the origin the provider's callback and cookies are for. */
  readonly url: string;
  readonly identity: TestIdentity;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no free port');
  return address.port;
}

export async function startBrowserService(): Promise<BrowserService> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const identity = await startTestIdentity({ webAppOrigin: origin });
  const service = await startTestService({
    identity: {
      issuer: identity.issuer,
      clientId: identity.clientId,
      userPoolId: identity.userPoolId,
      endpoint: identity.endpoint,
    },
    port,
  });
  return {
    ...service,
    url: origin,
    identity,
    async stop() {
      await service.stop();
      await identity.remove();
    },
  };
}

/** A person who signed in through the browser, with what they sign in with again. */
export interface TestPerson {
  readonly personId: string;
  readonly name: string;
  readonly email: string;
  readonly orgId: string;
  readonly role: string;
  password: string;
  totpSecret?: string;
  /** The last TOTP time step used: the provider takes each code once. */
  lastStep?: number;
}

let people = 0;

/**
 * Invites a person to the organisation of `key` through the API (as `inviterKey`, the admin's by default;
 * an area admin may invite its area's people), and returns the invitation's temporary password.
 */
export async function invitePerson(
  service: BrowserService,
  key: string,
  options: { inviterKey?: string; name?: string } = {},
): Promise<TestPerson> {
  const me = await service.call('GET', '/v1/me', { key });
  if (me.status !== 200) throw new Error(`GET /v1/me: ${me.status} ${me.text}`);
  people++;
  const name = options.name ?? `Testi Henkilö ${people}`;
  const email = `person-${people}-${Date.now()}@example.fi`;
  const invited = await service.call('POST', `/v1/organisations/${me.body.orgId}/people`, {
    key: options.inviterKey ?? service.adminKey,
    body: { email, name },
  });
  if (invited.status !== 201) throw new Error(`invitation refused: ${invited.status} ${invited.text}`);
  const { password } = invitationTo(service.identity.outboxDir, email);
  return { personId: invited.body.personId, name, email, orgId: me.body.orgId, role: me.body.role, password };
}

/** A TOTP code the provider has not seen from this person yet (waits for the next step when needed). */
export async function nextCode(person: TestPerson): Promise<string> {
  if (!person.totpSecret) throw new Error('the person has no TOTP');
  let step = Math.floor(Date.now() / 30_000);
  // The provider accepts one step either side: the next step's code may be used early.
  if (person.lastStep !== undefined && person.lastStep >= step) {
    if (person.lastStep >= step + 1)
      await new Promise((resolve) => setTimeout(resolve, (step + 1) * 30_000 - Date.now() + 200));
    step = person.lastStep + 1;
  }
  person.lastStep = step;
  return generateSync({ secret: person.totpSecret, epoch: step * 30 });
}

const roleHome: Record<string, string> = {
  admin: '/national',
  'area-admin': '/area',
  distributor: '/cards',
  venue: '/desk',
  'ticket-agent': '/desk',
  partner: '/snapshots',
};

/** Whether the role acts only with a second factor (the API answers 403 MFA_REQUIRED otherwise). */
export const needsSecondFactor = (role: string) => role === 'admin' || role === 'area-admin';

/**
 * The identity provider's pages, as a person goes through them: e-mail and password, a new password on the
 * first sign-in, the TOTP code when they have one. Ends back in the app.
 */
export async function throughProvider(page: Page, person: TestPerson): Promise<void> {
  await page.locator('#username').waitFor();
  await page.locator('#username').fill(person.email);
  await page.locator('#password').fill(person.password);
  await page.locator('form button[type="submit"]').click();
  const next = page.locator('#new-password, #code');
  // The provider's pages are all under /login; anywhere else is the app again.
  await Promise.race([next.first().waitFor(), page.waitForURL((url) => !url.pathname.startsWith('/login'))]);
  if (await page.locator('#new-password').isVisible()) {
    const chosen = `Uusi-salasana-${Math.random().toString(36).slice(2, 8)}-9X`;
    await page.locator('#new-password').fill(chosen);
    await page.locator('#confirm-password').fill(chosen);
    await page.locator('form button[type="submit"]').click();
    person.password = chosen;
  }
  if (person.totpSecret) {
    await page.locator('#code').waitFor();
    await page.locator('#code').fill(await nextCode(person));
    await page.locator('form button[type="submit"]').click();
  }
}

/**
 * A person's first sign-in to the app: the app's sign-in button, the provider's pages, and, where the role
 * needs one, a TOTP set up in the app (the QR code's otpauth:// link read, codes from otplib).
 */
export async function firstSignIn(
  page: Page,
  person: TestPerson,
  home = roleHome[person.role]!,
): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: /^(Kirjaudu|Logga in|Sign in)$/ }).click();
  await throughProvider(page, person);
  await page.waitForURL(`**${home}`);
  if (needsSecondFactor(person.role)) await enrolTotp(page, person);
}

/** The app's second-factor page (shown after 403 MFA_REQUIRED): a TOTP from the otpauth:// link. */
export async function enrolTotp(page: Page, person: TestPerson): Promise<void> {
  await page
    .getByRole('heading', {
      level: 1,
      name: /^(Toinen tunnistautumisvaihe|Andra inloggningssteget|Second sign-in step)$/,
    })
    .waitFor();
  await page
    .getByRole('button', {
      name: /^(Ota todennussovellus käyttöön|Ta i bruk en autentiseringsapp|Set up an authenticator app)$/,
    })
    .click();
  const link = await page.locator('a[href^="otpauth://"]').getAttribute('href');
  const secret = new URL(link!).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${link}`);
  person.totpSecret = secret;
  await page
    .getByLabel(/^(Sovelluksen koodi|Kod från appen|Code from the app)$/)
    .fill(await nextCode(person));
  await page.getByRole('button', { name: /^(Vahvista|Bekräfta|Confirm)$/ }).click();
  await page
    .getByRole('heading', {
      level: 1,
      name: /^(Toinen tunnistautumisvaihe|Andra inloggningssteget|Second sign-in step)$/,
    })
    .waitFor({ state: 'detached' });
}

/**
 * Signs a new person of the key's organisation in on this page (invited with the admin's key unless
 * `inviterKey` says otherwise) and waits for the role's own page, second factor set up where needed.
 */
export async function signIn(
  page: Page,
  service: BrowserService,
  key: string,
  home?: string,
  options: { inviterKey?: string; name?: string } = {},
): Promise<TestPerson> {
  const person = await invitePerson(service, key, options);
  await firstSignIn(page, person, home);
  return person;
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
