// Issue 9, "Anyone can stop a municipality from joining": the limit of waiting applications is per client
// (its address; an IPv6 /64 is one client), never per municipality, so one client's applications cannot
// make another's fail; the national centre sees which applications came from one client and rejects them
// all in one request. Clients are told apart by CloudFront-Viewer-Address, as CloudFront sends it in AWS
// (here sent with the origin secret, as CloudFront passes it on: test/support/service.ts viaCloudFront).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalities } from '../../shared/domain/codes.ts';
import { originHeader } from '../../shared/http/origin.ts';
import { applicationKey, legacySourceSecretKey } from '../../shared/store/keys.ts';
import {
  type ApplicationBody,
  applicationBody,
  expectError,
  getItem,
  originSecret,
  type Reply,
  scanTable,
  startTestService,
  type TestService,
} from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const codesOf = (welfareArea: string) =>
  Object.entries(municipalities)
    .filter(([, municipality]) => municipality.welfareArea === welfareArea)
    .map(([code]) => code);

/**
 * The header CloudFront adds (address and source port), with the origin secret as CloudFront sends it;
 * without an address, the request comes straight from this process: the socket's address (127.0.0.1).
 */
async function submitFrom(address: string | undefined, body: ApplicationBody): Promise<Reply> {
  // A gateway of its own: the route's throttle (burst 5) is per gateway and not the point here.
  const gateway = await service.gateway();
  try {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    return await gateway.call('POST', '/v1/applications', {
      body: applicationBody(body),
      ...(address !== undefined && {
        headers: { [originHeader]: originSecret(), 'cloudfront-viewer-address': `${address}:${port}` },
      }),
    });
  } finally {
    await gateway.close();
  }
}

const admin = <T = any>(method: string, path: string, body?: unknown) =>
  service.call<T>(method, path, { key: service.adminKey, ...(body !== undefined && { body }) });
const pending = async () =>
  (await admin('GET', '/v1/applications?status=pending&limit=500')).body.items as any[];
const sourceOf = async (id: string) => (await pending()).find((item) => item.id === id)?.source as string;
const rejectPending = (body: unknown) => admin('POST', '/v1/applications/reject-pending', body);
const claim = (id: string, claimToken: string) =>
  service.call('GET', `/v1/applications/${id}`, { headers: { 'x-claim-token': claimToken } });

// Every address a test below sends from: none of them may be stored.
const addresses = {
  spammer: '203.0.113.7',
  spammers: ['203.0.113.8', '203.0.113.9', '203.0.113.10'],
  genuine: '198.51.100.20',
  full: '198.51.100.30',
  decided: '198.51.100.40',
  many: '198.51.100.50',
  other: '198.51.100.60',
  ids: '198.51.100.70',
  v6: ['2001:db8:a:b::1', '2001:db8:a:b:ffff:1:2:3', '2001:0db8:000a:000b:0:0:0:99'],
  v6Neighbour: '2001:db8:a:c::1',
};

describe('one client cannot block applications for others', () => {
  it('gives the applications of one client one source and of another another, even when they arrive at once', async () => {
    // The key of the sources is in Secrets Manager (test/e2e/edge-origin.test.ts), never in the table.
    expect(await getItem(legacySourceSecretKey)).toBeUndefined();
    const ks = codesOf('KS').slice(10, 14);
    const replies = await Promise.all(
      ['192.0.2.201', '192.0.2.201', '192.0.2.202', '192.0.2.202'].map(async (address, index) => {
        const body = { municipalityCodes: [ks[index]!], welfareArea: 'KS' };
        const first = await submitFrom(address, body);
        // Two at once on one client's item may conflict past the retries: 429, retried as the contract says.
        if (first.status !== 429) return first;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return submitFrom(address, body);
      }),
    );
    expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201, 201]);
    const sources = await Promise.all(replies.map((reply) => sourceOf(reply.body.id)));
    expect(sources[0]).toBe(sources[1]);
    expect(sources[2]).toBe(sources[3]);
    expect(sources[0]).not.toBe(sources[2]);
    const items = await scanTable();
    expect(items.filter((item) => item.entity === 'secret' || String(item.pk).startsWith('SECRET#'))).toEqual(
      [],
    );
  });

  it('applications naming every municipality of a welfare area, sent many times, do not make a genuine application fail', async () => {
    const lu = codesOf('LU');
    expect(lu).toHaveLength(10);
    const everything = { areaName: 'Spam', municipalityCodes: lu, welfareArea: 'LU' };
    // One client tries ten times: three wait, the rest are refused (its own limit, nobody else's).
    const replies: Reply[] = [];
    for (let attempt = 0; attempt < 10; attempt++)
      replies.push(await submitFrom(addresses.spammer, everything));
    expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201, ...Array(7).fill(409)]);
    // More addresses, three more each: the municipalities are named in twelve waiting applications.
    for (const address of addresses.spammers)
      for (let attempt = 0; attempt < 3; attempt++)
        expect((await submitFrom(address, everything)).status).toBe(201);
    // The genuine application of Lohja and Vihti, from its own address, goes through.
    const genuine = await submitFrom(addresses.genuine, {
      areaName: 'Lohja ja Vihti',
      municipalityCodes: ['444', '927'],
      welfareArea: 'LU',
    });
    expect(genuine.status).toBe(201);
    expect(genuine.body.status).toBe('pending');
    // So does one naming the whole welfare area again.
    expect((await submitFrom(addresses.other, everything)).status).toBe(201);
  });

  it('keeps at most 3 applications of one client waiting: the 4th is 409 CONFLICT in the contract shape and changes nothing', async () => {
    const ks = codesOf('KS');
    for (const code of ks.slice(0, 3))
      expect(
        (await submitFrom(addresses.full, { municipalityCodes: [code], welfareArea: 'KS' })).status,
      ).toBe(201);
    const before = await scanTable();
    const fourth = await submitFrom(addresses.full, { municipalityCodes: [ks[3]!], welfareArea: 'KS' });
    expectError(fourth, 409, 'CONFLICT');
    expect(Object.keys(fourth.body).sort()).toEqual(['error', 'requestId']);
    expect(fourth.body.error.message).toMatch(/3 applications waiting for a decision/);
    expect(fourth.text).not.toContain(addresses.full);
    expect(await scanTable()).toEqual(before);
  });

  it('counts an IPv6 /64 as one client, and the next /64 as another', async () => {
    const pp = codesOf('PP');
    const sent = await Promise.all(
      addresses.v6.map((address, index) =>
        submitFrom(address, { municipalityCodes: [pp[index]!], welfareArea: 'PP' }),
      ),
    );
    expect(sent.map((reply) => reply.status)).toEqual([201, 201, 201]);
    const sources = new Set(await Promise.all(sent.map((reply) => sourceOf(reply.body.id))));
    expect(sources.size).toBe(1);
    expectError(
      await submitFrom('2001:db8:a:b:1234::5', { municipalityCodes: [pp[3]!], welfareArea: 'PP' }),
      409,
      'CONFLICT',
    );
    const neighbour = await submitFrom(addresses.v6Neighbour, {
      municipalityCodes: [pp[3]!],
      welfareArea: 'PP',
    });
    expect(neighbour.status).toBe(201);
    expect(await sourceOf(neighbour.body.id)).not.toBe([...sources][0]);
  });

  it('admits no more than 3 of one client even when they arrive at once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 7 }, () =>
        submitFrom(addresses.many, { municipalityCodes: ['179'], welfareArea: 'KS' }),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409]);
    for (const reply of replies.filter((candidate) => candidate.status === 409))
      expectError(reply, 409, 'CONFLICT');
    const ids = replies.filter((reply) => reply.status === 201).map((reply) => reply.body.id);
    expect(new Set(await Promise.all(ids.map(sourceOf))).size).toBe(1);
  });

  it('frees a place when one of the client’s applications is rejected or approved', async () => {
    const sa = codesOf('SA');
    const applied: string[] = [];
    for (const code of sa.slice(0, 3)) {
      const reply = await submitFrom(addresses.decided, { municipalityCodes: [code], welfareArea: 'SA' });
      expect(reply.status).toBe(201);
      applied.push(reply.body.id);
    }
    expectError(
      await submitFrom(addresses.decided, { municipalityCodes: [sa[3]!], welfareArea: 'SA' }),
      409,
      'CONFLICT',
    );
    // A rejection frees one place.
    expect(
      (await admin('POST', `/v1/applications/${applied[0]}/reject`, { reason: 'Apply as one area.' })).status,
    ).toBe(200);
    expect(
      (await submitFrom(addresses.decided, { municipalityCodes: [sa[3]!], welfareArea: 'SA' })).status,
    ).toBe(201);
    expectError(
      await submitFrom(addresses.decided, { municipalityCodes: [sa[4]!], welfareArea: 'SA' }),
      409,
      'CONFLICT',
    );
    // So does an approval.
    expect((await admin('POST', `/v1/applications/${applied[1]}/approve`, {})).status).toBe(200);
    expect(
      (await submitFrom(addresses.decided, { municipalityCodes: [sa[4]!], welfareArea: 'SA' })).status,
    ).toBe(201);
    // A decided application shows no source any more.
    const rejected = await admin('GET', '/v1/applications?status=rejected&limit=500');
    expect(rejected.body.items.find((item: any) => item.id === applied[0])).not.toHaveProperty('source');
    expect(await getItem(applicationKey(applied[0]!))).not.toHaveProperty('source');
  });

  it('tells clients apart by the socket address when CloudFront-Viewer-Address is absent or malformed', async () => {
    const ep = codesOf('EP');
    const local: string[] = [];
    for (const code of ep.slice(0, 3)) {
      const reply = await submitFrom(undefined, { municipalityCodes: [code], welfareArea: 'EP' });
      expect(reply.status).toBe(201);
      local.push(reply.body.id);
    }
    expectError(
      await submitFrom(undefined, { municipalityCodes: [ep[3]!], welfareArea: 'EP' }),
      409,
      'CONFLICT',
    );
    // A value that is not an address is no new identity: it counts as the socket's address (and a viewer's
    // own CloudFront-Viewer-Address is replaced by the gateway anyway, as CloudFront replaces it).
    const gateway = await service.gateway();
    try {
      const malformed = await gateway.call('POST', '/v1/applications', {
        body: applicationBody({ municipalityCodes: [ep[3]!], welfareArea: 'EP' }),
        headers: { 'cloudfront-viewer-address': 'not an address' },
      });
      expectError(malformed, 409, 'CONFLICT');
    } finally {
      await gateway.close();
    }
    expect((await rejectPending({ reason: 'Test cleanup.', ids: local })).body.rejected.sort()).toEqual(
      local.sort(),
    );
  });
});

describe('the national centre sees where applications came from and clears them in one request', () => {
  it('rejects every waiting application of one source, each with its audit entry, and leaves the others waiting', async () => {
    const ka = codesOf('KA');
    const spam: { id: string; claimToken: string }[] = [];
    for (let n = 0; n < 3; n++) {
      const reply = await submitFrom('192.0.2.77', {
        areaName: `Spam ${n}`,
        municipalityCodes: ka,
        welfareArea: 'KA',
      });
      expect(reply.status).toBe(201);
      spam.push(reply.body);
    }
    const genuine = await submitFrom('192.0.2.78', { municipalityCodes: [ka[0]!], welfareArea: 'KA' });
    expect(genuine.status).toBe(201);

    const listed = await pending();
    const spamSource = listed.find((item) => item.id === spam[0]!.id)!.source;
    expect(spamSource).toMatch(/^[A-Za-z0-9_-]{16}$/);
    for (const { id } of spam) expect(listed.find((item) => item.id === id)?.source).toBe(spamSource);
    const genuineSource = listed.find((item) => item.id === genuine.body.id)!.source;
    expect(genuineSource).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(genuineSource).not.toBe(spamSource);

    const reply = await rejectPending({
      reason: 'Not an application of a municipality.',
      source: spamSource,
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['rejected', 'skipped']);
    expect([...reply.body.rejected].sort()).toEqual(spam.map(({ id }) => id).sort());
    expect(reply.body.skipped).toEqual([]);

    const after = await pending();
    expect(after.some((item) => spam.some(({ id }) => id === item.id))).toBe(false);
    expect(after.find((item) => item.id === genuine.body.id)).toMatchObject({
      status: 'pending',
      source: genuineSource,
    });
    for (const { id, claimToken } of spam)
      expect((await claim(id, claimToken)).body).toEqual({
        id,
        status: 'rejected',
        reason: 'Not an application of a municipality.',
      });
    const audit = (await admin('GET', '/v1/audit?limit=500')).body.items as any[];
    for (const { id } of spam)
      expect(audit.filter((entry) => entry.target === `application/${id}`)).toEqual([
        {
          at: expect.any(String),
          actor: { kind: 'key', orgId: 'national-centre', keyId: expect.any(String), role: 'admin' },
          action: 'application.rejected',
          target: `application/${id}`,
        },
      ]);
    // The client's places are free again; the same request again finds nothing to reject.
    expect((await submitFrom('192.0.2.77', { municipalityCodes: [ka[1]!], welfareArea: 'KA' })).status).toBe(
      201,
    );
    const again = await rejectPending({ reason: 'Again.', source: 'AAAAAAAAAAAAAAAA' });
    expect(again.body).toEqual({ rejected: [], skipped: [] });
  });

  it('rejects the listed ids and says why it skipped the others', async () => {
    const pi = codesOf('PI');
    const waiting: string[] = [];
    for (const code of pi.slice(0, 2)) {
      const reply = await submitFrom(addresses.ids, { municipalityCodes: [code], welfareArea: 'PI' });
      expect(reply.status).toBe(201);
      waiting.push(reply.body.id);
    }
    const decided = await submitFrom(addresses.ids, { municipalityCodes: [pi[2]!], welfareArea: 'PI' });
    expect(
      (await admin('POST', `/v1/applications/${decided.body.id}/reject`, { reason: 'No.' })).status,
    ).toBe(200);
    const reply = await rejectPending({
      reason: 'Duplicate applications.',
      ids: [...waiting, decided.body.id, 'appdoesnotexist0'],
    });
    expect(reply.status).toBe(200);
    expect([...reply.body.rejected].sort()).toEqual([...waiting].sort());
    expect(reply.body.skipped).toEqual([
      { id: decided.body.id, reason: 'already decided' },
      { id: 'appdoesnotexist0', reason: 'not found' },
    ]);
    for (const id of waiting) expect((await getItem(applicationKey(id)))?.status).toBe('rejected');
  });

  it('refuses bad bodies with 400 VALIDATION_FAILED and other roles with 403, changing nothing', async () => {
    const waiting = await submitFrom('192.0.2.99', { municipalityCodes: ['091'], welfareArea: 'HKI' });
    expect(waiting.status).toBe(201);
    const id = waiting.body.id as string;
    const source = await sourceOf(id);
    const area = await service.area();
    const others = [area.areaAdminKey, area.distributorKey, area.venueKey, await service.partnerKey()];
    const before = await scanTable();
    const cases: Array<[unknown, string]> = [
      [{ source }, 'reason'],
      [{ reason: '', source }, 'reason'],
      [{ reason: 'No.' }, 'source'],
      [{ reason: 'No.', source, ids: [id] }, 'source'],
      [{ reason: 'No.', ids: [] }, 'ids'],
      [{ reason: 'No.', ids: Array.from({ length: 101 }, (_, n) => `app${n}`) }, 'ids'],
      [{ reason: 'No.', ids: [id, id] }, 'ids[1]'],
      [{ reason: 'No.', ids: ['not/an id'] }, 'ids[0]'],
      [{ reason: 'No.', source: 'short' }, 'source'],
      [{ reason: 'No.', source, unexpected: true }, 'unexpected'],
    ];
    for (const [body, field] of cases)
      expectError(await rejectPending(body), 400, 'VALIDATION_FAILED', [field]);
    expectError(
      await rejectPending({ reason: 'Henkilötunnus 131052-308T', source }),
      400,
      'PERSONAL_DATA_NOT_ALLOWED',
    );
    for (const key of others)
      expectError(
        await service.call('POST', '/v1/applications/reject-pending', {
          key,
          body: { reason: 'No.', source },
        }),
        403,
        'FORBIDDEN',
      );
    const anonymous = await service.call('POST', '/v1/applications/reject-pending', {
      body: { reason: 'No.', source },
    });
    expect(anonymous.status).toBe(401);
    expect(await scanTable()).toEqual(before);
  });
});

describe('no address is stored', () => {
  it('keeps only a keyed hash of the client in the table, never an address or its plain hash', async () => {
    const items = await scanTable();
    const text = JSON.stringify(items);
    const sent = [
      addresses.spammer,
      ...addresses.spammers,
      addresses.genuine,
      addresses.full,
      addresses.decided,
      addresses.many,
      addresses.other,
      addresses.ids,
      ...addresses.v6,
      addresses.v6Neighbour,
      '192.0.2.77',
      '192.0.2.78',
      '192.0.2.99',
      '192.0.2.201',
      '192.0.2.202',
      '127.0.0.1',
    ];
    for (const address of sent) {
      expect(text).not.toContain(address);
      for (const encoding of ['hex', 'base64url', 'base64'] as const)
        expect(text).not.toContain(createHash('sha256').update(address).digest(encoding).slice(0, 16));
    }
    // IPv6 prefixes in any spelling.
    expect(text).not.toMatch(/2001:0?db8/i);
    const applications = items.filter((item) => item.entity === 'application' && item.status === 'pending');
    expect(applications.length).toBeGreaterThan(10);
    for (const application of applications) expect(application.source).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
