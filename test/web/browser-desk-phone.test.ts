// The desk on a phone (390×844), in Finnish and Swedish, keyboard only: before recording it shows what the
// card has used of the venue's daily limit today; the answer to a recording (success or refusal) is in
// view and announced; a void frees the limit again; a revoked card says what the holder can do; the
// focus never falls to the page (+ at the maximum, void, confirm, refusal); nothing scrolls sideways.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestArea } from '../support/service.ts';
import { type Language, screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 300_000 });

let area: TestArea;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area({ cardLimitPerDay: 2 });
}, 240_000);

async function phoneDesk(lang: Language): Promise<Page> {
  const next = await web.open(lang, { viewport: { width: 390, height: 844 } });
  await signIn(next.page, web.service, area.venueKey, '/desk');
  return next.page;
}

/** Where the keyboard's focus is: a description of the focused element (BODY means it fell to the page). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    return active
      ? `${active.tagName}${active.textContent ? ` ${active.textContent.trim().slice(0, 40)}` : ''}`
      : '';
  });

const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

/** The element is inside the window as it is scrolled now. */
const inView = (page: Page, selector: string) =>
  page.locator(selector).evaluate((element: any) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= (globalThis as any).innerHeight;
  });

describe('the desk on a phone', () => {
  it.each(['fi', 'sv'] as const)('in %s', async (lang) => {
    const t = textsOf(lang);
    const page = await phoneDesk(lang);
    const card = await web.service.issueCard(area, { minorChildren: 1 });
    const number = page.getByLabel(t('cardNumber.label'));

    // Before recording: 0 of 2 used today. Children up to the allowance with +; at the maximum the
    // button keeps the focus.
    await number.fill(card.cardNumber);
    await page.getByText(t('desk.usedToday', { uses: 0, limit: 2 })).waitFor();
    await page.getByRole('radio', { name: t('sector.culture') }).check();
    const more = page.getByRole('button', { name: t('desk.moreChildren') });
    await more.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await page.getByLabel(t('desk.children'), { exact: true }).inputValue()).toBe('1');
    expect(await more.getAttribute('aria-disabled')).toBe('true');
    await expect.poll(() => focused(page)).toBe('BUTTON +');

    // Recorded: the answer is in view and announced, the number field has the focus for the next card.
    await page.getByRole('button', { name: t('desk.record') }).click();
    const recorded = t('desk.recorded', { adults: 1, children: 1, sector: t('sector.culture') });
    await page.getByRole('status').filter({ hasText: recorded }).waitFor();
    expect(await inView(page, '.desk-outcome')).toBe(true);
    await expect.poll(() => focused(page)).toBe('INPUT');

    // The second use fills the limit: the desk says so before anyone presses record.
    await number.fill(card.cardNumber);
    await page.getByText(t('desk.usedToday', { uses: 1, limit: 2 })).waitFor();
    await page.getByRole('button', { name: t('desk.record') }).click();
    await page
      .getByRole('status')
      .filter({ hasText: t('desk.recorded', { adults: 1, children: 0, sector: t('sector.culture') }) })
      .waitFor();
    await number.fill(card.cardNumber);
    await page.getByText(t('desk.limitReached', { uses: 2, limit: 2 })).waitFor();
    expect(await page.getByRole('button', { name: t('desk.record') }).isDisabled()).toBe(true);
    await screenshot(page, `desk-phone-limit-${lang}`);

    // Today's list fits the phone; void one use: the focus moves to the confirmation, then to the list.
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const voidButton = page
      .getByRole('button', { name: t('uses.voidLabel', { cardNumber: card.cardNumber }) })
      .first();
    await voidButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe(`BUTTON ${t('uses.confirmVoid')}`);
    await page.keyboard.press('Enter');
    await page.getByText(t('uses.voidedNotice', { cardNumber: card.cardNumber })).waitFor();
    await expect.poll(() => focused(page)).toBe(`H2 ${t('uses.today')}`);
    // The void freed the limit: the card is admitted again.
    await number.fill('');
    await number.fill(card.cardNumber);
    await page.getByText(t('desk.usedToday', { uses: 1, limit: 2 })).waitFor();
    expect(await page.getByRole('button', { name: t('desk.record') }).isDisabled()).toBe(false);

    // Refused after the look-up (the card was revoked meanwhile): the refusal is in view and has the focus.
    const revoked = await web.service.issueCard(area);
    await number.fill(revoked.cardNumber);
    await page.getByText(t('desk.usedToday', { uses: 0, limit: 2 })).waitFor();
    await web.service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    await page.getByRole('button', { name: t('desk.record') }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: t('error.CARD_REVOKED') })
      .waitFor();
    expect(await inView(page, '.desk-outcome')).toBe(true);
    await expect.poll(() => focused(page)).toMatch(/^DIV/);
    // Looked up again, a revoked card says what the holder can do, and no validity beside it.
    await number.fill('');
    await number.fill(revoked.cardNumber);
    await page.getByText(t('desk.revokedHelp')).waitFor();
    const validity = t('desk.validUntil').split('{date}')[0]!.trim();
    expect(await page.locator('.card-summary').textContent()).not.toContain(validity);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await expectAxeClean(page);
    await screenshot(page, `desk-phone-revoked-${lang}`);
  });

  it('had no page error or CSP violation', () => {
    expect(web.problems()).toEqual([]);
  });
});
