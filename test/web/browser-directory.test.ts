// Where the card works, in Chromium: a venue writes and publishes its profile (Finnish, tablet), a visitor
// finds it from the front page without signing in, by municipality, sector and a word (Swedish, phone),
// the area admin hides it (Finnish) and it is gone; the venue is told why. axe clean, screenshots of the
// new pages, nothing wider than the phone's screen.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { OnboardedArea } from '../support/service.ts';
import { screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 400_000 });

const phone = { width: 390, height: 844 };
const tablet = { width: 1024, height: 768 };
const fi = textsOf('fi');
const sv = textsOf('sv');

let area: OnboardedArea;
let venue: { id: string; key: string };
const word = `zq${Date.now().toString(36)}`;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.onboard({
    areaName: 'Helsingin Kaikukortti',
    municipalityCodes: ['091'],
    welfareArea: 'HKI',
  });
  const created = await web.service.call('POST', `/v1/areas/${area.areaId}/organisations`, {
    key: area.areaAdminKey,
    body: {
      kind: 'venue',
      name: `Konserttitalo ${word}`,
      municipalityCode: '091',
      contactEmail: 'desk@example.org',
    },
  });
  const key = await web.service.call('POST', `/v1/organisations/${created.body.id}/keys`, {
    key: area.areaAdminKey,
    body: {},
  });
  venue = { id: created.body.id, key: key.body.apiKey };
}, 240_000);

async function open(lang: 'fi' | 'sv', viewport: { width: number; height: number }): Promise<Page> {
  const next = await web.open(lang, { viewport });
  return next.page;
}

/** Nothing on the page is wider than the window: no sideways scrolling. */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as any).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });

describe('the venue directory', () => {
  it('a venue publishes its profile; a visitor finds it on a phone in Swedish; the area admin hides it', async () => {
    // The venue, in Finnish on a tablet: the profile page from the navigation.
    const desk = await open('fi', tablet);
    await signIn(desk, web.service, venue.key, '/desk');
    await desk.getByRole('link', { name: fi('nav.profile') }).click();
    await desk.getByRole('heading', { name: fi('profile.title') }).waitFor();
    await desk.getByText(fi('profile.notListed')).waitFor();
    await desk.getByLabel(fi('profile.published')).check();
    await desk.getByLabel(fi('sector.culture')).check();
    const offer = desk.getByRole('group', { name: fi('profile.offer') });
    await offer.getByLabel(fi('profile.in.fi')).fill(`Konsertit maksutta ${word}`);
    await offer.getByLabel(fi('profile.in.sv')).fill(`Konserter gratis ${word}`);
    await desk.getByLabel(fi('profile.address')).fill('Mannerheimintie 13');
    await desk.getByLabel(fi('profile.postalCode')).fill('00100');
    // A plain-http address is refused, named at its field, and nothing is saved.
    await desk.getByLabel(fi('profile.website')).fill('http://example.org');
    await desk.getByRole('button', { name: fi('profile.save') }).click();
    await desk.locator('.problem').first().waitFor();
    expect(
      (await web.service.call('GET', `/v1/organisations/${venue.id}/profile`, { key: venue.key })).body
        .listed,
    ).toBe(false);
    await desk.getByLabel(fi('profile.website')).fill('https://example.org/konserttitalo');
    await desk
      .getByRole('group', { name: fi('profile.accessibility') })
      .getByLabel(fi('profile.in.fi'))
      .fill('Esteetön sisäänkäynti\nHissi toiseen kerrokseen');
    await desk.getByRole('button', { name: fi('profile.save') }).click();
    await desk.getByText(fi('profile.savedListed')).waitFor();
    await expectAxeClean(desk);
    await screenshot(desk, 'venue-profile-fi-tablet');
    const saved = await web.service.call('GET', `/v1/organisations/${venue.id}/profile`, { key: venue.key });
    expect(saved.body).toMatchObject({
      listed: true,
      sectors: ['culture'],
      accessibility: { fi: 'Esteetön sisäänkäynti Hissi toiseen kerrokseen' },
    });

    // A visitor, in Swedish on a phone: from the front page, without signing in.
    const visitor = await open('sv', phone);
    await visitor.goto('/');
    await visitor
      .getByRole('main')
      .getByRole('link', { name: sv('home.venues') })
      .click();
    await visitor.getByRole('heading', { name: sv('venues.title') }).waitFor();
    await visitor.getByLabel(sv('venues.municipality')).selectOption({ label: 'Helsingfors' });
    await visitor.getByLabel(sv('venues.sector')).selectOption({ label: sv('sector.culture') });
    const card = visitor.locator('li.venue', { hasText: `Konserttitalo ${word}` });
    await card.waitFor();
    // The venue's Swedish offer, its place, its website named for screen readers.
    expect(await card.textContent()).toContain(`Konserter gratis ${word}`);
    expect(await card.textContent()).toContain('Mannerheimintie 13 00100 Helsingfors');
    await card.getByRole('link', { name: sv('venues.website', { name: `Konserttitalo ${word}` }) }).waitFor();
    expect(visitor.url()).toContain('municipality=091');
    expect(visitor.url()).toContain('sector=culture');
    expect(await sidewaysOverflow(visitor)).toBeLessThanOrEqual(0);
    await expectAxeClean(visitor);
    await screenshot(visitor, 'venues-sv-phone');

    // A word of the offer finds it; another sector does not list it.
    await visitor.getByLabel(sv('venues.search')).fill(word);
    await visitor.getByRole('button', { name: sv('venues.find') }).click();
    await visitor.getByText(sv('venues.count', { count: 1 })).waitFor();
    await visitor.getByLabel(sv('venues.sector')).selectOption({ label: sv('sector.sport') });
    await visitor.getByText(sv('venues.none')).waitFor();
    await expectAxeClean(visitor);

    // The area admin, in Finnish: hides it from the venue's page, after a confirmation.
    const admin = await open('fi', tablet);
    await signIn(admin, web.service, area.areaAdminKey, '/area');
    await admin.goto(`/area/organisations/${venue.id}`);
    const listing = admin.getByRole('region', { name: fi('listing.title') });
    await listing.getByText(fi('listing.listed')).waitFor();
    await listing.getByRole('button', { name: fi('listing.hide') }).click();
    await listing.getByText(fi('listing.confirmHide')).waitFor();
    expect((await web.service.call('GET', `/v1/venues?q=${word}`)).body.items).toHaveLength(1);
    await listing.getByRole('button', { name: fi('listing.hide') }).click();
    await listing.getByText(fi('listing.hidden')).waitFor();
    await expectAxeClean(admin);
    await screenshot(admin, 'organisation-listing-fi-tablet');

    // Gone for a visitor (a new one: a browser keeps an answer up to the five minutes the service allows);
    // the venue is told it is the area's decision.
    const later = await open('sv', phone);
    await later.goto('/venues?municipality=091');
    await later.getByText(sv('venues.none')).waitFor();
    expect((await web.service.call('GET', `/v1/venues?q=${word}`)).body.items).toEqual([]);
    await desk.reload();
    await desk.getByText(fi('profile.hiddenByArea')).waitFor();
    await screenshot(desk, 'venue-profile-hidden-fi-tablet');

    // The venue's page on a phone, in Swedish: usable without sideways scrolling.
    const phoneDesk = await open('sv', phone);
    await signIn(phoneDesk, web.service, venue.key, '/desk');
    await phoneDesk.goto('/desk/profile');
    await phoneDesk.getByRole('heading', { name: sv('profile.title') }).waitFor();
    await phoneDesk.getByText(sv('profile.hiddenByArea')).waitFor();
    expect(await sidewaysOverflow(phoneDesk)).toBeLessThanOrEqual(0);
    await expectAxeClean(phoneDesk);
    await screenshot(phoneDesk, 'venue-profile-sv-phone');

    expect(web.problems()).toEqual([]);
  });
});
