// Issue 17, "spam hides genuine applications": after 113 spam applications and one genuine, the national
// centre reaches every waiting application by paging (nextCursor), and rejects a spam source's
// applications in one call, each rejected with the reason its applicant sees.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { municipalities } from '../../shared/domain/codes.ts';
import { originHeader } from '../../shared/http/origin.ts';
import {
  applicationBody,
  clientAddress,
  originSecret,
  type Reply,
  startTestService,
  type TestService,
} from '../support/service.ts';

// Over a hundred applications, each through a gateway of its own, on a shared machine.
vi.setConfig({ testTimeout: 240_000 });

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const pirkanmaa = Object.entries(municipalities)
  .filter(([, municipality]) => municipality.welfareArea === 'PI')
  .map(([code]) => code);

/** One application from the n-th client, as CloudFront passes it on, on a gateway of its own. */
async function applyFrom(client: number, areaName: string): Promise<Reply> {
  const gateway = await service.gateway();
  try {
    return await gateway.call('POST', '/v1/applications', {
      body: applicationBody({ areaName, municipalityCodes: pirkanmaa, welfareArea: 'PI' }),
      headers: { [originHeader]: originSecret(), 'cloudfront-viewer-address': clientAddress(client) },
    });
  } finally {
    await gateway.close();
  }
}

const admin = (method: string, path: string, body?: unknown) =>
  service.call(method, path, { key: service.adminKey, ...(body !== undefined && { body }) });

describe('the national centre reaches every application behind spam', () => {
  it('pages to the genuine application after 113 spam ones, and rejects a spam source in one call', async () => {
    const spam: { id: string; claimToken: string; client: number }[] = [];
    // 113 spam applications from 38 clients (3 each at most, decision 0011), then the genuine one.
    for (let n = 0; n < 113; n++) {
      const client = 70_000 + Math.floor(n / 3);
      const reply = await applyFrom(client, `Roskaa ${n}`);
      expect(reply.status).toBe(201);
      spam.push({ ...reply.body, client });
    }
    const genuine = await applyFrom(80_000, 'Pirkanmaan kulttuurikumppanit');
    expect(genuine.status).toBe(201);

    // The first page of 100, all the old page showed, holds only spam.
    const first = await admin('GET', '/v1/applications?status=pending&limit=100');
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items.some((item: any) => item.id === genuine.body.id)).toBe(false);
    expect(typeof first.body.nextCursor).toBe('string');

    // Page by page (50 at a time) to the end: every application, each once, the genuine one among them.
    const seen: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await admin(
        'GET',
        `/v1/applications?status=pending&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen.map((item) => item.id)).size).toBe(114);
    const found = seen.find((item) => item.id === genuine.body.id);
    expect(found?.areaName).toBe('Pirkanmaan kulttuurikumppanit');

    // One spam source: its three applications, rejected in one call.
    const spamSource = seen.find((item) => item.id === spam[0]!.id).source as string;
    const ofSource = seen.filter((item) => item.source === spamSource).map((item) => item.id);
    expect(ofSource.sort()).toEqual(
      spam
        .slice(0, 3)
        .map((application) => application.id)
        .sort(),
    );
    const rejected = await admin('POST', '/v1/applications/reject-pending', {
      reason: 'Roskahakemus.',
      source: spamSource,
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.rejected.sort()).toEqual(ofSource.sort());
    for (const application of spam.slice(0, 3)) {
      const state = await service.call('GET', `/v1/applications/${application.id}`, {
        headers: { 'x-claim-token': application.claimToken },
      });
      expect(state.body).toMatchObject({ status: 'rejected', reason: 'Roskahakemus.' });
    }
    const after = await admin('GET', '/v1/applications?status=pending&limit=500');
    expect(after.body.items).toHaveLength(111);
    expect(after.body.items.some((item: any) => item.id === genuine.body.id)).toBe(true);
    const audit = await admin('GET', '/v1/audit?limit=500');
    const rejections = (audit.body.items as any[]).filter((entry) => entry.action === 'application.rejected');
    expect(rejections.map((entry) => entry.target).sort()).toEqual(
      ofSource.map((id: string) => `application/${id}`).sort(),
    );
  });
});
