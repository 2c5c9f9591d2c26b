// What every browser test file starts with: Chromium launched, the web app built, a service with its own
// identity provider started, the pages the file opens kept so that it can check none of them saw a problem,
// and everything closed after the file. Call browserSuite() at the top of the file, before the file's own
// hooks: its beforeAll runs first (vitest runs beforeAll hooks in the order they were registered) and its
// afterAll last, after the file's own.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureWebBuild } from '../../../scripts/build-web.ts';
import {
  type BrowserService,
  type Language,
  launchBrowser,
  type OpenPage,
  openPage,
  seriousViolations,
  startBrowserService,
} from './browser.ts';

export interface BrowserSuite {
  /** The service the app is served by (available from the file's own beforeAll on). */
  readonly service: BrowserService;
  readonly browser: Browser;
  /** Every page `open` gave. */
  readonly opened: readonly OpenPage[];
  /**
   * A page in a fresh context (openPage), in `language` and at `viewport` when given, kept in `opened`; of
   * the suite's browser unless `browser` names another (one with a fake camera).
   */
  open(language?: Language, options?: PageOptions): Promise<OpenPage>;
  /** CSP violations, page errors and console errors seen so far on every page `open` gave. */
  problems(): string[];
}

export interface PageOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly browser?: Browser;
}

export function browserSuite(setupTimeoutMs = 180_000): BrowserSuite {
  let service: BrowserService | undefined;
  let browser: Browser | undefined;
  const opened: OpenPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    await ensureWebBuild();
    service = await startBrowserService();
  }, setupTimeoutMs);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is not started yet: browserSuite()'s beforeAll has not run`);
    return value;
  };
  return {
    get service() {
      return started(service, 'the service');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    opened,
    async open(language, { viewport, browser: other } = {}) {
      const next = await openPage(
        other ?? started(browser, 'the browser'),
        started(service, 'the service').url,
        language,
      );
      opened.push(next);
      if (viewport) await next.page.setViewportSize(viewport);
      return next;
    },
    problems: () => opened.flatMap((next) => next.problems),
  };
}

/** axe finds nothing serious or critical on the page as it is now. */
export async function expectAxeClean(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}
