// The keyboard's focus never falls to the page (issue 19, item 8), in Finnish and Swedish, on a phone
// (390×844) and a tablet (1024×768): the desk's + at the maximum, a refusal at the desk, voiding a use; a
// refused new card, revoking and replacing a card after their confirmation, a move to another page; removing
// a person, revoking a key and hiding a venue's profile after their confirmation. After each, the focus is
// on a meaningful element (the control that replaced the pressed one, the refusal, the notice, the new
// page's heading), never on <body>. axe clean where the page changed.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestArea } from '../support/service.ts';
import { type Language, screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 600_000 });

const viewports = {
  phone: { width: 390, height: 844 },
  tablet: { width: 1024, height: 768 },
} as const;
type Device = keyof typeof viewports;

let area: TestArea;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area({ cardLimitPerDay: 3 });
}, 240_000);

interface Focused {
  readonly tag: string;
  readonly role: string;
  readonly text: string;
}

/** The focused element: its tag (BODY when the focus fell to the page), its role and its text. */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    return {
      tag: active?.tagName ?? 'BODY',
      role: active?.getAttribute('role') ?? '',
      text: (active?.textContent ?? '').trim().replace(/\s+/g, ' '),
    };
  });

/** Waits until the focus rests on an element matching `want` (never <body>); fails naming where it is. */
async function expectFocus(page: Page, want: { tag?: string; role?: string; text?: string | RegExp }) {
  const matches = (now: Focused) =>
    now.tag !== 'BODY' &&
    (want.tag === undefined || now.tag === want.tag) &&
    (want.role === undefined || now.role === want.role) &&
    (want.text === undefined ||
      (typeof want.text === 'string' ? now.text === want.text : want.text.test(now.text)));
  let now = await focused(page);
  for (const deadline = Date.now() + 10_000; !matches(now) && Date.now() < deadline; ) {
    await page.waitForTimeout(100);
    now = await focused(page);
  }
  expect(now).toMatchObject({
    ...(want.tag && { tag: want.tag }),
    ...(want.role && { role: want.role }),
    ...(want.text && { text: typeof want.text === 'string' ? want.text : expect.stringMatching(want.text) }),
  });
  expect(now.tag).not.toBe('BODY');
}

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function press(page: Page, locator: ReturnType<Page['locator']>, key = 'Enter') {
  await locator.focus();
  await page.keyboard.press(key);
}

async function signedIn(lang: Language, key: string, home: string): Promise<Page> {
  const next = await web.open(lang);
  await signIn(next.page, web.service, key, home);
  return next.page;
}

async function deskFlow(page: Page, lang: Language, device: Device) {
  const t = textsOf(lang);
  await page.goto('/desk');
  const number = page.getByLabel(t('cardNumber.label'));
  const card = await web.service.issueCard(area, { minorChildren: 1 });
  await number.fill(card.cardNumber);
  await page.getByText(t('desk.usedToday', { uses: 0, limit: 3 })).waitFor();
  await page.getByRole('radio', { name: t('sector.culture') }).check();

  // + up to the card's allowance: at the maximum the button says so and keeps the focus.
  const more = page.getByRole('button', { name: t('desk.moreChildren') });
  await press(page, more);
  await page.keyboard.press('Enter');
  expect(await more.getAttribute('aria-disabled')).toBe('true');
  await expectFocus(page, { tag: 'BUTTON', text: '+' });

  // Recorded, then voided with the keyboard: the confirmation, then the list's heading has the focus.
  await press(page, page.getByRole('button', { name: t('desk.record') }));
  await page
    .getByRole('status')
    .filter({ hasText: t('desk.recorded', { adults: 1, children: 1, sector: t('sector.culture') }) })
    .waitFor();
  await press(page, page.getByRole('button', { name: t('uses.voidLabel', { cardNumber: card.cardNumber }) }));
  await expectFocus(page, { tag: 'BUTTON', text: t('uses.confirmVoid') });
  await page.keyboard.press('Enter');
  await page.getByText(t('uses.voidedNotice', { cardNumber: card.cardNumber })).waitFor();
  await expectFocus(page, { tag: 'H2', text: t('uses.today') });

  // Refused (revoked after the look-up): the refusal has the focus.
  const revoked = await web.service.issueCard(area);
  await number.fill(revoked.cardNumber);
  await page.getByText(t('desk.usedToday', { uses: 0, limit: 3 })).waitFor();
  await web.service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
    key: area.distributorKey,
    body: { reason: 'lost' },
  });
  await press(page, page.getByRole('button', { name: t('desk.record') }));
  await page
    .getByRole('alert')
    .filter({ hasText: t('error.CARD_REVOKED') })
    .waitFor();
  await expectFocus(page, { text: new RegExp(literally(t('error.CARD_REVOKED'))) });
  await expectAxeClean(page);
  await screenshot(page, `focus-desk-refused-${lang}-${device}`);
}

async function distributorFlow(page: Page, lang: Language, device: Device) {
  const t = textsOf(lang);
  // A refused new card (its printed number is taken), sent with Enter in a field: the refusal has the focus.
  const taken = await web.service.issueCard(area);
  await page.goto('/cards/new');
  await page.getByLabel(t('newCard.printedNumber')).fill(taken.cardNumber);
  await page.getByLabel(t('card.birthYear')).fill('1980');
  await page.getByLabel(t('card.postalCode')).fill('00100');
  await page.getByLabel(t('card.postalCode')).press('Enter');
  await page
    .getByRole('alert')
    .filter({ hasText: t('error.CARD_NUMBER_TAKEN') })
    .waitFor();
  await expectFocus(page, { role: 'alert', text: t('error.CARD_NUMBER_TAKEN') });

  // Revoke: the reason, the button, the confirmation; then the notice that it is done has the focus.
  const toRevoke = await web.service.issueCard(area);
  await page.goto(`/cards/${toRevoke.cardNumber}`);
  await page.getByLabel(t('card.revokeReason')).selectOption('other');
  await press(page, page.getByRole('button', { name: t('card.revokeSubmit'), exact: true }));
  await expectFocus(page, { tag: 'BUTTON', text: t('card.confirmRevokeSubmit') });
  await page.keyboard.press('Enter');
  await expectFocus(page, { role: 'status', text: t('card.revoked') });
  await expectAxeClean(page);
  await screenshot(page, `focus-card-revoked-${lang}-${device}`);

  // Replace: after the confirmation the new card's page opens with its heading focused.
  const toReplace = await web.service.issueCard(area);
  await page.goto(`/cards/${toReplace.cardNumber}`);
  await press(page, page.getByRole('button', { name: t('card.replaceSubmit'), exact: true }));
  await expectFocus(page, { tag: 'BUTTON', text: t('card.confirmReplaceSubmit') });
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.endsWith(toReplace.cardNumber));
  await expectFocus(page, { tag: 'H1' });

  // Another page through the menu, by keyboard: its heading has the focus.
  await press(page, page.getByRole('navigation').getByRole('link', { name: t('nav.newCard') }));
  await page.waitForURL('**/cards/new');
  await expectFocus(page, { tag: 'H1', text: t('newCard.title') });
}

async function areaAdminFlow(page: Page, lang: Language, device: Device, round: string) {
  const t = textsOf(lang);
  const name = `Poistettava ${round}`;
  const invited = await web.service.call('POST', `/v1/organisations/${area.venueId}/people`, {
    key: area.areaAdminKey,
    body: { email: `poistettava.${round}@museo.example`, name },
  });
  expect(invited.status).toBe(201);
  const keyName = `Kassa ${round}`;
  const made = await web.service.call('POST', `/v1/organisations/${area.venueId}/keys`, {
    key: area.areaAdminKey,
    body: { name: keyName },
  });
  expect(made.status).toBe(201);
  await page.goto(`/area/organisations/${area.venueId}`);
  await page.getByRole('heading', { name: t('people.title') }).waitFor();

  // Remove a person: the confirmation takes the place of the button, then the notice has the focus.
  const row = page.getByRole('row').filter({ hasText: name });
  await press(page, row.getByRole('button', { name: `${t('people.remove')} ${name}` }));
  await expectFocus(page, { tag: 'BUTTON', text: t('people.remove') });
  await page.keyboard.press('Enter');
  await expectFocus(page, { role: 'status', text: t('people.removed', { name }) });

  // Revoke a key: the same.
  await press(page, page.getByRole('button', { name: `${t('keys.revoke')} ${keyName}` }));
  await expectFocus(page, { tag: 'BUTTON', text: t('keys.confirmRevoke') });
  await page.keyboard.press('Enter');
  await expectFocus(page, { role: 'status', text: t('keys.revokedNotice', { name: keyName }) });

  // Hide the venue's profile from the public page, then show it again: the focus follows the answer.
  await press(page, page.getByRole('button', { name: t('listing.hide'), exact: true }));
  await expectFocus(page, { tag: 'BUTTON', text: t('listing.hide') });
  await page.keyboard.press('Enter');
  // The notice, or the button that now shows it again (the page reuses the button for it).
  await page
    .getByRole('status')
    .filter({ hasText: t('listing.hidden') })
    .waitFor();
  await expectFocus(page, {
    text: new RegExp(`^(${literally(t('listing.hidden'))}|${literally(t('listing.show'))})$`),
  });
  await press(page, page.getByRole('button', { name: t('listing.show'), exact: true }));
  await expect.poll(async () => (await focused(page)).tag).not.toBe('BODY');
  await page.getByRole('button', { name: t('listing.hide'), exact: true }).waitFor();
  await expect.poll(async () => (await focused(page)).tag).not.toBe('BODY');
  await expectAxeClean(page);
  await screenshot(page, `focus-organisation-${lang}-${device}`);
}

describe('the keyboard’s focus never falls to the page', () => {
  it.each(['fi', 'sv'] as const)('in %s, on a phone and on a tablet', async (lang) => {
    const desk = await signedIn(lang, area.venueKey, '/desk');
    const distributor = await signedIn(lang, area.distributorKey, '/cards');
    const areaAdmin = await signedIn(lang, area.areaAdminKey, '/area');
    for (const device of ['phone', 'tablet'] as const) {
      for (const page of [desk, distributor, areaAdmin]) await page.setViewportSize(viewports[device]);
      await deskFlow(desk, lang, device);
      await distributorFlow(distributor, lang, device);
      await areaAdminFlow(areaAdmin, lang, device, `${lang}-${device}-${Date.now().toString(36)}`);
    }
    expect(web.problems()).toEqual([]);
  });
});
