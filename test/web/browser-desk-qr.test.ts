// The printed card's QR code and the desk's camera, in Chromium, in Finnish and Swedish, on a phone
// (390×844) and a tablet (1024×768): the print view draws a code holding the card number only; Chromium's
// fake camera is fed that very code (a Y4M video made from the printed SVG); at the desk a holder without
// children is then recorded in two interactions, counted in the page: "scan", "record".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestArea } from '../support/service.ts';
import { type Language, screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';
import { drawCode, launchWithCamera, matrixOfQrSvg, writeY4m } from './support/fake-camera.ts';

vi.setConfig({ testTimeout: 240_000 });

// jsqr is CommonJS: Node's default import is its exports object, whose `default` is the function.
const jsQR = jsQRModule.default;

let area: TestArea;
let cameraBrowser: Browser | undefined;
let card: { cardNumber: string };
let qrMatrix: boolean[][];
const workDir = mkdtempSync(join(tmpdir(), 'kaiku-qr-'));

// The suite's browser prints (it has no fake camera); the desk's cameras are browsers of their own.
const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area({ cardLimitPerDay: 10 });
  // No children: one adult, the default at the desk.
  card = await web.service.issueCard(area, { minorChildren: 0 });
}, 240_000);
afterAll(async () => {
  await cameraBrowser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

const viewports = {
  phone: { width: 390, height: 844 },
  tablet: { width: 1024, height: 768 },
} as const;

/** Trusted pointer presses and key presses the page has seen since the last reset: the user's interactions. */
async function countInteractions(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const win = globalThis as any;
    win.__interactions = 0;
    const count = (event: any) => {
      if (event.isTrusted) win.__interactions += 1;
    };
    win.addEventListener('pointerdown', count, true);
    win.addEventListener('keydown', count, true);
  });
}
const focusedText = (page: Page) =>
  page.evaluate(() => ((globalThis as any).document.activeElement?.textContent ?? '').trim() as string);
const interactions = (page: Page) => page.evaluate(() => (globalThis as any).__interactions as number);
const resetInteractions = (page: Page) =>
  page.evaluate(() => {
    (globalThis as any).__interactions = 0;
  });

describe('the printed QR code', () => {
  it.each(['fi', 'sv'] as const)('holds the card number only, in %s', async (lang) => {
    const t = textsOf(lang);
    const session = await web.open(lang);
    const { page } = session;
    await signIn(page, web.service, area.distributorKey, '/cards');
    await page.goto(`/cards/${card.cardNumber}/print`);
    const code = page.getByRole('img', { name: t('qr.imageLabel', { cardNumber: card.cardNumber }) });
    await code.waitFor();
    const viewBox = (await code.getAttribute('viewBox'))!;
    const d = (await code.locator('path').getAttribute('d'))!;
    const matrix = matrixOfQrSvg(viewBox, d);
    // Decoded independently of the app (jsQR in Node, from the drawn modules): the number and nothing else.
    const grey = drawCode(matrix, 320, 320, 8);
    const rgba = new Uint8ClampedArray(320 * 320 * 4);
    grey.forEach((value, index) => {
      rgba.set([value, value, value, 255], index * 4);
    });
    expect(jsQR(rgba, 320, 320)?.data).toBe(card.cardNumber.replace(/-/g, ''));
    qrMatrix = matrix;
    await page.getByText(t('qr.printNote')).waitFor();
    await expectAxeClean(page);
    await screenshot(page, `print-card-qr-${lang}`);
  });
});

describe('scanning at the desk', () => {
  beforeAll(async () => {
    expect(qrMatrix, 'the print test made the code the camera shows').toBeDefined();
    const video = join(workDir, 'card.y4m');
    writeY4m(video, drawCode(qrMatrix, 640, 480, 10), 640, 480);
    cameraBrowser = await launchWithCamera(video);
  }, 60_000);

  const cases = (['fi', 'sv'] as const).flatMap((lang) =>
    (['phone', 'tablet'] as const).map((device) => [lang, device] as const),
  );
  it.each(cases)(
    'records a holder without children in two interactions, in %s on a %s',
    async (lang, device) => {
      const t = textsOf(lang as Language);
      const session = await web.open(lang, { viewport: viewports[device], browser: cameraBrowser! });
      const { page } = session;
      await countInteractions(page);
      await signIn(page, web.service, area.venueKey, '/desk');
      await page.getByRole('radio', { name: t('sector.culture') }).check();
      const before = (await web.service.call('GET', '/v1/usages', { key: area.venueKey })).body.items.length;

      // The decoder is not in the first JavaScript: it is fetched when the camera opens (no BarcodeDetector
      // in Chromium on Linux), and only then.
      const scripts: string[] = [];
      page.on('request', (request) => {
        if (request.resourceType() === 'script') scripts.push(request.url());
      });
      const decoderLoaded = () => scripts.some((url) => /jsqr-reader-[\w-]+\.js$/.test(url));
      expect(decoderLoaded()).toBe(false);
      await resetInteractions(page);
      // 1: scan. The camera opens, reads the card, fills the number and closes by itself.
      await page.getByRole('button', { name: t('qr.scan') }).click();
      const number = page.getByLabel(t('cardNumber.label'));
      await expect.poll(() => number.inputValue(), { timeout: 30_000 }).toBe(card.cardNumber);
      await page.getByText(t('desk.usedToday', { uses: before, limit: 10 })).waitFor();
      expect(await page.locator('video').count()).toBe(0);
      expect(decoderLoaded()).toBe(true);
      await screenshot(page, `desk-qr-scanned-${lang}-${device}`);
      await expectAxeClean(page);
      // 2: confirm.
      await page.getByRole('button', { name: t('desk.record') }).click();
      await page
        .getByRole('status')
        .filter({ hasText: t('desk.recorded', { adults: 1, children: 0, sector: t('sector.culture') }) })
        .waitFor();
      const measured = await interactions(page);
      console.log(`QR desk (${lang}, ${device}): ${measured} interactions from scan to recorded`);
      expect(measured).toBe(2);
      const after = (await web.service.call('GET', '/v1/usages', { key: area.venueKey })).body.items;
      expect(after.length).toBe(before + 1);
      expect(
        await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth),
      ).toBeLessThanOrEqual(viewports[device].width);
    },
  );

  it('refuses a code that is not a card number and keeps the focus on its one button', async () => {
    const t = textsOf('fi');
    // Another camera: it shows a QR code of a web address, not of a card.
    const video = join(workDir, 'other.y4m');
    const { encode } = await import('uqr');
    writeY4m(video, drawCode(encode('HTTPS://EXAMPLE.ORG/', { border: 4 }).data, 640, 480, 8), 640, 480);
    const otherCamera = await launchWithCamera(video);
    try {
      const session = await web.open('fi', { viewport: viewports.phone, browser: otherCamera });
      const { page } = session;
      await signIn(page, web.service, area.venueKey, '/desk');
      await page.getByRole('button', { name: t('qr.scan') }).focus();
      await page.keyboard.press('Enter');
      await page.getByText(t('qr.notACard')).waitFor({ timeout: 30_000 });
      expect(await page.getByLabel(t('cardNumber.label')).inputValue()).toBe('');
      expect(await page.locator('video').count()).toBe(1);
      // The same button closes the camera: the focus never falls to the page.
      await expect.poll(() => focusedText(page)).toBe(t('qr.close'));
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('video').count()).toBe(0);
      await expect.poll(() => focusedText(page)).toBe(t('qr.scan'));
      await expectAxeClean(page);
    } finally {
      await otherCamera.close();
    }
  });

  it('without a camera says so, typing stays, and the focus stays on the button', async () => {
    const t = textsOf('sv');
    // The print test's browser has no fake camera and no permission prompt to answer.
    const session = await web.open('sv');
    const { page } = session;
    await signIn(page, web.service, area.venueKey, '/desk');
    await page.getByRole('button', { name: t('qr.scan') }).focus();
    await page.keyboard.press('Enter');
    const problems = [t('qr.denied'), t('qr.noCamera'), t('qr.failed')];
    await expect.poll(() => page.locator('.qr-scanner .warning').count()).toBe(1);
    expect(problems).toContain((await page.locator('.qr-scanner .warning').textContent())?.trim());
    await expect.poll(() => focusedText(page)).toBe(t('qr.scan'));
    await page.getByLabel(t('cardNumber.label')).fill(card.cardNumber);
    await page.getByText(t('desk.usedToday', { uses: 4, limit: 10 })).waitFor();
  });

  it('had no page error or CSP violation', () => {
    expect(web.problems()).toEqual([]);
  });
});
