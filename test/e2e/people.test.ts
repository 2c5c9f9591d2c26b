// People signed in as themselves, end to end through the gateway, the authorizer and the handlers: their
// access tokens are checked for real (RS256 against the issuer's JWKS, served here by the test: the same
// check as against Cognito or the local provider), their role comes from their memberships in the table,
// and a removed membership or a disabled person is refused at the next request, cache or not.
// Invitations themselves need the identity provider's directory (the local provider): not here.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/contract/roles.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { personKey } from '../../shared/store/keys.ts';
import {
  addMembership,
  setPersonStatus,
  setSecondFactor,
  staffRetentionDays,
} from '../../shared/store/people.ts';
import { recordSensitive } from '../support/log-leaks.ts';
import {
  expectError,
  getItem,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

process.env.KAIKU_AUTH_CACHE_SECONDS = '300';
afterEach(() => {
  process.env.KAIKU_AUTH_CACHE_SECONDS = '300';
});

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const clientId = 'webappclient';
let jwksServer: Server;
let issuer: string;
let signingKey: SigningKey;
let otherKey: SigningKey;
let service: TestService;
let area: TestArea;
let areaAdminOrg: string;

async function startJwks(): Promise<void> {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((request, response) => {
    if (request.url?.endsWith('/.well-known/jwks.json')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/eu-north-1_test`;
}

/** An access token of Cognito's form for the person; `claims` and `options` spoil it where a test wants. */
function accessToken(
  sub: string,
  claims: JWTPayload = {},
  options: { key?: SigningKey; expiresIn?: string; issuer?: string; kid?: string } = {},
) {
  return new SignJWT({
    token_use: 'access',
    client_id: clientId,
    scope: 'openid email profile aws.cognito.signin.user.admin',
    username: sub,
    jti: randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'test-key-1' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? issuer)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(options.key ?? signingKey);
}

/** A person and their memberships, as invitations would have written them. */
async function person(
  memberships: { orgId: string; role: Role; areaId?: string; manager?: boolean }[],
  name = 'Maija Meikäläinen',
) {
  const personId = randomUUID();
  const email = `${personId.slice(0, 8)}@example.org`;
  const at = new Date().toISOString();
  for (const membership of memberships) {
    const added = await addMembership(
      { personId, email, name, status: 'invited', createdAt: at },
      {
        personId,
        email,
        name,
        manager: membership.manager ?? false,
        addedAt: at,
        orgId: membership.orgId,
        role: membership.role,
        ...(membership.areaId && { areaId: membership.areaId }),
      },
      auditEntry(
        { kind: 'key', keyId: 'setup', orgId: 'national-centre', role: 'admin' },
        'person.invited',
        `person/${personId}`,
        membership.areaId,
        new Date(),
      ),
    );
    if (!added) throw new Error('setup: membership not added');
  }
  const token = await accessToken(personId);
  // No line of any function's output may hold it (test/support/log-leaks.ts).
  recordSensitive('secret', 'accessToken', token);
  return { personId, token };
}

const as = (token: string, organisation?: string) => ({
  headers: {
    authorization: `Bearer ${token}`,
    ...(organisation && { 'x-kaiku-organisation': organisation }),
  },
});

beforeAll(async () => {
  await startJwks();
  service = await startTestService({ identity: { issuer, clientId } });
  area = await service.area();
  areaAdminOrg = (await service.call('GET', '/v1/me', { key: area.areaAdminKey })).body.orgId;
}, 60_000);
afterAll(async () => {
  await service?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

describe('a person signed in with an access token', () => {
  it('acts with the role of their membership; the audit names the person; GET /v1/me lists memberships', async () => {
    const desk = await person([{ orgId: area.distributorId, role: 'distributor', areaId: area.areaId }]);
    const me = await service.call('GET', '/v1/me', as(desk.token));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      kind: 'person',
      personId: desk.personId,
      name: 'Maija Meikäläinen',
      email: expect.stringContaining('@example.org'),
      memberships: [
        {
          orgId: area.distributorId,
          orgName: 'Social unit',
          role: 'distributor',
          areaId: area.areaId,
          manager: false,
        },
      ],
    });
    const card = await service.call('POST', '/v1/cards', {
      ...as(desk.token),
      body: { cardType: 'community' },
    });
    expect(card.status).toBe(201);
    expect(card.body.issuedBy).toBe(area.distributorId);
    const revoked = await service.call('POST', `/v1/cards/${card.body.cardNumber}/revoke`, {
      ...as(desk.token),
      body: { reason: 'lost' },
    });
    expect(revoked.status).toBe(200);
    const audit = await service.call('GET', '/v1/audit?limit=500', { key: area.areaAdminKey });
    expect(audit.body.items.filter((entry: any) => entry.target === `card/${card.body.cardNumber}`)).toEqual([
      {
        at: expect.any(String),
        actor: {
          kind: 'person',
          personId: desk.personId,
          name: 'Maija Meikäläinen',
          orgId: area.distributorId,
          role: 'distributor',
        },
        action: 'card.revoked',
        target: `card/${card.body.cardNumber}`,
        areaId: area.areaId,
      },
    ]);
    // The first signed-in request made the invited person active, with the time of the sign-in.
    const stored = await getItem({ pk: `PERSON#${desk.personId}`, sk: 'PERSON' });
    expect(stored).toMatchObject({ status: 'active', lastSignInAt: expect.any(String) });
    // The role is the membership's: a distributor may not record uses.
    expectError(
      await service.call('POST', '/v1/usages', {
        ...as(desk.token),
        body: { cardNumber: card.body.cardNumber, sector: 'sport', adults: 1, children: 0 },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it("a person at a venue records uses within the venue's own daily limit per card", async () => {
    const { venueId } = await service.venue(area.areaId, { cardLimitPerDay: 1 });
    const desk = await person([{ orgId: venueId, role: 'venue', areaId: area.areaId }]);
    const card = await service.issueCard(area, { cardType: 'community' });
    const use = (idempotencyKey: string) =>
      service.call('POST', '/v1/usages', {
        headers: { ...as(desk.token).headers, 'idempotency-key': idempotencyKey },
        body: { cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 },
      });
    const first = await use('first');
    expect(first.status).toBe(201);
    expect(first.body.venueId).toBe(venueId);
    expectError(await use('second'), 422, 'VENUE_LIMIT_REACHED');
  });

  it('chooses among several memberships with X-Kaiku-Organisation; without it 400; a foreign one 403', async () => {
    const both = await person([
      { orgId: area.distributorId, role: 'distributor', areaId: area.areaId },
      { orgId: area.venueId, role: 'venue', areaId: area.areaId },
    ]);
    expectError(await service.call('GET', '/v1/usages', as(both.token)), 400, 'VALIDATION_FAILED', [
      'X-Kaiku-Organisation',
    ]);
    expect((await service.call('GET', '/v1/usages', as(both.token, area.venueId))).status).toBe(200);
    expectError(
      await service.call('GET', '/v1/usages', as(both.token, area.distributorId)),
      403,
      'FORBIDDEN',
    );
    expectError(await service.call('GET', '/v1/usages', as(both.token, areaAdminOrg)), 403, 'FORBIDDEN');
    // GET /v1/me acts for no organisation: no header needed.
    expect((await service.call('GET', '/v1/me', as(both.token))).body.memberships).toHaveLength(2);
  });

  it('an area-admin person needs a second factor (403 MFA_REQUIRED) but may still ask who they are', async () => {
    const coordinator = await person([{ orgId: areaAdminOrg, role: 'area-admin', areaId: area.areaId }]);
    expectError(await service.call('GET', '/v1/areas', as(coordinator.token)), 403, 'MFA_REQUIRED');
    expect((await service.call('GET', '/v1/me', as(coordinator.token))).status).toBe(200);
    // Once the identity provider has confirmed a factor (POST /v1/me/second-factor records it):
    await setSecondFactor(coordinator.personId, 'totp', new Date());
    const areas = await service.call('GET', '/v1/areas', as(coordinator.token));
    expect(areas.status).toBe(200);
    expect(areas.body.items.map((item: any) => item.id)).toEqual([area.areaId]);
  });

  it('a removed membership is refused at the next request, also from a gateway that cached the token', async () => {
    const desk = await person([{ orgId: area.venueId, role: 'venue', areaId: area.areaId }]);
    const gateway = await service.gateway();
    try {
      expect((await gateway.call('GET', '/v1/usages', as(desk.token))).status).toBe(200);
      const removed = await service.call(
        'DELETE',
        `/v1/organisations/${area.venueId}/people/${desk.personId}`,
        {
          key: area.areaAdminKey,
        },
      );
      expect(removed.status).toBe(200);
      expectError(await gateway.call('GET', '/v1/usages', as(desk.token)), 403, 'FORBIDDEN');
      const audit = await service.call('GET', '/v1/audit?limit=500', { key: area.areaAdminKey });
      expect(
        audit.body.items.filter(
          (entry: any) => entry.action === 'person.removed' && entry.target === `person/${desk.personId}`,
        ),
      ).toHaveLength(1);
    } finally {
      await gateway.close();
    }
  });

  it('a person whose last membership is removed expires from the table after the retention time; a new membership keeps them', async () => {
    const worker = await person([
      { orgId: area.venueId, role: 'venue', areaId: area.areaId },
      { orgId: area.distributorId, role: 'distributor', areaId: area.areaId },
    ]);
    const remove = (orgId: string) =>
      service.call('DELETE', `/v1/organisations/${orgId}/people/${worker.personId}`, {
        key: area.areaAdminKey,
      });
    // One membership left: kept as they are.
    expect((await remove(area.venueId)).status).toBe(200);
    expect((await getItem(personKey(worker.personId)))?.expiresAt).toBeUndefined();
    // The last one: the table's TTL deletes the person staffRetentionDays later.
    const before = Math.floor(Date.now() / 1000);
    expect((await remove(area.distributorId)).status).toBe(200);
    const expiring = await getItem(personKey(worker.personId));
    expect(expiring?.expiresAt).toBeGreaterThanOrEqual(before + staffRetentionDays * 86_400);
    expect(expiring?.expiresAt).toBeLessThanOrEqual(before + staffRetentionDays * 86_400 + 120);
    expect(expiring).toMatchObject({ email: expect.any(String), name: expect.any(String) });
    // Invited again before that: the person stays.
    const at = new Date().toISOString();
    const person_ = { personId: worker.personId, email: expiring?.email, name: expiring?.name };
    expect(
      await addMembership(
        { ...person_, status: 'invited', createdAt: at },
        { ...person_, orgId: area.venueId, role: 'venue', areaId: area.areaId, manager: false, addedAt: at },
        auditEntry(
          { kind: 'key', keyId: 'setup', orgId: 'national-centre', role: 'admin' },
          'person.invited',
          `person/${worker.personId}`,
          area.areaId,
          new Date(),
        ),
      ),
    ).toBe(true);
    expect((await getItem(personKey(worker.personId)))?.expiresAt).toBeUndefined();
  });

  it('a disabled person is refused at the next request (401), also from a gateway that cached the token', async () => {
    const desk = await person([{ orgId: area.venueId, role: 'venue', areaId: area.areaId }]);
    const gateway = await service.gateway();
    try {
      expect((await gateway.call('GET', '/v1/usages', as(desk.token))).status).toBe(200);
      await setPersonStatus(desk.personId, 'disabled');
      expectError(await gateway.call('GET', '/v1/usages', as(desk.token)), 401, 'UNAUTHENTICATED');
    } finally {
      await gateway.close();
    }
  });

  it('refuses tokens that are not the web app’s valid access tokens (401), and people not known here', async () => {
    const desk = await person([{ orgId: area.venueId, role: 'venue', areaId: area.areaId }]);
    const spoiled = [
      await accessToken(desk.personId, {}, { key: otherKey }),
      await accessToken(desk.personId, {}, { expiresIn: '-1m' }),
      await accessToken(desk.personId, { token_use: 'id' }),
      await accessToken(desk.personId, { client_id: 'anotherclient' }),
      await accessToken(desk.personId, {}, { issuer: 'http://127.0.0.1:1/eu-north-1_other' }),
      await accessToken(desk.personId, {}, { kid: 'unknown-key' }),
      // Unsigned ("alg": "none"), with the same claims.
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${desk.token.split('.')[1]}.`,
      // A person the identity provider knows but this service does not.
      await accessToken(randomUUID()),
    ];
    for (const token of spoiled)
      expectError(await service.call('GET', '/v1/usages', as(token)), 401, 'UNAUTHENTICATED');
    expect((await service.call('GET', '/v1/usages', as(desk.token))).status).toBe(200);
  });

  it("a manager invites and removes their own organisation's people; a member who is not a manager may not", async () => {
    const manager = await person([
      { orgId: area.venueId, role: 'venue', areaId: area.areaId, manager: true },
    ]);
    const member = await person(
      [{ orgId: area.venueId, role: 'venue', areaId: area.areaId }],
      'Matti Virtanen',
    );
    const listed = await service.call(
      'GET',
      `/v1/organisations/${area.venueId}/people?limit=500`,
      as(manager.token),
    );
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual({
      personId: member.personId,
      email: expect.any(String),
      name: 'Matti Virtanen',
      status: 'invited',
      manager: false,
    });
    expectError(
      await service.call('GET', `/v1/organisations/${area.venueId}/people`, as(member.token)),
      403,
      'FORBIDDEN',
    );
    // Another organisation's people are not there for the manager.
    expectError(
      await service.call('GET', `/v1/organisations/${area.distributorId}/people`, as(manager.token)),
      404,
      'NOT_FOUND',
    );
    expect(
      (
        await service.call(
          'DELETE',
          `/v1/organisations/${area.venueId}/people/${member.personId}`,
          as(manager.token),
        )
      ).status,
    ).toBe(200);
    expectError(await service.call('GET', '/v1/usages', as(member.token)), 403, 'FORBIDDEN');
  });

  it('GET /v1/auth/config names the provider for the web app, without any key', async () => {
    // A gateway of its own: the route is throttled per gateway, like every public route.
    const gateway = await service.gateway();
    const config = await gateway.call('GET', '/v1/auth/config').finally(() => gateway.close());
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      issuer,
      clientId,
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    });
  });
});
