import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestArea } from '../support/service.ts';
import { type OpenPage, signIn } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 150_000 });

let area: TestArea;
let session: OpenPage;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.area();
  session = await web.open();
  await signIn(session.page, web.service, area.distributorKey, '/cards');
}, 180_000);

const cardOf = async (cardNumber: string) =>
  (await web.service.call('GET', `/v1/cards/${cardNumber}`, { key: area.distributorKey })).body;

describe('a distributor’s cards', () => {
  it('finds a card, corrects it, renews it, replaces it when lost, and prints the new one', async () => {
    const { page } = session;
    const card = await web.service.issueCard(area, { postalCode: '53100', minorChildren: 1 });
    await page.getByLabel('Kortin numero').fill(card.cardNumber.toLowerCase());
    await page.getByRole('button', { name: 'Avaa kortti' }).click();
    await page.getByRole('heading', { name: 'Kortti', exact: true }).waitFor();

    const correct = page.getByRole('region', { name: 'Korjaa tiedot' });
    await correct.getByLabel('Postinumero').fill('53200');
    await correct.getByRole('button', { name: 'Yksi lapsi lisää' }).click();
    await correct.getByLabel('Elämäntilanne (valinnainen)').selectOption({ label: 'Opiskelija' });
    await correct.getByRole('button', { name: 'Tallenna korjaus' }).click();
    await page.getByText('Tiedot korjattu.').waitFor();
    expect(await cardOf(card.cardNumber)).toMatchObject({
      postalCode: '53200',
      minorChildren: 2,
      lifeSituation: 'student',
    });

    await page.getByRole('region', { name: 'Uusi kortti 12 kuukaudeksi' }).getByRole('button').click();
    await page.getByText('Kortti uusittu.').waitFor();
    await expectAxeClean(page);

    // Replacing asks once more, saying what will happen; nothing changes before the confirmation.
    await page.getByRole('button', { name: 'Korvaa kortti', exact: true }).click();
    await page.getByText(`Korvataanko kortti ${card.cardNumber} uudella?`).waitFor();
    expect((await cardOf(card.cardNumber)).status).toBe('active');
    await expectAxeClean(page);
    await page.getByRole('button', { name: 'Kyllä, korvaa kortti' }).click();
    await page.getByText('Uusi kortti korvaa kadonneen; vanha on peruttu.').waitFor();
    await page.locator('.facts code').first().waitFor();
    const replacement = (await page.locator('.facts code').first().textContent())!.trim();
    expect(replacement).not.toBe(card.cardNumber);
    const old = await cardOf(card.cardNumber);
    expect(old).toMatchObject({ status: 'revoked', replacedBy: replacement });
    expect(await cardOf(replacement)).toMatchObject({ status: 'active', postalCode: '53200' });

    await page.getByRole('link', { name: 'Tulostusnäkymä' }).click();
    const printed = page.locator('.printed-card');
    await printed.waitFor();
    const text = (await printed.textContent()) ?? '';
    expect(text).toContain(replacement);
    expect(text).toContain('Voimassa');
    for (const personal of ['53200', '1980', 'Opiskelija']) expect(text).not.toContain(personal);
    await expectAxeClean(page);
  });

  it('revokes a card with a reason', async () => {
    const { page } = session;
    const card = await web.service.issueCard(area, { cardType: 'community' });
    await page.goto(`/cards/${card.cardNumber}`);
    // No reason is chosen in advance: the button waits for one.
    expect(await page.getByLabel('Syy').inputValue()).toBe('');
    expect(await page.getByRole('button', { name: 'Peru kortti', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('Syy').selectOption({ label: 'Väärinkäyttö' });
    await page.getByRole('button', { name: 'Peru kortti', exact: true }).click();
    // The confirmation has the focus (keyboard: Enter confirms); nothing is revoked before it.
    await page.getByText(`Perutaanko kortti ${card.cardNumber} (syy: Väärinkäyttö)?`).waitFor();
    expect((await cardOf(card.cardNumber)).status).toBe('active');
    await page.keyboard.press('Enter');
    await page.getByText('Peruttu', { exact: true }).waitFor();
    expect((await cardOf(card.cardNumber)).status).toBe('revoked');
    // A revoked card offers no more actions.
    expect(await page.getByRole('button', { name: 'Peru kortti', exact: true }).count()).toBe(0);
    expect(session.problems).toEqual([]);
  });
});
