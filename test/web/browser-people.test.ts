// An organisation's people and keys in Chromium, as the area admin sees them (Finnish): invite a desk
// worker as a manager (the invitation lands in the provider's outbox), the list shows them; the worker
// signs in through the provider's pages and invites a colleague; the audit page names the worker; the area
// admin removes the colleague after a confirmation; a key gets a name and an end date, both shown. Then
// the same page in Swedish. axe clean. The area admin is a person invited into the area's organisation
// (test/web/support/browser.ts), signed in through the provider's pages with a TOTP.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { invitationTo } from '../support/identity.ts';
import type { OnboardedArea } from '../support/service.ts';
import { screenshot, signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 400_000 });

const fi = textsOf('fi');
const sv = textsOf('sv');
const run = Date.now().toString(36);
const worker = { email: `tiski.${run}@museo.example`, name: 'Tiina Tiskityöntekijä' };
const colleague = { email: `kollega.${run}@museo.example`, name: 'Kalle Kollega' };

let area: OnboardedArea;
let venueId: string;

const web = browserSuite();

beforeAll(async () => {
  area = await web.service.onboard({
    areaName: 'Vantaan Kaikukortti',
    municipalityCodes: ['092'],
    welfareArea: 'VK',
  });
  const created = await web.service.call('POST', `/v1/areas/${area.areaId}/organisations`, {
    key: area.areaAdminKey,
    body: {
      kind: 'venue',
      name: `Museo ${run}`,
      municipalityCode: '092',
      contactEmail: 'info@museo.example',
    },
  });
  venueId = created.body.id;
}, 240_000);

async function open(lang: 'fi' | 'sv'): Promise<Page> {
  const next = await web.open(lang);
  return next.page;
}

describe('an organisation’s people and keys', () => {
  it('the area admin invites, the invited manager acts and is named in the audit, a removal is confirmed', async () => {
    const page = await open('fi');
    await signIn(page, web.service, area.areaAdminKey, '/area');
    await page.goto(`/area/organisations/${venueId}`);
    await page.getByRole('heading', { name: fi('people.title') }).waitFor();
    await page.getByText(fi('people.none')).waitFor();

    // Invite the desk worker as a manager.
    // The page's venue settings have a name field too: this one is the invitation's.
    const invitation = page.getByRole('form', { name: fi('people.invite') });
    await invitation.getByLabel(fi('people.email')).fill(worker.email);
    await invitation.getByLabel(fi('people.name'), { exact: true }).fill(worker.name);
    await page.getByLabel(fi('people.managerChoice')).check();
    await page.getByRole('button', { name: fi('people.sendInvitation') }).click();
    await page.getByText(fi('people.invited', { email: worker.email })).waitFor();
    const row = page.getByRole('row').filter({ hasText: worker.email });
    // The notice comes before the list's reload: wait for the row rather than count at once.
    await row.getByRole('cell', { name: fi('people.status.invited') }).waitFor();
    await row.getByRole('cell', { name: fi('people.isManager') }).waitFor();
    await expectAxeClean(page);

    // The worker signs in through the provider's pages with the invitation and invites a colleague.
    const { identity } = web.service;
    const tokens = await signInOverHttp({
      issuer: identity.issuer,
      clientId: identity.clientId,
      redirectUri: `${web.service.url}/signed-in`,
      email: worker.email,
      password: invitationTo(identity.outboxDir, worker.email).password,
      newPassword: 'Kaiku-museo-2026-long!',
    });
    const invited = await web.service.call('POST', `/v1/organisations/${venueId}/people`, {
      key: tokens.access_token,
      body: colleague,
    });
    expect(invited.status).toBe(201);

    await page.reload();
    const workerRow = page.getByRole('row').filter({ hasText: worker.email });
    await workerRow.getByRole('cell', { name: fi('people.status.active') }).waitFor();
    await page.getByRole('row').filter({ hasText: colleague.email }).waitFor();

    // Removing asks first; cancelling keeps the person.
    const removeColleague = page.getByRole('button', { name: `${fi('people.remove')} ${colleague.name}` });
    await removeColleague.click();
    await page.getByText(fi('people.confirmRemove', { name: colleague.name })).waitFor();
    await page.getByRole('button', { name: fi('common.cancel') }).click();
    await removeColleague.click();
    await page.getByRole('button', { name: fi('people.remove'), exact: true }).click();
    await page.getByText(fi('people.removed', { name: colleague.name })).waitFor();
    await page.getByRole('row').filter({ hasText: colleague.email }).waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: worker.email }).waitFor();
    await screenshot(page, 'people-fi');

    // The audit page names the worker who invited the colleague.
    await page.goto('/area/audit');
    const invitedByWorker = page
      .getByRole('row')
      .filter({ hasText: fi('audit.action.person.invited') })
      .filter({ hasText: worker.name });
    await invitedByWorker.first().waitFor();
    await expectAxeClean(page);
  });

  it('a key gets a name and an end date, shown in the list; in Swedish too', async () => {
    const page = await open('fi');
    await signIn(page, web.service, area.areaAdminKey, '/area');
    await page.goto(`/area/organisations/${venueId}`);
    await page.getByRole('heading', { name: fi('keys.title') }).waitFor();
    await page.getByLabel(fi('keys.name')).fill('Kassa 2');
    await page.getByLabel(fi('keys.expiresOn')).fill('2099-12-31');
    await page.getByRole('button', { name: fi('keys.createButton') }).click();
    await page.locator('.secret-value').waitFor();
    const item = page.locator('ul.keys li').filter({ hasText: 'Kassa 2' });
    await item.waitFor();
    expect(await item.textContent()).toContain(fi('keys.neverUsed'));
    expect(await item.textContent()).toMatch(/2099/);
    await expectAxeClean(page);

    const swedish = await open('sv');
    await signIn(swedish, web.service, area.areaAdminKey, '/area');
    await swedish.goto(`/area/organisations/${venueId}`);
    await swedish.getByRole('heading', { name: sv('people.title') }).waitFor();
    // The people list is there in Swedish, whatever the other test left in it.
    await swedish.getByRole('columnheader', { name: sv('people.status'), exact: true }).waitFor();
    await swedish.locator('ul.keys li').filter({ hasText: 'Kassa 2' }).waitFor();
    await expectAxeClean(swedish);
    await screenshot(swedish, 'people-sv');
  });

  it('had no CSP violation, page error or console error', () => {
    expect(web.problems()).toEqual([]);
  });
});
