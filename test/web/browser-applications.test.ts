import { describe, expect, it, vi } from 'vitest';
import { originHeader } from '../../shared/http/origin.ts';
import { applicationBody, clientAddress, originSecret } from '../support/service.ts';
import { signIn, textsOf } from './support/browser.ts';
import { browserSuite, expectAxeClean } from './support/browser-suite.ts';

vi.setConfig({ testTimeout: 120_000 });

const web = browserSuite();

const t = textsOf('fi');

/** An application from the n-th client, as CloudFront passes it on. */
async function applyFrom(client: number, areaName: string, codes: string[], welfareArea: string) {
  const gateway = await web.service.gateway();
  try {
    const reply = await gateway.call('POST', '/v1/applications', {
      body: applicationBody({ areaName, municipalityCodes: codes, welfareArea }),
      headers: { [originHeader]: originSecret(), 'cloudfront-viewer-address': clientAddress(client) },
    });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  } finally {
    await gateway.close();
  }
}

describe('the national centre’s applications page (fi)', () => {
  it('groups the waiting applications by source and rejects a source’s applications in one action', async () => {
    for (let n = 0; n < 3; n++) await applyFrom(90_001, `Roskaa ${n}`, ['091'], 'HKI');
    await applyFrom(90_002, 'Toinen roska', ['091'], 'HKI');
    await applyFrom(90_003, 'Oulun seudun kulttuuri', ['564'], 'PP');
    const { page, context, problems } = await web.open('fi');
    try {
      await signIn(page, web.service, web.service.adminKey, '/national');
      await page.getByText(t('applications.waiting', { count: 5 })).waitFor();
      const sources = page.getByRole('table');
      await sources.waitFor();
      // Three sources, the largest first: count, oldest and newest on each row.
      const rows = sources.locator('tbody tr');
      expect(await rows.count()).toBe(3);
      const spamRow = rows.first();
      expect(await spamRow.locator('td').nth(1).textContent()).toBe('3');
      expect((await spamRow.locator('td').nth(2).textContent())?.trim()).not.toBe('');
      expect((await spamRow.locator('td').nth(3).textContent())?.trim()).not.toBe('');
      await expectAxeClean(page);

      await spamRow.getByRole('button', { name: t('applications.rejectSource', { count: 3 }) }).click();
      await spamRow.getByLabel(t('applications.reason')).fill('Roskahakemuksia samasta osoitteesta.');
      await spamRow
        .getByRole('button', { name: t('applications.confirmRejectSource', { count: 3 }) })
        .click();
      await page.getByText(t('applications.decided', { count: 3 })).waitFor();
      await page.getByText(t('applications.waiting', { count: 2 })).waitFor();
      for (let n = 0; n < 3; n++)
        expect(await page.getByRole('article', { name: `Roskaa ${n}` }).count()).toBe(0);
      await page.getByRole('article', { name: 'Oulun seudun kulttuuri' }).waitFor();
      expect(await rows.count()).toBe(2);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
    // Each rejected with the reason its applicant sees.
    const rejected = await web.service.call('GET', '/v1/applications?status=rejected&limit=10', {
      key: web.service.adminKey,
    });
    expect(rejected.body.items).toHaveLength(3);
    for (const item of rejected.body.items) expect(item.reason).toBe('Roskahakemuksia samasta osoitteesta.');
  });
});
