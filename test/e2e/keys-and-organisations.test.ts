// After onboarding: an area's organisations, their keys (create, list, revoke, rotate, lastUsedAt),
// national organisations, ticket agents recording for any venue, and the audit trail of it all.

import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nowMs } from '../../shared/lib/clock.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { documentClient } from '../../shared/store/client.ts';
import { apiKeyKey } from '../../shared/store/keys.ts';
import {
  type Caller,
  expectError,
  getItem,
  type OnboardedArea,
  scanTable,
  startTestService,
  type TestService,
  useAggregate,
} from '../support/service.ts';

// Revocations and deactivations are seen at once here; the cache's delay has a test of its own below.
process.env.KAIKU_AUTH_CACHE_SECONDS = '0';
afterEach(() => {
  process.env.KAIKU_AUTH_CACHE_SECONDS = '0';
});

let service: TestService;
let admin: Caller;
/** Espoo and Kauniainen (LU): "our" area. */
let own: OnboardedArea;
/** Lappeenranta (EK): another area. */
let other: OnboardedArea;
beforeAll(async () => {
  service = await startTestService();
  own = await service.onboard({ areaName: 'Espoo ja Kauniainen', municipalityCodes: ['049', '235'] });
  other = await service.onboard({ areaName: 'Lappeenranta', municipalityCodes: ['405'], welfareArea: 'EK' });
  admin = (method, path, options = {}) => service.call(method, path, { key: service.adminKey, ...options });
});
afterAll(() => service?.stop());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const organisation = (fields: Record<string, unknown> = {}) => ({
  kind: 'distributor',
  name: 'Espoon sosiaalipalvelut',
  municipalityCode: '049',
  contactEmail: 'sosiaali@espoo.example',
  ...fields,
});

/** Creates an organisation in an area as the given key, and a key for it; both must succeed. */
async function withKey(area: OnboardedArea, fields: Record<string, unknown> = {}, key = area.areaAdminKey) {
  const created = await service.call('POST', `/v1/areas/${area.areaId}/organisations`, {
    key,
    body: organisation({ municipalityCode: area === other ? '405' : '049', ...fields }),
  });
  if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
  const minted = await service.call('POST', `/v1/organisations/${created.body.id}/keys`, { key, body: {} });
  if (minted.status !== 201) throw new Error(`${minted.status} ${minted.text}`);
  return {
    orgId: created.body.id as string,
    key: minted.body.apiKey as string,
    keyId: minted.body.keyId as string,
  };
}

const audit = async (key: string, query = '') =>
  (await service.call('GET', `/v1/audit?limit=500${query}`, { key })).body.items as any[];

describe('areas', () => {
  it('admin sees every area; an area-admin its own only, and another area is 404', async () => {
    const all = await admin('GET', '/v1/areas');
    expect(all.status).toBe(200);
    expect(all.body.items.map((area: any) => area.id).sort()).toEqual([own.areaId, other.areaId].sort());
    const mine = await service.call('GET', '/v1/areas', { key: own.areaAdminKey });
    expect(mine.body).toEqual({
      items: [
        {
          id: own.areaId,
          name: 'Espoo ja Kauniainen',
          municipalityCodes: ['049', '235'],
          welfareArea: 'LU',
          status: 'active',
          createdAt: expect.any(String),
        },
      ],
    });
    expect((await service.call('GET', `/v1/areas/${own.areaId}`, { key: own.areaAdminKey })).body).toEqual(
      mine.body.items[0],
    );
    expectError(
      await service.call('GET', `/v1/areas/${other.areaId}`, { key: own.areaAdminKey }),
      404,
      'NOT_FOUND',
    );
    expectError(await admin('GET', '/v1/areas/adoesnotexist'), 404, 'NOT_FOUND');
  });
});

describe('organisations of an area', () => {
  it('an area-admin adds a distributor and a venue (with a daily limit per card) to its area', async () => {
    const distributor = await service.call('POST', `/v1/areas/${own.areaId}/organisations`, {
      key: own.areaAdminKey,
      body: organisation(),
    });
    expect(distributor.status).toBe(201);
    expect(distributor.body).toEqual({
      id: expect.any(String),
      kind: 'distributor',
      name: 'Espoon sosiaalipalvelut',
      areaId: own.areaId,
      status: 'active',
      municipalityCode: '049',
      contactEmail: 'sosiaali@espoo.example',
      createdAt: expect.any(String),
    });
    const venue = await service.call('POST', `/v1/areas/${own.areaId}/organisations`, {
      key: own.areaAdminKey,
      body: organisation({
        kind: 'venue',
        name: 'Kauniaisten museo',
        municipalityCode: '235',
        cardLimitPerDay: 2,
      }),
    });
    expect(venue.status).toBe(201);
    expect(venue.body).toMatchObject({
      kind: 'venue',
      areaId: own.areaId,
      cardLimitPerDay: 2,
      municipalityCode: '235',
    });
    const listed = await service.call('GET', `/v1/areas/${own.areaId}/organisations?limit=500`, {
      key: own.areaAdminKey,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual(expect.arrayContaining([distributor.body, venue.body]));
    expect(listed.body.items.every((item: any) => item.areaId === own.areaId)).toBe(true);
    const entries = await audit(own.areaAdminKey);
    for (const created of [distributor.body, venue.body])
      expect(entries).toContainEqual({
        at: expect.any(String),
        actor: { kind: 'key', orgId: expect.any(String), keyId: expect.any(String), role: 'area-admin' },
        action: 'organisation.created',
        target: `organisation/${created.id}`,
        areaId: own.areaId,
      });
  });

  it('refuses what does not fit the area: 400 for a municipality outside it, a limit on a distributor, other kinds', async () => {
    const post = (body: unknown) =>
      service.call('POST', `/v1/areas/${own.areaId}/organisations`, { key: own.areaAdminKey, body });
    const before = await scanTable();
    expectError(await post(organisation({ municipalityCode: '405' })), 400, 'VALIDATION_FAILED', [
      'municipalityCode',
    ]);
    expectError(await post(organisation({ cardLimitPerDay: 3 })), 400, 'VALIDATION_FAILED', [
      'cardLimitPerDay',
    ]);
    expectError(await post(organisation({ kind: 'area-admin' })), 400, 'VALIDATION_FAILED', ['kind']);
    expectError(await post(organisation({ kind: 'ticket-agent' })), 400, 'VALIDATION_FAILED', ['kind']);
    expectError(await post(organisation({ contactEmail: 'nope' })), 400, 'VALIDATION_FAILED', [
      'contactEmail',
    ]);
    expectError(await post(organisation({ areaId: other.areaId })), 400, 'VALIDATION_FAILED', ['areaId']);
    expect(await scanTable()).toEqual(before);
  });

  it("another area's organisations are not there for an area-admin (404); the admin manages every area", async () => {
    expectError(
      await service.call('POST', `/v1/areas/${other.areaId}/organisations`, {
        key: own.areaAdminKey,
        body: organisation({ municipalityCode: '405' }),
      }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await service.call('GET', `/v1/areas/${other.areaId}/organisations`, { key: own.areaAdminKey }),
      404,
      'NOT_FOUND',
    );
    const byAdmin = await admin('POST', `/v1/areas/${other.areaId}/organisations`, {
      body: organisation({ kind: 'venue', name: 'Lappeenrannan teatteri', municipalityCode: '405' }),
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.areaId).toBe(other.areaId);
    expectError(
      await service.call('PATCH', `/v1/organisations/${byAdmin.body.id}`, {
        key: own.areaAdminKey,
        body: { name: 'Taken over' },
      }),
      404,
      'NOT_FOUND',
    );
    const theirs = await service.call('GET', `/v1/areas/${other.areaId}/organisations`, {
      key: other.areaAdminKey,
    });
    expect(theirs.body.items.map((item: any) => item.id)).toContain(byAdmin.body.id);
    const ours = await service.call('GET', `/v1/areas/${own.areaId}/organisations`, {
      key: own.areaAdminKey,
    });
    expect(ours.body.items.map((item: any) => item.id)).not.toContain(byAdmin.body.id);
    // The admin's action is in the other area's audit, not in ours.
    const target = `organisation/${byAdmin.body.id}`;
    expect((await audit(other.areaAdminKey)).map((entry) => entry.target)).toContain(target);
    expect((await audit(own.areaAdminKey)).map((entry) => entry.target)).not.toContain(target);
  });

  it('PATCH renames and changes a venue’s limit (never a distributor’s); a change is audited once', async () => {
    const venue = await withKey(own, { kind: 'venue', name: 'Leppävaaran kirjasto' });
    const patch = (body: unknown, key = own.areaAdminKey) =>
      service.call('PATCH', `/v1/organisations/${venue.orgId}`, { key, body });
    const renamed = await patch({ name: 'Sellon kirjasto', cardLimitPerDay: 5 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: venue.orgId,
      name: 'Sellon kirjasto',
      cardLimitPerDay: 5,
      status: 'active',
    });
    expectError(await patch({}), 400, 'VALIDATION_FAILED', ['(body)']);
    expectError(await patch({ status: 'closed' }), 400, 'VALIDATION_FAILED', ['status']);
    expectError(await patch({ kind: 'distributor' }), 400, 'VALIDATION_FAILED', ['kind']);
    const distributor = await withKey(own);
    expectError(
      await service.call('PATCH', `/v1/organisations/${distributor.orgId}`, {
        key: own.areaAdminKey,
        body: { cardLimitPerDay: 2 },
      }),
      400,
      'VALIDATION_FAILED',
      ['cardLimitPerDay'],
    );
    const listed = await service.call('GET', `/v1/areas/${own.areaId}/organisations?limit=500`, {
      key: own.areaAdminKey,
    });
    expect(listed.body.items.find((item: any) => item.id === venue.orgId)).toMatchObject({
      name: 'Sellon kirjasto',
      cardLimitPerDay: 5,
    });
    const updates = (await audit(own.areaAdminKey)).filter(
      (entry) => entry.action === 'organisation.updated' && entry.target === `organisation/${venue.orgId}`,
    );
    expect(updates).toHaveLength(1);
  });

  it("an inactive organisation's keys stop working and come back with it; keys are not revoked by it", async () => {
    const distributor = await withKey(own);
    const issue = () =>
      service.call('POST', '/v1/cards', {
        key: distributor.key,
        body: { cardType: 'community' },
      });
    expect((await issue()).status).toBe(201);
    const off = await service.call('PATCH', `/v1/organisations/${distributor.orgId}`, {
      key: own.areaAdminKey,
      body: { status: 'inactive' },
    });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe('inactive');
    expectError(await issue(), 401, 'UNAUTHENTICATED');
    const keys = await service.call('GET', `/v1/organisations/${distributor.orgId}/keys`, {
      key: own.areaAdminKey,
    });
    expect(keys.body.items).toEqual([expect.not.objectContaining({ revokedAt: expect.anything() })]);
    const on = await service.call('PATCH', `/v1/organisations/${distributor.orgId}`, {
      key: own.areaAdminKey,
      body: { status: 'active' },
    });
    expect(on.status).toBe(200);
    expect((await issue()).status).toBe(201);
  });

  it('an inactive venue cannot record uses: 422 ORGANISATION_INACTIVE, even on a cached key; a ticket agent gets the same', async () => {
    const distributor = await withKey(own);
    const venue = await withKey(own, { kind: 'venue', name: 'Tapiolan uimahalli' });
    const agent = await nationalWithKey('ticket-agent');
    const card = (
      await service.call('POST', '/v1/cards', {
        key: distributor.key,
        body: { cardType: 'personal', birthYear: 1970, postalCode: '02100', minorChildren: 1 },
      })
    ).body;
    const gateway = await service.gateway();
    try {
      process.env.KAIKU_AUTH_CACHE_SECONDS = '300';
      // Seen once: the gateway now holds the authorizer's answer (an active venue) for 300 s.
      expect((await gateway.call('GET', `/v1/cards/${card.cardNumber}`, { key: venue.key })).status).toBe(
        200,
      );
      expect(
        (
          await service.call('PATCH', `/v1/organisations/${venue.orgId}`, {
            key: own.areaAdminKey,
            body: { status: 'inactive' },
          })
        ).status,
      ).toBe(200);
      const before = await useAggregate(own.areaId, 'sport');
      const use = { cardNumber: card.cardNumber, sector: 'sport', adults: 1, children: 0 };
      expectError(
        await gateway.call('POST', '/v1/usages', {
          key: venue.key,
          body: use,
          headers: { 'idempotency-key': 'a' },
        }),
        422,
        'ORGANISATION_INACTIVE',
      );
      expectError(
        await service.recordUse(agent.key, { ...use, venueId: venue.orgId }),
        422,
        'ORGANISATION_INACTIVE',
      );
      expect(await useAggregate(own.areaId, 'sport')).toEqual(before);
    } finally {
      await gateway.close();
    }
  });
});

/** A ticket agent or partner made by the admin, with a key. */
async function nationalWithKey(kind: 'ticket-agent' | 'partner') {
  const created = await admin('POST', kind === 'ticket-agent' ? '/v1/ticket-agents' : '/v1/partners', {
    body: {
      name: kind === 'ticket-agent' ? 'Lippupalvelu Oy' : 'Tilastokeskus',
      contactEmail: 'api@example.org',
    },
  });
  if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
  const minted = await admin('POST', `/v1/organisations/${created.body.id}/keys`, { body: {} });
  if (minted.status !== 201) throw new Error(`${minted.status} ${minted.text}`);
  return { orgId: created.body.id as string, key: minted.body.apiKey as string, body: created.body };
}

describe('national organisations', () => {
  it('the admin adds ticket agents and partners: no area; only the admin manages them', async () => {
    for (const kind of ['ticket-agent', 'partner'] as const) {
      const { orgId, body } = await nationalWithKey(kind);
      expect(body).toEqual({
        id: orgId,
        kind,
        name: expect.any(String),
        status: 'active',
        contactEmail: 'api@example.org',
        createdAt: expect.any(String),
      });
      // Not an area's: an area-admin neither sees nor changes it, nor its keys.
      for (const [method, path, body] of [
        ['PATCH', `/v1/organisations/${orgId}`, { name: 'x' }],
        ['POST', `/v1/organisations/${orgId}/keys`, {}],
        ['GET', `/v1/organisations/${orgId}/keys`, undefined],
      ] as const)
        expectError(await service.call(method, path, { key: own.areaAdminKey, body }), 404, 'NOT_FOUND');
      const renamed = await admin('PATCH', `/v1/organisations/${orgId}`, { body: { name: 'Renamed' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Renamed');
      // The admin's audit has it (no area), an area's audit does not.
      const target = `organisation/${orgId}`;
      const entry = (await audit(service.adminKey)).find(
        (candidate) => candidate.target === target && candidate.action === 'organisation.created',
      );
      expect(entry).toEqual({
        at: expect.any(String),
        actor: { kind: 'key', orgId: 'national-centre', keyId: expect.any(String), role: 'admin' },
        action: 'organisation.created',
        target,
      });
      expect((await audit(own.areaAdminKey)).some((candidate) => candidate.target === target)).toBe(false);
    }
    expectError(
      await service.call('POST', '/v1/ticket-agents', {
        key: own.areaAdminKey,
        body: { name: 'x', contactEmail: 'x@example.org' },
      }),
      403,
      'FORBIDDEN',
    );
    expectError(await admin('POST', '/v1/partners', { body: { name: 'x' } }), 400, 'VALIDATION_FAILED', [
      'contactEmail',
    ]);
    // The national centre itself is nobody's to change over this API.
    expectError(
      await admin('PATCH', '/v1/organisations/national-centre', { body: { status: 'inactive' } }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('keys', () => {
  it('creates a key whose role follows the organisation: 201 {keyId, apiKey, role}; only its hash is stored', async () => {
    const venue = await withKey(own, { kind: 'venue' });
    const minted = await service.call('POST', `/v1/organisations/${venue.orgId}/keys`, {
      key: own.areaAdminKey,
      body: {},
    });
    expect(minted.status).toBe(201);
    expect(Object.keys(minted.body).sort()).toEqual(['apiKey', 'keyId', 'role']);
    expect(minted.body.role).toBe('venue');
    expect(minted.body.apiKey).toMatch(new RegExp(`^kk\\.${minted.body.keyId}\\.`));
    expect((await getItem(apiKeyKey(minted.body.keyId)))!.secretHash).toBe(sha256(minted.body.apiKey));
    expect(JSON.stringify(await scanTable())).not.toContain(minted.body.apiKey);
    // Only a name and an expiry may be asked for: never a role.
    expectError(
      await service.call('POST', `/v1/organisations/${venue.orgId}/keys`, {
        key: own.areaAdminKey,
        body: { role: 'admin' },
      }),
      400,
      'VALIDATION_FAILED',
      ['role'],
    );
    const roles: Record<string, string> = {};
    for (const kind of ['distributor', 'venue'])
      roles[kind] = (
        await service.call('POST', `/v1/organisations/${(await withKey(own, { kind })).orgId}/keys`, {
          key: own.areaAdminKey,
          body: {},
        })
      ).body.role;
    for (const kind of ['ticket-agent', 'partner'] as const)
      roles[kind] = (
        await admin('POST', `/v1/organisations/${(await nationalWithKey(kind)).orgId}/keys`, { body: {} })
      ).body.role;
    expect(roles).toEqual({
      distributor: 'distributor',
      venue: 'venue',
      'ticket-agent': 'ticket-agent',
      partner: 'partner',
    });
    // The key works as that role: a venue key may read a card's door view, not issue one.
    expectError(
      await service.call('POST', '/v1/cards', { key: minted.body.apiKey, body: { cardType: 'community' } }),
      403,
      'FORBIDDEN',
    );
    expect((await service.call('GET', '/v1/usages', { key: minted.body.apiKey })).status).toBe(200);
  });

  it('lists keys without any secret; an area-admin cannot list or make keys of another area (404)', async () => {
    const distributor = await withKey(own);
    const second = await service.call('POST', `/v1/organisations/${distributor.orgId}/keys`, {
      key: own.areaAdminKey,
      body: {},
    });
    const listed = await service.call('GET', `/v1/organisations/${distributor.orgId}/keys`, {
      key: own.areaAdminKey,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    for (const item of listed.body.items) {
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'keyId', 'role']);
      expect(item.role).toBe('distributor');
    }
    expect(listed.body.items.map((item: any) => item.keyId).sort()).toEqual(
      [distributor.keyId, second.body.keyId].sort(),
    );
    expect(listed.text).not.toContain(distributor.key.split('.')[2]);
    expect(listed.text).not.toContain(second.body.apiKey.split('.')[2]);
    expect(listed.text).not.toContain(sha256(distributor.key));
    const theirs = await withKey(other, {}, service.adminKey);
    for (const [method, path] of [
      ['GET', `/v1/organisations/${theirs.orgId}/keys`],
      ['POST', `/v1/organisations/${theirs.orgId}/keys`],
      ['DELETE', `/v1/keys/${theirs.keyId}`],
    ] as const)
      expectError(
        await service.call(method, path, { key: own.areaAdminKey, ...(method === 'POST' && { body: {} }) }),
        404,
        'NOT_FOUND',
      );
    // Still working: the refused DELETE revoked nothing.
    expectError(await service.call('GET', '/v1/cards/0000-0000-0000', { key: theirs.key }), 404, 'NOT_FOUND');
  });

  it('revokes a key: 200 with revokedAt, the key is 401 from then on, and a second DELETE changes nothing', async () => {
    const distributor = await withKey(own);
    const works = () =>
      service.call('POST', '/v1/cards', { key: distributor.key, body: { cardType: 'community' } });
    expect((await works()).status).toBe(201);
    const revoked = await service.call('DELETE', `/v1/keys/${distributor.keyId}`, { key: own.areaAdminKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({
      keyId: distributor.keyId,
      role: 'distributor',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      revokedAt: expect.any(String),
    });
    expectError(await works(), 401, 'UNAUTHENTICATED');
    const again = await service.call('DELETE', `/v1/keys/${distributor.keyId}`, { key: own.areaAdminKey });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const listed = await service.call('GET', `/v1/organisations/${distributor.orgId}/keys`, {
      key: own.areaAdminKey,
    });
    expect(listed.body.items).toEqual([revoked.body]);
    const entries = (await audit(own.areaAdminKey)).filter(
      (entry) => entry.target === `key/${distributor.keyId}`,
    );
    expect(entries.map((entry) => entry.action).sort()).toEqual(['key.created', 'key.revoked']);
    expectError(
      await service.call('DELETE', '/v1/keys/kdoesnotexist', { key: own.areaAdminKey }),
      404,
      'NOT_FOUND',
    );
  });

  it('rotates a key: make a new one, switch, revoke the old one; the new one keeps working', async () => {
    const venue = await withKey(own, { kind: 'venue' });
    const newer = await service.call('POST', `/v1/organisations/${venue.orgId}/keys`, {
      key: own.areaAdminKey,
      body: {},
    });
    expect(newer.status).toBe(201);
    for (const key of [venue.key, newer.body.apiKey])
      expect((await service.call('GET', '/v1/usages', { key })).status).toBe(200);
    expect((await service.call('DELETE', `/v1/keys/${venue.keyId}`, { key: own.areaAdminKey })).status).toBe(
      200,
    );
    expectError(await service.call('GET', '/v1/usages', { key: venue.key }), 401, 'UNAUTHENTICATED');
    expect((await service.call('GET', '/v1/usages', { key: newer.body.apiKey })).status).toBe(200);
  });

  it('names a key and gives it an expiry: both in the answer and the list; an expiry in the past is 400', async () => {
    const venue = await withKey(own, { kind: 'venue' });
    const expiresAt = new Date(nowMs() + 30 * 86_400_000).toISOString();
    const minted = await service.call('POST', `/v1/organisations/${venue.orgId}/keys`, {
      key: own.areaAdminKey,
      body: { name: 'Kassajärjestelmä', expiresAt },
    });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ role: 'venue', name: 'Kassajärjestelmä', expiresAt });
    const listed = await service.call('GET', `/v1/organisations/${venue.orgId}/keys`, {
      key: own.areaAdminKey,
    });
    expect(listed.body.items.find((item: any) => item.keyId === minted.body.keyId)).toEqual({
      keyId: minted.body.keyId,
      role: 'venue',
      name: 'Kassajärjestelmä',
      createdAt: expect.any(String),
      expiresAt,
    });
    expectError(
      await service.call('POST', `/v1/organisations/${venue.orgId}/keys`, {
        key: own.areaAdminKey,
        body: { name: 'Vanha', expiresAt: '2020-01-01T00:00:00Z' },
      }),
      400,
      'VALIDATION_FAILED',
      ['expiresAt'],
    );
  });

  it('an expired key is refused at its next request like a revoked one, also from a gateway that cached it', async () => {
    const venue = await withKey(own, { kind: 'venue' });
    const gateway = await service.gateway();
    try {
      process.env.KAIKU_AUTH_CACHE_SECONDS = '300';
      expect((await gateway.call('GET', '/v1/usages', { key: venue.key })).status).toBe(200);
      // Its expiry passes (here: moved into the past in the table, as time would).
      await documentClient().send(
        new UpdateCommand({
          TableName: process.env.TABLE_NAME,
          Key: apiKeyKey(venue.keyId),
          UpdateExpression: 'SET expiresAt = :at',
          ExpressionAttributeValues: { ':at': new Date(nowMs() - 1_000).toISOString() },
        }),
      );
      expectError(await gateway.call('GET', '/v1/usages', { key: venue.key }), 401, 'UNAUTHENTICATED');
      expectError(await service.call('GET', '/v1/usages', { key: venue.key }), 401, 'UNAUTHENTICATED');
    } finally {
      await gateway.close();
    }
  });

  it('the attack of issue 16: a revoked area-admin key on a gateway that cached it cannot read, re-activate its organisation or mint a key', async () => {
    const areaAdminOrg = (await service.call('GET', '/v1/me', { key: own.areaAdminKey })).body
      .orgId as string;
    const stolen = await admin('POST', `/v1/organisations/${areaAdminOrg}/keys`, {
      body: { name: 'Skripti' },
    });
    expect(stolen.status).toBe(201);
    const gateway = await service.gateway();
    try {
      // The gateway caches the authorizer's answer for five minutes, as API Gateway does by default.
      process.env.KAIKU_AUTH_CACHE_SECONDS = '300';
      expect((await gateway.call('GET', '/v1/areas', { key: stolen.body.apiKey })).status).toBe(200);
      expect((await admin('DELETE', `/v1/keys/${stolen.body.keyId}`)).status).toBe(200);
      expect(
        (await admin('PATCH', `/v1/organisations/${areaAdminOrg}`, { body: { status: 'inactive' } })).status,
      ).toBe(200);
      const keysBefore = (await admin('GET', `/v1/organisations/${areaAdminOrg}/keys?limit=500`)).body.items;

      // Within the cache time, from the gateway that cached it: refused at once, whatever it asks.
      expectError(
        await gateway.call('GET', '/v1/areas', { key: stolen.body.apiKey }),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await gateway.call('PATCH', `/v1/organisations/${areaAdminOrg}`, {
          key: stolen.body.apiKey,
          body: { status: 'active' },
        }),
        401,
        'UNAUTHENTICATED',
      );
      expectError(
        await gateway.call('POST', `/v1/organisations/${areaAdminOrg}/keys`, {
          key: stolen.body.apiKey,
          body: {},
        }),
        401,
        'UNAUTHENTICATED',
      );
      // Nothing changed: the organisation is still inactive, no key was added, no entry names the key.
      expect((await getItem({ pk: `ORG#${areaAdminOrg}`, sk: 'ORG' }))!.status).toBe('inactive');
      expect((await admin('GET', `/v1/organisations/${areaAdminOrg}/keys?limit=500`)).body.items).toEqual(
        keysBefore,
      );
      expect(
        (await audit(service.adminKey)).filter((entry) => entry.actor.keyId === stolen.body.keyId),
      ).toEqual([]);
    } finally {
      await gateway.close();
      process.env.KAIKU_AUTH_CACHE_SECONDS = '0';
      await admin('PATCH', `/v1/organisations/${areaAdminOrg}`, { body: { status: 'active' } });
    }
  });

  it("a key never changes its own organisation's status (403), even a valid one; other changes it may make", async () => {
    const areaAdminOrg = (await service.call('GET', '/v1/me', { key: own.areaAdminKey })).body
      .orgId as string;
    for (const status of ['inactive', 'active'])
      expectError(
        await service.call('PATCH', `/v1/organisations/${areaAdminOrg}`, {
          key: own.areaAdminKey,
          body: { status },
        }),
        403,
        'FORBIDDEN',
      );
    expect((await getItem({ pk: `ORG#${areaAdminOrg}`, sk: 'ORG' }))!.status).toBe('active');
    const venue = await withKey(own, { kind: 'venue' });
    expect(
      (
        await service.call('PATCH', `/v1/organisations/${venue.orgId}`, {
          key: own.areaAdminKey,
          body: { status: 'inactive' },
        })
      ).status,
    ).toBe(200);
  });

  it('keeps lastUsedAt without a write per request: set on first use, then at most once an hour', async () => {
    const venue = await withKey(own, { kind: 'venue' });
    const stored = () => getItem(apiKeyKey(venue.keyId));
    expect((await stored())!.lastUsedAt).toBeUndefined();
    const listed = async () =>
      (
        await service.call('GET', `/v1/organisations/${venue.orgId}/keys`, { key: own.areaAdminKey })
      ).body.items.find((item: any) => item.keyId === venue.keyId);
    expect((await listed()).lastUsedAt).toBeUndefined();
    const start = nowMs();
    expect((await service.call('GET', '/v1/usages', { key: venue.key })).status).toBe(200);
    const first = (await stored())!.lastUsedAt as string;
    expect(typeof first).toBe('string');
    expect(Date.parse(first)).toBeGreaterThanOrEqual(start - 1_000);
    expect((await listed()).lastUsedAt).toBe(first);
    // The cache is off in this file, so the authorizer runs for each of these: still no new write.
    for (let i = 0; i < 5; i++)
      expect((await service.call('GET', '/v1/usages', { key: venue.key })).status).toBe(200);
    expect((await stored())!.lastUsedAt).toBe(first);
    // An hour later (here: the stored time moved back), the next use writes it again.
    const hourAgo = new Date(nowMs() - 3_700_000).toISOString();
    await documentClient().send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: apiKeyKey(venue.keyId),
        UpdateExpression: 'SET lastUsedAt = :at',
        ExpressionAttributeValues: { ':at': hourAgo },
      }),
    );
    expect((await service.call('GET', '/v1/usages', { key: venue.key })).status).toBe(200);
    const later = (await stored())!.lastUsedAt as string;
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first) - 1);
    expect(later).not.toBe(hourAgo);
  });
});

describe('ticket agents', () => {
  it('record uses for any active venue (venueId required); the use counts for that venue and its area', async () => {
    const agent = await nationalWithKey('ticket-agent');
    const ownDistributor = await withKey(own);
    const ownVenue = await withKey(own, { kind: 'venue' });
    const otherVenue = await withKey(other, { kind: 'venue' }, service.adminKey);
    const card = (
      await service.call('POST', '/v1/cards', {
        key: ownDistributor.key,
        body: { cardType: 'personal', birthYear: 1985, postalCode: '02600', minorChildren: 2 },
      })
    ).body;
    const use = { cardNumber: card.cardNumber, sector: 'education', adults: 1, children: 2 };
    expectError(await service.recordUse(agent.key, use), 400, 'VALIDATION_FAILED', ['venueId']);
    expectError(await service.recordUse(agent.key, { ...use, venueId: 'odoesnotexist' }), 404, 'NOT_FOUND');
    // A distributor is not a venue.
    expectError(
      await service.recordUse(agent.key, { ...use, venueId: ownDistributor.orgId }),
      404,
      'NOT_FOUND',
    );

    const ownBefore = await useAggregate(own.areaId, 'education');
    const otherBefore = await useAggregate(other.areaId, 'education');
    const here = await service.recordUse(agent.key, { ...use, venueId: ownVenue.orgId });
    expect(here.status).toBe(201);
    expect(here.body.venueId).toBe(ownVenue.orgId);
    const there = await service.recordUse(agent.key, { ...use, venueId: otherVenue.orgId });
    expect(there.status).toBe(201);
    expect(there.body.venueId).toBe(otherVenue.orgId);
    expect(await useAggregate(own.areaId, 'education')).toEqual({
      adultUses: ownBefore.adultUses + 1,
      childUses: ownBefore.childUses + 2,
      records: ownBefore.records + 1,
    });
    expect(await useAggregate(other.areaId, 'education')).toEqual({
      adultUses: otherBefore.adultUses + 1,
      childUses: otherBefore.childUses + 2,
      records: otherBefore.records + 1,
    });
    // Each area sees the use made at its venue, and the venue sees it as its own.
    const ownList = (await service.call('GET', '/v1/usages?limit=500', { key: own.areaAdminKey })).body.items;
    expect(ownList.find((item: any) => item.usageId === here.body.usageId)).toMatchObject({
      venueId: ownVenue.orgId,
      areaId: own.areaId,
    });
    expect(ownList.some((item: any) => item.usageId === there.body.usageId)).toBe(false);
    const otherList = (await service.call('GET', '/v1/usages?limit=500', { key: other.areaAdminKey })).body
      .items;
    expect(otherList.find((item: any) => item.usageId === there.body.usageId)).toMatchObject({
      venueId: otherVenue.orgId,
      areaId: other.areaId,
    });
    const venueList = (await service.call('GET', '/v1/usages', { key: ownVenue.key })).body.items;
    expect(venueList.map((item: any) => item.usageId)).toEqual([here.body.usageId]);

    const batch = await service.call('POST', '/v1/usages/batch', {
      key: agent.key,
      body: {
        items: [
          { clientRef: 'b1', ...use, venueId: otherVenue.orgId, sector: 'culture' },
          { clientRef: 'b2', ...use, sector: 'culture' },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0]).toMatchObject({ clientRef: 'b1', status: 'created' });
    expect(batch.body.results[1]).toMatchObject({
      clientRef: 'b2',
      status: 'failed',
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});

describe('GET /v1/audit', () => {
  it('lists every kind of administrative action; an area-admin sees its own area only', async () => {
    const distributor = await withKey(own);
    const venue = await withKey(own, { kind: 'venue' });
    const card = (
      await service.call('POST', '/v1/cards', { key: distributor.key, body: { cardType: 'community' } })
    ).body;
    const revoke = await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: distributor.key,
      body: { reason: 'lost' },
    });
    expect(revoke.status).toBe(200);
    // Revoking again is refused, and writes no second entry.
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
        key: distributor.key,
        body: { reason: 'lost' },
      }),
      422,
      'CARD_REVOKED',
    );
    const second = (
      await service.call('POST', '/v1/cards', { key: distributor.key, body: { cardType: 'community' } })
    ).body;
    const used = await service.recordUse(venue.key, {
      cardNumber: second.cardNumber,
      sector: 'science',
      adults: 2,
      children: 0,
    });
    expect((await service.call('DELETE', `/v1/usages/${used.body.usageId}`, { key: venue.key })).status).toBe(
      200,
    );
    expect((await service.call('DELETE', `/v1/usages/${used.body.usageId}`, { key: venue.key })).status).toBe(
      200,
    );
    const rejected = await service.apply({ municipalityCodes: ['257'] });
    expect(
      (
        await admin('POST', `/v1/applications/${rejected.id}/reject`, {
          body: { reason: 'Join Espoo instead.' },
        })
      ).status,
    ).toBe(200);
    const renamed = await service.call('PATCH', `/v1/organisations/${venue.orgId}`, {
      key: own.areaAdminKey,
      body: { name: 'Renamed' },
    });
    expect(renamed.status).toBe(200);
    expect((await service.call('DELETE', `/v1/keys/${venue.keyId}`, { key: own.areaAdminKey })).status).toBe(
      200,
    );

    const everything = await audit(service.adminKey);
    const actions = new Set(everything.map((entry) => entry.action));
    expect([...actions].sort()).toEqual(
      [
        'application.approved',
        'application.rejected',
        'card.revoked',
        'key.created',
        'key.revoked',
        'organisation.created',
        'organisation.updated',
        // The approval invited the application's two contact persons (through the run's identity provider).
        'person.invited',
        'usage.voided',
      ].sort(),
    );
    const find = (entries: any[], action: string, target: string) =>
      entries.filter((entry) => entry.action === action && entry.target === target);
    const areaEntries = await audit(own.areaAdminKey);
    for (const entries of [everything, areaEntries]) {
      expect(find(entries, 'card.revoked', `card/${card.cardNumber}`)).toEqual([
        {
          at: expect.any(String),
          actor: { kind: 'key', orgId: distributor.orgId, keyId: distributor.keyId, role: 'distributor' },
          action: 'card.revoked',
          target: `card/${card.cardNumber}`,
          areaId: own.areaId,
        },
      ]);
      expect(find(entries, 'usage.voided', `usage/${used.body.usageId}`)).toEqual([
        {
          at: expect.any(String),
          actor: { kind: 'key', orgId: venue.orgId, keyId: venue.keyId, role: 'venue' },
          action: 'usage.voided',
          target: `usage/${used.body.usageId}`,
          areaId: own.areaId,
        },
      ]);
      expect(find(entries, 'key.revoked', `key/${venue.keyId}`)).toHaveLength(1);
      expect(find(entries, 'organisation.updated', `organisation/${venue.orgId}`)).toHaveLength(1);
      expect(find(entries, 'application.approved', `application/${own.applicationId}`)).toHaveLength(1);
    }
    expect(find(everything, 'application.rejected', `application/${rejected.id}`)).toEqual([
      {
        at: expect.any(String),
        actor: { kind: 'key', orgId: 'national-centre', keyId: expect.any(String), role: 'admin' },
        action: 'application.rejected',
        target: `application/${rejected.id}`,
      },
    ]);
    // An area-admin sees its own area's entries and nothing else.
    expect(areaEntries.length).toBeGreaterThan(0);
    expect(areaEntries.every((entry) => entry.areaId === own.areaId)).toBe(true);
    expect(everything.some((entry) => entry.areaId === other.areaId)).toBe(true);
    expect(everything.some((entry) => entry.areaId === undefined)).toBe(true);
    // The other area-admin sees none of ours.
    expect((await audit(other.areaAdminKey)).every((entry) => entry.areaId === other.areaId)).toBe(true);
    // Oldest first, instants with a zone.
    const times = everything.map((entry) => entry.at);
    expect([...times].sort()).toEqual(times);
    expect(times.every((at) => /Z$|[+-]\d\d:\d\d$/.test(at))).toBe(true);
  });

  it('takes a range of days (default the last 30) and pages', async () => {
    const day = today();
    expect((await audit(service.adminKey, `&from=${day}&to=${day}`)).length).toBeGreaterThan(0);
    const yesterday = addDays(day, -1);
    expect(await audit(service.adminKey, `&from=${addDays(day, -40)}&to=${yesterday}`)).toEqual([]);
    expect(await audit(own.areaAdminKey, `&from=${addDays(day, -40)}&to=${yesterday}`)).toEqual([]);
    expectError(
      await service.call('GET', `/v1/audit?from=${day}&to=${yesterday}`, { key: service.adminKey }),
      400,
      'VALIDATION_FAILED',
      ['from'],
    );
    expectError(
      await service.call('GET', '/v1/audit?from=2026-02-30', { key: service.adminKey }),
      400,
      'VALIDATION_FAILED',
      ['from'],
    );
    const all = await audit(service.adminKey);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.call(
        'GET',
        `/v1/audit?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: service.adminKey },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((entry: any) => `${entry.at} ${entry.action} ${entry.target}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((entry) => `${entry.at} ${entry.action} ${entry.target}`));
  });
});
