// Municipalities joining on their own: applications, the claim token, the admin's decisions, and the
// approval transaction (one area per municipality, even when two approvals race).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { municipalities } from '../../shared/domain/codes.ts';
import { originHeader } from '../../shared/http/origin.ts';
import { findRoute } from '../../shared/http/routes.ts';
import {
  apiKeyKey,
  applicationKey,
  municipalityClaimKey,
  pendingOfSourceKey,
} from '../../shared/store/keys.ts';
import {
  applicationBody,
  clientAddress,
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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Clients of this file's own (service.apply counts from 1): one client may have only 3 applications
// waiting (test/e2e/application-spam.test.ts).
let clients = 50_000;
const newClient = () => clientAddress(++clients);

/**
 * POST /v1/applications on a gateway of its own, so that the route's throttle (burst 5) is not in the way,
 * from a new client unless one is given (as CloudFront-Viewer-Address).
 */
async function submit(body: unknown, client = newClient()): Promise<Reply> {
  const gateway = await service.gateway();
  try {
    return await gateway.call('POST', '/v1/applications', {
      body,
      // As CloudFront passes it on: with the origin secret, the gateway keeps the address it names.
      headers: { [originHeader]: originSecret(), 'cloudfront-viewer-address': client },
    });
  } finally {
    await gateway.close();
  }
}

/** The ids of the waiting applications of the client that sent this one. */
const waitingOfSameClient = async (id: string) => {
  const source = (await getItem(applicationKey(id)))?.source;
  expect(source).toMatch(/^[A-Za-z0-9_-]{16}$/);
  return [...((await getItem(pendingOfSourceKey(source)))?.applicationIds ?? [])].sort();
};

const claim = (id: string, token: string | undefined) =>
  service.call('GET', `/v1/applications/${id}`, { headers: token ? { 'x-claim-token': token } : {} });
const approve = (id: string) =>
  service.call('POST', `/v1/applications/${id}/approve`, { key: service.adminKey, body: {} });
const reject = (id: string, reason = 'Please apply together with your welfare area.') =>
  service.call('POST', `/v1/applications/${id}/reject`, { key: service.adminKey, body: { reason } });
const auditToday = async () =>
  (await service.call('GET', '/v1/audit?limit=500', { key: service.adminKey })).body.items as any[];

// Municipalities used below, each in one test only (a municipality joins one area, once):
// Western Uusimaa (LU): 049 Espoo, 078 Hanko, 149 Inkoo, 224 Karkkila, 235 Kauniainen, 257 Kirkkonummi,
// 444 Lohja, 710 Raasepori, 755 Siuntio, 927 Vihti; South Karelia (EK) 153, 405, 416, 441, 580, 689, 700,
// 739, 831; Pirkanmaa (PI) 108, 143, 211; Southwest Finland (VS) and Satakunta (SA) for the races;
// Central Finland (KS) for the limit of waiting applications; all of North Ostrobothnia (PP) at once.
// (test/e2e/application-spam.test.ts has the spam of issue 9 and rejecting many at once.)

describe('POST /v1/applications', () => {
  it('accepts an application: 201 {id, status: pending, claimToken}; only the hash of the token is stored', async () => {
    const reply = await submit(
      applicationBody({ areaName: 'Espoo ja Kauniainen', municipalityCodes: ['049', '235'] }),
    );
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(['claimToken', 'id', 'status']);
    expect(reply.body.status).toBe('pending');
    const { id, claimToken } = reply.body;
    // At least 256 random bits.
    expect(Buffer.from(claimToken.replace(/^ct\./, ''), 'base64url').length).toBeGreaterThanOrEqual(32);
    const stored = await getItem(applicationKey(id));
    expect(stored).toMatchObject({
      status: 'pending',
      areaName: 'Espoo ja Kauniainen',
      municipalityCodes: ['049', '235'],
      welfareArea: 'LU',
      claimTokenHash: sha256(claimToken),
    });
    const everything = JSON.stringify(await scanTable());
    expect(everything).not.toContain(claimToken);
    expect(everything).not.toContain(claimToken.replace(/^ct\./, ''));
    // It holds one of its client's 3 places for waiting applications.
    expect(await waitingOfSameClient(id)).toEqual([id]);
    // Another application gets another token.
    const second = await submit(applicationBody({ municipalityCodes: ['049'] }));
    expect(second.status).toBe(201);
    expect(second.body.claimToken).not.toBe(claimToken);
    expect(second.body.id).not.toBe(id);
  });

  it('checks the codes against the classification: unknown codes, another welfare area and duplicates are 400 with details', async () => {
    const before = await scanTable();
    const reply = await submit(
      applicationBody({ municipalityCodes: ['257', '999', '405', '257', '000'], welfareArea: 'LU' }),
    );
    expectError(reply, 400, 'VALIDATION_FAILED', [
      'municipalityCodes[1]',
      'municipalityCodes[2]',
      'municipalityCodes[3]',
      'municipalityCodes[4]',
    ]);
    const problems = Object.fromEntries(
      reply.body.error.details.map((detail: any) => [detail.field, detail.problem]),
    );
    expect(problems['municipalityCodes[0]']).toBeUndefined();
    expect(problems['municipalityCodes[1]']).toMatch(/999 is not a municipality code/);
    expect(problems['municipalityCodes[2]']).toMatch(
      /405 \(Lappeenranta\) belongs to welfare area EK, not LU/,
    );
    expect(problems['municipalityCodes[3]']).toMatch(/257 is listed twice/);
    expect(problems['municipalityCodes[4]']).toMatch(/000 is not a municipality code/);

    const unknownArea = await submit(applicationBody({ municipalityCodes: ['257'], welfareArea: 'XX' }));
    expectError(unknownArea, 400, 'VALIDATION_FAILED', ['welfareArea', 'municipalityCodes[0]']);
    expect(await scanTable()).toEqual(before);
  });

  it('refuses malformed bodies with 400 naming the field, and writes nothing', async () => {
    const before = await scanTable();
    const valid = applicationBody({ municipalityCodes: ['257'] }) as any;
    const cases: Array<[unknown, string]> = [
      [{ ...valid, municipalityCodes: [] }, 'municipalityCodes'],
      [{ ...valid, municipalityCodes: ['49'] }, 'municipalityCodes[0]'],
      [{ ...valid, welfareArea: 'lu' }, 'welfareArea'],
      [{ ...valid, areaName: '' }, 'areaName'],
      [{ ...valid, unexpected: true }, 'unexpected'],
      [{ ...valid, contacts: { culture: valid.contacts.culture } }, 'contacts.social'],
      [
        {
          ...valid,
          contacts: { ...valid.contacts, culture: { name: 'Kaisa', email: 'not-an-address' } },
        },
        'contacts.culture.email',
      ],
    ];
    for (const [body, field] of cases) expectError(await submit(body), 400, 'VALIDATION_FAILED', [field]);
    // Free text never holds a personal identity code, and the answer does not echo it.
    for (const body of [
      { ...valid, areaName: 'Espoo 131052-308T' },
      { ...valid, contacts: { ...valid.contacts, social: { name: '131052-308T', email: 's@example.org' } } },
    ]) {
      const reply = await submit(body);
      expectError(reply, 400, 'PERSONAL_DATA_NOT_ALLOWED');
      expect(reply.text).not.toContain('131052-308T');
    }
    expect(await scanTable()).toEqual(before);
  });

  it('is throttled per gateway: burst 5, then 429 THROTTLED with Retry-After; one token a second after that', async () => {
    const { rate, burst } = findRoute('POST /v1/applications').throttle!;
    expect({ rate, burst }).toEqual({ rate: 1, burst: 5 });
    const gateway = await service.gateway();
    try {
      // Invalid bodies: the throttle comes before the body is read, and nothing is stored.
      const invalidBody = { areaName: 'x' };
      const replies = await Promise.all(
        Array.from({ length: burst + 5 }, () =>
          gateway.call('POST', '/v1/applications', { body: invalidBody }),
        ),
      );
      const throttled = replies.filter((reply) => reply.status === 429);
      // A token may trickle back while the requests are sent; never more than one or two.
      expect(throttled.length).toBeGreaterThanOrEqual(3);
      for (const reply of throttled) {
        expectError(reply, 429, 'THROTTLED');
        expect(reply.headers.get('retry-after')).toBe('1');
      }
      for (const reply of replies.filter((reply) => reply.status !== 429))
        expectError(reply, 400, 'VALIDATION_FAILED');
      // The other routes have buckets of their own.
      expect((await gateway.call('GET', '/v1/health')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const later = await gateway.call('POST', '/v1/applications', {
        body: applicationBody({ municipalityCodes: ['224'] }),
      });
      expect(later.status).toBe(201);
    } finally {
      await gateway.close();
    }
  });

  it('keeps at most 3 applications of one client waiting, however many of a municipality; a decision frees a place', async () => {
    const hanko = () => applicationBody({ municipalityCodes: ['078'] });
    const client = newClient();
    const first = await submit(hanko(), client);
    expect(first.status).toBe(201);
    expect((await submit(hanko(), client)).status).toBe(201);
    expect((await submit(applicationBody({ municipalityCodes: ['149'] }), client)).status).toBe(201);
    const before = await scanTable();
    const fourth = await submit(hanko(), client);
    expectError(fourth, 409, 'CONFLICT');
    expect(fourth.body.error.message).toMatch(/3 applications waiting for a decision/);
    // All or nothing: the refused application is not stored, and takes no place.
    expect(await scanTable()).toEqual(before);
    expect(await waitingOfSameClient(first.body.id)).toHaveLength(3);
    // Other clients naming the same municipality are not refused: a municipality has no limit.
    for (let n = 0; n < 4; n++) expect((await submit(hanko())).status).toBe(201);
    // Rejecting one frees a place.
    expect((await reject(first.body.id)).status).toBe(200);
    expect(await waitingOfSameClient((await submit(hanko(), client)).body.id)).toHaveLength(3);
    expectError(await submit(hanko(), client), 409, 'CONFLICT');
  });

  it('refuses a municipality that already belongs to an active area: 409 MUNICIPALITY_ALREADY_IN_AREA', async () => {
    await service.onboard({ municipalityCodes: ['444'] });
    const before = await scanTable();
    const reply = await submit(applicationBody({ municipalityCodes: ['927', '444'] }));
    expectError(reply, 409, 'MUNICIPALITY_ALREADY_IN_AREA');
    expect(reply.body.error.message).toMatch(/444/);
    expect(await scanTable()).toEqual(before);
  });
});

describe('GET /v1/applications/{id} with X-Claim-Token', () => {
  it('answers the status while pending, and 404 without the right token (ids cannot be probed)', async () => {
    const mine = await service.apply({ municipalityCodes: ['153'], welfareArea: 'EK' });
    const theirs = await service.apply({ municipalityCodes: ['416'], welfareArea: 'EK' });
    const pending = await claim(mine.id, mine.claimToken);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({ id: mine.id, status: 'pending' });
    const refusals = [
      await claim(mine.id, undefined),
      await claim(mine.id, 'ct.wrong'),
      await claim(mine.id, theirs.claimToken),
      await claim('appdoesnotexist0', mine.claimToken),
    ];
    for (const reply of refusals) expectError(reply, 404, 'NOT_FOUND');
    // The same answer for an id that exists and one that does not.
    expect(refusals[2]!.body.error.message.replace(mine.id, 'ID')).toBe(
      refusals[3]!.body.error.message.replace('appdoesnotexist0', 'ID'),
    );
  });

  it('gives the area-admin key in the first answer after approval and never again', async () => {
    const { id, claimToken } = await service.apply({
      areaName: 'Imatran seutu',
      municipalityCodes: ['441', '580'],
      welfareArea: 'EK',
    });
    const approved = await approve(id);
    expect(approved.status).toBe(200);
    expect(Object.keys(approved.body)).toEqual(['areaId']);
    const areaId = approved.body.areaId;
    // Between approval and the claim the key exists without a secret: nobody holds a working key.
    const application = await getItem(applicationKey(id));
    expect(application).toMatchObject({ status: 'approved', areaId });
    const keyBefore = await getItem(apiKeyKey(application!.adminKeyId));
    expect(keyBefore).toMatchObject({ role: 'area-admin', areaId });
    expect(keyBefore!.secretHash).toBeUndefined();

    const first = await claim(id, claimToken);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ id, status: 'approved', areaId, apiKey: expect.any(String) });
    const apiKey: string = first.body.apiKey;
    expect(apiKey).toMatch(/^kk\.k[0-9a-f]{20}\./);
    expect((await getItem(apiKeyKey(application!.adminKeyId)))!.secretHash).toBe(sha256(apiKey));
    expect(JSON.stringify(await scanTable())).not.toContain(apiKey);

    const second = await claim(id, claimToken);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ id, status: 'approved', areaId });

    // The key is the area's area-admin key.
    const area = await service.call('GET', `/v1/areas/${areaId}`, { key: apiKey });
    expect(area.status).toBe(200);
    expect(area.body).toMatchObject({
      id: areaId,
      name: 'Imatran seutu',
      municipalityCodes: ['441', '580'],
      welfareArea: 'EK',
      status: 'active',
    });
    expect((await service.call('GET', '/v1/applications', { key: apiKey })).status).toBe(403);
  });

  it('hands the key to exactly one of many simultaneous claims', async () => {
    const { id, claimToken } = await service.apply({ municipalityCodes: ['689'], welfareArea: 'EK' });
    expect((await approve(id)).status).toBe(200);
    const gateway = await service.gateway();
    try {
      const replies = await Promise.all(
        Array.from({ length: 12 }, () =>
          gateway.call('GET', `/v1/applications/${id}`, { headers: { 'x-claim-token': claimToken } }),
        ),
      );
      expect(replies.map((reply) => reply.status)).toEqual(Array(12).fill(200));
      const keys = replies.map((reply) => reply.body.apiKey).filter(Boolean);
      expect(keys).toHaveLength(1);
      expect((await service.call('GET', '/v1/areas', { key: keys[0] })).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('shows a rejection and its reason, and no key', async () => {
    const { id, claimToken } = await service.apply({ municipalityCodes: ['700'], welfareArea: 'EK' });
    const rejected = await reject(id, 'Apply together with Imatra.');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id, status: 'rejected', reason: 'Apply together with Imatra.' });
    const reply = await claim(id, claimToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ id, status: 'rejected', reason: 'Apply together with Imatra.' });
  });
});

describe('the national centre decides', () => {
  it('lists applications by status (pending by default), with contacts and never the token hash', async () => {
    const pending = await service.apply({ areaName: 'Lemi', municipalityCodes: ['739'], welfareArea: 'EK' });
    const list = async (query = '') =>
      (await service.call('GET', `/v1/applications${query}`, { key: service.adminKey })).body.items as any[];
    const item = (await list()).find((candidate) => candidate.id === pending.id);
    expect(item).toEqual({
      id: pending.id,
      status: 'pending',
      areaName: 'Lemi',
      municipalityCodes: ['739'],
      welfareArea: 'EK',
      contacts: applicationBody().contacts,
      source: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      createdAt: expect.any(String),
    });
    expect((await list('?status=approved')).some((candidate) => candidate.id === pending.id)).toBe(false);
    expect((await list()).every((candidate) => candidate.status === 'pending')).toBe(true);
    await reject(pending.id);
    expect((await list()).some((candidate) => candidate.id === pending.id)).toBe(false);
    const rejected = (await list('?status=rejected')).find((candidate) => candidate.id === pending.id);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reason: expect.any(String),
      decidedAt: expect.any(String),
    });
    const text = JSON.stringify(await list('?status=rejected'));
    expect(text).not.toMatch(/claimToken/i);

    const paged = await service.call('GET', '/v1/applications?status=rejected&limit=1', {
      key: service.adminKey,
    });
    expect(paged.body.items).toHaveLength(1);
    expect(typeof paged.body.nextCursor).toBe('string');
    const next = await service.call(
      'GET',
      `/v1/applications?status=rejected&limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
      { key: service.adminKey },
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0]?.id).not.toBe(paged.body.items[0].id);
    expectError(
      await service.call('GET', '/v1/applications?status=maybe', { key: service.adminKey }),
      400,
      'VALIDATION_FAILED',
      ['status'],
    );
  });

  it('approval makes, in one go, the area, a claim per municipality, the area-admin organisation, its key and the audit entry', async () => {
    const { id } = await service.apply({
      areaName: 'Raasepori ja Siuntio',
      municipalityCodes: ['710', '755'],
      welfareArea: 'LU',
    });
    const source = (await getItem(applicationKey(id)))?.source;
    expect((await getItem(pendingOfSourceKey(source)))?.applicationIds).toEqual(new Set([id]));
    const reply = await approve(id);
    expect(reply.status).toBe(200);
    const { areaId } = reply.body;
    expect(typeof areaId).toBe('string');
    for (const code of ['710', '755'])
      expect(await getItem(municipalityClaimKey(code))).toMatchObject({ areaId });
    // The application no longer waits: its client's place is free, and it keeps no source.
    expect((await getItem(pendingOfSourceKey(source)))?.applicationIds).toBeUndefined();
    expect(await getItem(applicationKey(id))).not.toHaveProperty('source');
    const areas = await service.call('GET', '/v1/areas?limit=500', { key: service.adminKey });
    expect(areas.body.items.find((area: any) => area.id === areaId)).toEqual({
      id: areaId,
      name: 'Raasepori ja Siuntio',
      municipalityCodes: ['710', '755'],
      welfareArea: 'LU',
      status: 'active',
      createdAt: expect.any(String),
    });
    const organisations = await service.call('GET', `/v1/areas/${areaId}/organisations`, {
      key: service.adminKey,
    });
    expect(organisations.body.items).toEqual([
      expect.objectContaining({
        kind: 'area-admin',
        areaId,
        status: 'active',
        contactEmail: 'culture@example.org',
      }),
    ]);
    const orgId = organisations.body.items[0].id;
    const keys = await service.call('GET', `/v1/organisations/${orgId}/keys`, { key: service.adminKey });
    expect(keys.body.items).toEqual([
      { keyId: expect.any(String), role: 'area-admin', createdAt: expect.any(String) },
    ]);
    const entries = (await auditToday()).filter((entry) => entry.target === `application/${id}`);
    expect(entries).toEqual([
      {
        at: expect.any(String),
        actor: { kind: 'key', orgId: 'national-centre', keyId: expect.any(String), role: 'admin' },
        action: 'application.approved',
        target: `application/${id}`,
        areaId,
      },
    ]);
  });

  it('decides once: a second approval, or a rejection after it, is 409 CONFLICT; unknown ids 404', async () => {
    const { id } = await service.apply({ municipalityCodes: ['831'], welfareArea: 'EK' });
    expect((await approve(id)).status).toBe(200);
    const before = await scanTable();
    expectError(await approve(id), 409, 'CONFLICT');
    expectError(await reject(id), 409, 'CONFLICT');
    expect(await scanTable()).toEqual(before);
    const rejected = await service.apply({ municipalityCodes: ['927'] });
    expect((await reject(rejected.id)).status).toBe(200);
    expectError(await approve(rejected.id), 409, 'CONFLICT');
    expectError(await reject(rejected.id), 409, 'CONFLICT');
    expectError(await approve('appdoesnotexist0'), 404, 'NOT_FOUND');
    expectError(await reject('appdoesnotexist0'), 404, 'NOT_FOUND');
    expectError(
      await service.call('POST', `/v1/applications/${id}/reject`, {
        key: service.adminKey,
        body: { reason: 'Henkilötunnus 131052-308T' },
      }),
      400,
      'PERSONAL_DATA_NOT_ALLOWED',
    );
    expectError(
      await service.call('POST', `/v1/applications/${rejected.id}/reject`, {
        key: service.adminKey,
        body: {},
      }),
      400,
      'VALIDATION_FAILED',
      ['reason'],
    );
    const audit = (await auditToday()).filter((entry) => entry.target === `application/${rejected.id}`);
    expect(audit.map((entry) => entry.action)).toEqual(['application.rejected']);
  });

  it('refuses to approve an application whose municipality joined another area meanwhile: 409, nothing written', async () => {
    const first = await service.apply({ municipalityCodes: ['143', '108'], welfareArea: 'PI' });
    const second = await service.apply({ municipalityCodes: ['211', '108'], welfareArea: 'PI' });
    expect((await approve(first.id)).status).toBe(200);
    const before = await scanTable();
    const reply = await approve(second.id);
    expectError(reply, 409, 'MUNICIPALITY_ALREADY_IN_AREA');
    expect(reply.body.error.message).toMatch(/108/);
    // Neither the area, nor the claim of 211, nor an organisation, key or audit entry.
    expect(await scanTable()).toEqual(before);
    expect(await getItem(municipalityClaimKey('211'))).toBeUndefined();
    expect((await claim(second.id, second.claimToken)).body).toEqual({ id: second.id, status: 'pending' });
    // It can still be rejected.
    expect((await reject(second.id)).status).toBe(200);
  });

  it('lets only one of two simultaneous approvals naming the same municipality win', async () => {
    // Pairs in Southwest Finland (VS): each pair shares one municipality; some list them in opposite order.
    const pairs: Array<[string[], string[], string]> = [
      [['202'], ['202'], '202'],
      [['284', '304'], ['304', '322'], '304'],
      [['400', '423'], ['423', '400'], '423'],
      [['430', '445', '480'], ['481', '480'], '480'],
      [['503', '529'], ['529'], '529'],
      [['538', '561'], ['577', '538'], '538'],
    ];
    const applied: Array<readonly [{ id: string }, { id: string }]> = [];
    for (const [a, b] of pairs)
      applied.push([
        await service.apply({ municipalityCodes: a, welfareArea: 'VS' }),
        await service.apply({ municipalityCodes: b, welfareArea: 'VS' }),
      ] as const);
    const outcomes = await Promise.all(applied.map(([a, b]) => Promise.all([approve(a.id), approve(b.id)])));
    const areas = (await service.call('GET', '/v1/areas?limit=500', { key: service.adminKey })).body
      .items as any[];
    const audit = await auditToday();
    outcomes.forEach((replies, index) => {
      const shared = pairs[index]![2];
      const statuses = replies.map((reply) => reply.status).sort();
      expect(statuses, `pair ${index}`).toEqual([200, 409]);
      const loser = replies.find((reply) => reply.status === 409)!;
      expectError(loser, 409, 'MUNICIPALITY_ALREADY_IN_AREA');
      const winner = replies.find((reply) => reply.status === 200)!;
      expect(areas.filter((area) => area.municipalityCodes.includes(shared)).map((area) => area.id)).toEqual([
        winner.body.areaId,
      ]);
      const [a, b] = applied[index]!;
      const approvals = audit.filter(
        (entry) =>
          entry.action === 'application.approved' &&
          (entry.target === `application/${a.id}` || entry.target === `application/${b.id}`),
      );
      expect(approvals.map((entry) => entry.areaId)).toEqual([winner.body.areaId]);
    });
    // The loser's own municipalities were not claimed either.
    for (const code of ['284', '322', '430', '445', '481', '503', '577']) {
      const claimed = await getItem(municipalityClaimKey(code));
      const area = areas.find((candidate) => candidate.municipalityCodes.includes(code));
      expect(claimed?.areaId).toBe(area?.id);
    }
  });

  it('approves an application once even when the approval is sent twice at once', async () => {
    const { id } = await service.apply({ municipalityCodes: ['609', '684'], welfareArea: 'SA' });
    const replies = await Promise.all(Array.from({ length: 4 }, () => approve(id)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409, 409, 409]);
    for (const reply of replies.filter((candidate) => candidate.status === 409))
      expect(['CONFLICT', 'MUNICIPALITY_ALREADY_IN_AREA']).toContain(reply.body.error.code);
    const areas = (await service.call('GET', '/v1/areas?limit=500', { key: service.adminKey })).body
      .items as any[];
    expect(areas.filter((area) => area.municipalityCodes.includes('609'))).toHaveLength(1);
  });

  it('approves and rejects at the same time: one decision wins, and the other is 409 CONFLICT', async () => {
    for (const code of ['182', '216', '226']) {
      const { id, claimToken } = await service.apply({ municipalityCodes: [code], welfareArea: 'KS' });
      const source = (await getItem(applicationKey(id)))?.source;
      const [approval, rejection] = await Promise.all([approve(id), reject(id)]);
      expect([approval.status, rejection.status].sort()).toEqual([200, 409]);
      const loser = approval.status === 409 ? approval : rejection;
      expectError(loser, 409, 'CONFLICT');
      const seen = await claim(id, claimToken);
      const claimed = await getItem(municipalityClaimKey(code));
      if (approval.status === 200) {
        expect(seen.body).toMatchObject({ status: 'approved', areaId: approval.body.areaId });
        expect(claimed?.areaId).toBe(approval.body.areaId);
      } else {
        expect(seen.body).toMatchObject({ status: 'rejected' });
        expect(claimed).toBeUndefined();
      }
      // Either way the application no longer waits: its place is free, taken back once.
      expect((await getItem(pendingOfSourceKey(source)))?.applicationIds).toBeUndefined();
    }
  });

  it('admits no more than 3 waiting applications of one client even when they arrive at once', async () => {
    // Separate gateways: the throttle is per gateway, and this is about the limit in the table.
    const client = newClient();
    const replies = await Promise.all(
      Array.from({ length: 7 }, () =>
        submit(applicationBody({ municipalityCodes: ['179'], welfareArea: 'KS' }), client),
      ),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409]);
    for (const reply of replies.filter((candidate) => candidate.status === 409))
      expectError(reply, 409, 'CONFLICT');
    const accepted = replies.filter((reply) => reply.status === 201).map((reply) => reply.body.id);
    expect(await waitingOfSameClient(accepted[0])).toEqual(accepted.sort());
  });

  it('takes a whole welfare area at once: all 30 municipalities of North Ostrobothnia in one approval', async () => {
    const codes = Object.entries(municipalities)
      .filter(([, municipality]) => municipality.welfareArea === 'PP')
      .map(([code]) => code);
    expect(codes).toHaveLength(30);
    const { id, claimToken } = await service.apply({
      areaName: 'Pohjois-Pohjanmaa',
      municipalityCodes: codes,
      welfareArea: 'PP',
    });
    const approved = await approve(id);
    expect(approved.status).toBe(200);
    for (const code of codes)
      expect((await getItem(municipalityClaimKey(code)))?.areaId).toBe(approved.body.areaId);
    const key = (await claim(id, claimToken)).body.apiKey;
    const area = await service.call('GET', `/v1/areas/${approved.body.areaId}`, { key });
    expect(area.body.municipalityCodes).toEqual(codes);
  });
});
