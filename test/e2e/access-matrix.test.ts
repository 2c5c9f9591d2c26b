// Who may do what, end to end: for every route of the route table, every role (and no key at all), on
// objects of the caller's own area and of another area. The expected statuses are written out here, not
// derived from the route table's roles, so that a change of either one shows. A route without a row fails.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry } from '../../shared/domain/audit.ts';
import { type Route, routeKey, routes } from '../../shared/http/routes.ts';
import { today } from '../../shared/lib/dates.ts';
import {
  apiKeyKey,
  applicationKey,
  cardKey,
  membershipKey,
  organisationKey,
  usageKey,
} from '../../shared/store/keys.ts';
import { addMembership } from '../../shared/store/people.ts';
import {
  applicationBody,
  type Caller,
  getItem,
  type Reply,
  startTestService,
  type TestService,
  viaCloudFront,
} from '../support/service.ts';

type Role = 'admin' | 'area-admin' | 'distributor' | 'venue' | 'ticket-agent' | 'partner';
/** The six roles, and a request with no Authorization header at all. */
type Who = Role | 'anonymous';
const everyone: readonly Who[] = [
  'admin',
  'area-admin',
  'distributor',
  'venue',
  'ticket-agent',
  'partner',
  'anonymous',
];
type Scope = 'own' | 'other';
/** Exactly the keys of the route table (the shared RouteKey is every method with every path). */
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;
type RouteKey = KeyOf<(typeof routes)[number]>;
type Statuses = Record<Who, number>;

interface Call {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The state of the object the call would change: a refused call must leave it as it was. */
  probe?: () => Promise<unknown>;
}

interface Row {
  /** The request for a caller, on objects of its own area or of the other one (fresh objects where it changes them). */
  call(scope: Scope, who: Who): Promise<Call>;
  own: Statuses;
  /** Absent when the route names no object of an area: the request is the same whoever's area. */
  other?: Statuses;
  /** Throttled public routes get a gateway (and so a bucket) of their own per request. */
  ownGateway?: boolean;
  /** What a successful answer must (not) contain, beyond its status. */
  check?(reply: Reply, scope: Scope, who: Who): void;
}

interface AreaFixture {
  areaId: string;
  municipalityCode: string;
  areaAdminKey: string;
  distributor: { orgId: string; key: string };
  venue: { orgId: string; key: string };
  /** An organisation that PATCH and the key routes act on, so they disturb no caller. */
  target: string;
  /** An inactive organisation: inviting to it is refused (422) once the caller may manage its people. */
  inactiveTarget: string;
  /** A personal card that nobody changes. */
  card: string;
  /** A community card for the uses the rows record. */
  communityCard: string;
  /** A use recorded by the area's venue. */
  usageId: string;
}

let service: TestService;
let call: Caller;
const keys = {} as Record<Role, string>;
const areas = {} as Record<Scope, AreaFixture>;
/** Applications that stay pending: their ids and claim tokens. */
const applications = {} as Record<Scope, { id: string; claimToken: string }>;

// Municipality codes of North Ostrobothnia (PP) and Central Finland (KS), one per new application.
const spareCodes = [
  ...[
    ...['139', '208', '244', '305', '317', '425', '436', '483', '494', '535', '563', '564', '615', '625'],
    ...['626', '630', '678', '691', '746', '748', '785', '791', '832', '859', '889', '977', '009', '069'],
  ].map((code) => ({ code, welfareArea: 'PP' })),
  ...['172', '179', '182', '216', '226', '249', '256', '265'].map((code) => ({ code, welfareArea: 'KS' })),
];
const nextApplicationBody = () => {
  const next = spareCodes.shift();
  if (!next) throw new Error('out of spare municipality codes');
  return applicationBody({
    areaName: `Applicant ${next.code}`,
    municipalityCodes: [next.code],
    welfareArea: next.welfareArea,
  });
};

async function ok(reply: Reply, status = 201): Promise<any> {
  if (reply.status !== status) throw new Error(`setup: ${reply.status} ${reply.text}`);
  return reply.body;
}

const freshCard = async (scope: Scope, body: Record<string, unknown> = { cardType: 'community' }) =>
  (await ok(await call('POST', '/v1/cards', { key: areas[scope].distributor.key, body })))
    .cardNumber as string;

const freshUse = async (scope: Scope) =>
  (
    await ok(
      await service.recordUse(areas[scope].venue.key, {
        cardNumber: areas[scope].communityCard,
        sector: 'sport',
        adults: 1,
        children: 0,
      }),
    )
  ).usageId as string;

const freshKey = async (scope: Scope) =>
  (
    await ok(
      await call('POST', `/v1/organisations/${areas[scope].target}/keys`, { key: keys.admin, body: {} }),
    )
  ).keyId as string;

const freshApplication = async () => (await service.apply(nextApplicationBody())).id as string;

async function setUpArea(codes: string[], welfareArea: string, name: string): Promise<AreaFixture> {
  const area = await service.onboard({ areaName: name, municipalityCodes: codes, welfareArea });
  const organisation = async (kind: string, withKey: boolean) => {
    const created = await ok(
      await call('POST', `/v1/areas/${area.areaId}/organisations`, {
        key: area.areaAdminKey,
        body: { kind, name: `${name} ${kind}`, municipalityCode: codes[0], contactEmail: 'x@example.org' },
      }),
    );
    if (!withKey) return { orgId: created.id as string, key: '' };
    const minted = await ok(
      await call('POST', `/v1/organisations/${created.id}/keys`, { key: area.areaAdminKey, body: {} }),
    );
    return { orgId: created.id as string, key: minted.apiKey as string };
  };
  const distributor = await organisation('distributor', true);
  const venue = await organisation('venue', true);
  const target = (await organisation('distributor', false)).orgId;
  const inactiveTarget = (await organisation('venue', false)).orgId;
  await ok(
    await call('PATCH', `/v1/organisations/${inactiveTarget}`, {
      key: service.adminKey,
      body: { status: 'inactive' },
    }),
    200,
  );
  const personal = { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 1 };
  const card = (await ok(await call('POST', '/v1/cards', { key: distributor.key, body: personal })))
    .cardNumber;
  const communityCard = (
    await ok(await call('POST', '/v1/cards', { key: distributor.key, body: { cardType: 'community' } }))
  ).cardNumber;
  const usageId = (
    await ok(
      await service.recordUse(venue.key, {
        cardNumber: communityCard,
        sector: 'culture',
        adults: 1,
        children: 0,
      }),
    )
  ).usageId;
  return {
    areaId: area.areaId,
    municipalityCode: codes[0]!,
    areaAdminKey: area.areaAdminKey,
    distributor,
    venue,
    target,
    inactiveTarget,
    card,
    communityCard,
    usageId,
  };
}

/** The provider the service names to the web app (GET /v1/auth/config only reads it). */
const identity = { issuer: 'http://127.0.0.1:9/eu-north-1_matrix', clientId: 'matrixclient' };

/** A person who is a member of the scope's target organisation (written as an invitation would). */
async function freshMember(scope: Scope): Promise<string> {
  const personId = randomUUID();
  const at = new Date().toISOString();
  const added = await addMembership(
    { personId, email: `${personId}@example.org`, name: 'Test Person', status: 'invited', createdAt: at },
    {
      personId,
      orgId: areas[scope].target,
      role: 'distributor',
      areaId: areas[scope].areaId,
      manager: false,
      email: `${personId}@example.org`,
      name: 'Test Person',
      addedAt: at,
    },
    auditEntry(
      { kind: 'key', keyId: 'setup', orgId: 'national-centre', role: 'admin' },
      'person.invited',
      `person/${personId}`,
      areas[scope].areaId,
      new Date(),
    ),
  );
  if (!added) throw new Error('setup: membership not added');
  return personId;
}

beforeAll(async () => {
  service = await startTestService({ identity });
  call = service.call;
  areas.own = await setUpArea(['049', '235'], 'LU', 'Espoo ja Kauniainen');
  areas.other = await setUpArea(['405'], 'EK', 'Lappeenranta');
  const national = async (path: string) => {
    const created = await ok(
      await call('POST', path, {
        key: service.adminKey,
        body: { name: path, contactEmail: 'x@example.org' },
      }),
    );
    return (
      await ok(
        await call('POST', `/v1/organisations/${created.id}/keys`, { key: service.adminKey, body: {} }),
      )
    ).apiKey as string;
  };
  keys.admin = service.adminKey;
  keys['area-admin'] = areas.own.areaAdminKey;
  keys.distributor = areas.own.distributor.key;
  keys.venue = areas.own.venue.key;
  keys['ticket-agent'] = await national('/v1/ticket-agents');
  keys.partner = await national('/v1/partners');
  for (const scope of ['own', 'other'] as const) {
    const { id, claimToken } = await service.apply(nextApplicationBody());
    applications[scope] = { id, claimToken };
  }
  // Today's statistics snapshot, for the routes that read one.
  await ok(
    await call('POST', '/v1/stats/snapshots', { key: service.adminKey, body: { date: today() } }),
    202,
  );
}, 60_000);
afterAll(() => service?.stop());

const item = (key: { pk: string; sk: string }) => () => getItem(key);
const cardState = (cardNumber: string) => item(cardKey(cardNumber));

/** A use's body: ticket agents name the venue (the area's own venue for the scope). */
const useBody = (scope: Scope, who: Who) => ({
  cardNumber: areas[scope].communityCard,
  sector: 'education',
  adults: 1,
  children: 1,
  ...(who === 'ticket-agent' && { venueId: areas[scope].venue.orgId }),
});

const matrix: Record<RouteKey, Row> = {
  'GET /v1/health': {
    call: async () => ({ path: '/v1/health' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
  },
  'GET /v1/openapi.json': {
    call: async () => ({ path: '/v1/openapi.json' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
  },
  'GET /v1/municipalities': {
    call: async () => ({ path: '/v1/municipalities' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
    ownGateway: true,
    check: (reply) => {
      expect(reply.body.items).toHaveLength(309);
      const joined = reply.body.items.find((item: any) => item.code === areas.own.municipalityCode);
      expect(joined.areaId).toBe(areas.own.areaId);
    },
  },
  'GET /v1/venues': {
    call: async () => ({ path: '/v1/venues?municipality=049&sector=culture' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
    ownGateway: true,
    check: (reply) => {
      expect(reply.headers.get('cache-control')).toBe('public, max-age=300');
      expect(Array.isArray(reply.body.items)).toBe(true);
    },
  },
  'GET /v1/me': {
    call: async () => ({ path: '/v1/me' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 401,
    },
    check: (reply, _scope, who) => expect(reply.body).toMatchObject({ kind: 'key', role: who }),
  },
  'GET /v1/auth/config': {
    call: async () => ({ path: '/v1/auth/config' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
    ownGateway: true,
    check: (reply) => expect(reply.body).toEqual({ ...identity, scopes: expect.arrayContaining(['openid']) }),
  },
  'POST /v1/me/second-factor': {
    // Keys have no second factor: only a person may ask (test/e2e/people.test.ts).
    call: async () => ({ path: '/v1/me/second-factor', body: {} }),
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/organisations/{orgId}/people': {
    // On an inactive organisation: whoever may manage its people gets 422 before any invitation is sent
    // (the invitations themselves need the identity provider: test/e2e/people.test.ts).
    call: async (scope) => ({
      path: `/v1/organisations/${areas[scope].inactiveTarget}/people`,
      body: { email: 'new.person@example.org', name: 'New Person' },
    }),
    own: {
      admin: 422,
      'area-admin': 422,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
    other: {
      admin: 422,
      'area-admin': 404,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
  },
  'PATCH /v1/people/{personId}': {
    // Disabling is the national centre's alone (a person may belong to several areas). This file's
    // services have no identity provider (the directory's step needs one: test/e2e/person-disable.test.ts
    // disables a real person), so the admin is asked about a person who does not exist: past the role
    // check, the answer is 404; every other role is refused before.
    call: async () => ({ path: `/v1/people/${randomUUID()}`, body: { status: 'disabled' } }),
    own: {
      admin: 404,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'GET /v1/organisations/{orgId}/people': {
    call: async (scope) => ({ path: `/v1/organisations/${areas[scope].target}/people` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
    check: (reply) => expect(Array.isArray(reply.body.items)).toBe(true),
  },
  'DELETE /v1/organisations/{orgId}/people/{personId}': {
    call: async (scope) => {
      const personId = await freshMember(scope);
      return {
        path: `/v1/organisations/${areas[scope].target}/people/${personId}`,
        probe: item(membershipKey(personId, areas[scope].target)),
      };
    },
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.removed).toBe(true),
  },
  'POST /v1/cards': {
    call: async () => ({ path: '/v1/cards', body: { cardType: 'community' } }),
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 201,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.areaId).toBe(areas.own.areaId),
  },
  'GET /v1/cards/{cardNumber}': {
    call: async (scope) => ({ path: `/v1/cards/${areas[scope].card}` }),
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 403,
      anonymous: 401,
    },
    // Cards are nationwide at the door; the whole card is only for its own area's distributors.
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 404,
      venue: 200,
      'ticket-agent': 200,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, _scope, who) => {
      if (who === 'distributor')
        expect(reply.body).toMatchObject({ areaId: areas.own.areaId, birthYear: 1980 });
      else
        expect(Object.keys(reply.body).sort()).toEqual([
          'cardNumber',
          'cardType',
          'minorChildren',
          'status',
          'validUntil',
        ]);
    },
  },
  'PATCH /v1/cards/{cardNumber}': {
    call: async (scope) => {
      const card = await freshCard(scope, {
        cardType: 'personal',
        birthYear: 1990,
        postalCode: '00100',
        minorChildren: 0,
      });
      return { path: `/v1/cards/${card}`, body: { postalCode: '00200' }, probe: cardState(card) };
    },
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 200,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 404,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/cards/{cardNumber}/renew': {
    call: async (scope) => {
      const card = await freshCard(scope);
      return { path: `/v1/cards/${card}/renew`, body: {}, probe: cardState(card) };
    },
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 200,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 404,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/cards/{cardNumber}/revoke': {
    call: async (scope) => {
      const card = await freshCard(scope);
      return { path: `/v1/cards/${card}/revoke`, body: { reason: 'lost' }, probe: cardState(card) };
    },
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 200,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 404,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.status).toBe('revoked'),
  },
  'POST /v1/cards/{cardNumber}/replace': {
    call: async (scope) => {
      const card = await freshCard(scope);
      return { path: `/v1/cards/${card}/replace`, body: {}, probe: cardState(card) };
    },
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 201,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 404,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  // Which cards a distributor sees (only its own organisation's) is tested in card-list.test.ts.
  'GET /v1/cards': {
    call: async () => ({ path: '/v1/cards' }),
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 200,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  // Whose flags each role sees is tested in flags.test.ts (flags come from the stream).
  'GET /v1/cards/flags': {
    call: async () => ({ path: '/v1/cards/flags' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/usages': {
    call: async (scope, who) => ({
      path: '/v1/usages',
      body: useBody(scope, who),
      headers: { 'idempotency-key': `${scope}-${who}` },
    }),
    // Another area's card is welcome at any venue; a ticket agent records for any area's venue.
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 201,
      'ticket-agent': 201,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 201,
      'ticket-agent': 201,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, scope, who) =>
      expect(reply.body.venueId).toBe(who === 'venue' ? areas.own.venue.orgId : areas[scope].venue.orgId),
  },
  'POST /v1/usages/batch': {
    call: async (scope, who) => ({
      path: '/v1/usages/batch',
      body: { items: [{ clientRef: `batch-${scope}-${who}`, ...useBody(scope, who) }] },
    }),
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 200,
      'ticket-agent': 200,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 200,
      'ticket-agent': 200,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.results).toEqual([expect.objectContaining({ status: 'created' })]),
  },
  'DELETE /v1/usages/{usageId}': {
    call: async (scope) => {
      const usageId = await freshUse(scope);
      return { path: `/v1/usages/${usageId}`, probe: item(usageKey(usageId)) };
    },
    own: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 200,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 403,
      'area-admin': 403,
      distributor: 403,
      venue: 404,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.voided).toBe(true),
  },
  'GET /v1/usages': {
    call: async () => ({ path: '/v1/usages?limit=500' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 200,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, _scope, who) => {
      const ids = reply.body.items.map((use: any) => use.usageId);
      if (who === 'admin')
        expect(ids).toEqual(expect.arrayContaining([areas.own.usageId, areas.other.usageId]));
      else {
        expect(ids).toContain(areas.own.usageId);
        expect(ids).not.toContain(areas.other.usageId);
        for (const use of reply.body.items)
          if (who === 'venue') expect(use.venueId).toBe(areas.own.venue.orgId);
          else expect(use.areaId).toBe(areas.own.areaId);
      }
    },
  },
  'POST /v1/applications': {
    // Each from a client of its own: one client may have only 3 applications waiting.
    call: async () => ({
      path: '/v1/applications',
      body: nextApplicationBody(),
      headers: viaCloudFront(1000 + spareCodes.length),
    }),
    own: {
      admin: 201,
      'area-admin': 201,
      distributor: 201,
      venue: 201,
      'ticket-agent': 201,
      partner: 201,
      anonymous: 201,
    },
    ownGateway: true,
  },
  'GET /v1/applications/{id}': {
    // Own: the application the caller's claim token is for; other: someone else's, with that token.
    call: async (scope) => ({
      path: `/v1/applications/${applications[scope].id}`,
      headers: { 'x-claim-token': applications.own.claimToken },
    }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 200,
      venue: 200,
      'ticket-agent': 200,
      partner: 200,
      anonymous: 200,
    },
    other: {
      admin: 404,
      'area-admin': 404,
      distributor: 404,
      venue: 404,
      'ticket-agent': 404,
      partner: 404,
      anonymous: 404,
    },
    ownGateway: true,
    check: (reply) => expect(reply.body).toEqual({ id: applications.own.id, status: 'pending' }),
  },
  'GET /v1/applications': {
    call: async () => ({ path: '/v1/applications' }),
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/applications/{id}/approve': {
    call: async () => {
      const id = await freshApplication();
      return { path: `/v1/applications/${id}/approve`, body: {}, probe: item(applicationKey(id)) };
    },
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/applications/{id}/reject': {
    call: async () => {
      const id = await freshApplication();
      return {
        path: `/v1/applications/${id}/reject`,
        body: { reason: 'no' },
        probe: item(applicationKey(id)),
      };
    },
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/applications/reject-pending': {
    call: async () => {
      const id = await freshApplication();
      return {
        path: '/v1/applications/reject-pending',
        body: { reason: 'no', ids: [id] },
        probe: item(applicationKey(id)),
      };
    },
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body).toEqual({ rejected: [expect.any(String)], skipped: [] }),
  },
  'GET /v1/areas': {
    call: async () => ({ path: '/v1/areas?limit=500' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, _scope, who) => {
      const ids = reply.body.items.map((area: any) => area.id);
      if (who === 'admin')
        expect(ids).toEqual(expect.arrayContaining([areas.own.areaId, areas.other.areaId]));
      else expect(ids).toEqual([areas.own.areaId]);
    },
  },
  'GET /v1/areas/{areaId}': {
    call: async (scope) => ({ path: `/v1/areas/${areas[scope].areaId}` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, scope) => expect(reply.body.id).toBe(areas[scope].areaId),
  },
  'POST /v1/areas/{areaId}/organisations': {
    call: async (scope) => ({
      path: `/v1/areas/${areas[scope].areaId}/organisations`,
      body: {
        kind: 'venue',
        name: 'Matrix venue',
        municipalityCode: areas[scope].municipalityCode,
        contactEmail: 'x@example.org',
      },
    }),
    own: {
      admin: 201,
      'area-admin': 201,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 201,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, scope) => expect(reply.body.areaId).toBe(areas[scope].areaId),
  },
  'GET /v1/areas/{areaId}/organisations': {
    call: async (scope) => ({ path: `/v1/areas/${areas[scope].areaId}/organisations?limit=500` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, scope) => {
      expect(reply.body.items.map((org: any) => org.id)).toContain(areas[scope].target);
      for (const org of reply.body.items) expect(org.areaId).toBe(areas[scope].areaId);
    },
  },
  'PATCH /v1/organisations/{orgId}': {
    call: async (scope, who) => ({
      path: `/v1/organisations/${areas[scope].target}`,
      body: { name: `Renamed by ${who}` },
      probe: async () => (await getItem(organisationKey(areas[scope].target)))?.status,
    }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'GET /v1/organisations/{orgId}/profile': {
    call: async (scope) => ({ path: `/v1/organisations/${areas[scope].venue.orgId}/profile` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 200,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 404,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'PUT /v1/organisations/{orgId}/profile': {
    call: async (scope, who) => ({
      path: `/v1/organisations/${areas[scope].venue.orgId}/profile`,
      body: { published: false, sectors: ['culture'], offer: { fi: `Tarjous, kirjoitti ${who}` } },
    }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 200,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 404,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/organisations/{orgId}/keys': {
    call: async (scope) => ({ path: `/v1/organisations/${areas[scope].target}/keys`, body: {} }),
    own: {
      admin: 201,
      'area-admin': 201,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 201,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.role).toBe('distributor'),
  },
  'GET /v1/organisations/{orgId}/keys': {
    call: async (scope) => ({ path: `/v1/organisations/${areas[scope].target}/keys` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => {
      for (const key of reply.body.items) expect(Object.keys(key)).not.toContain('apiKey');
      expect(reply.text).not.toMatch(/kk\.k[0-9a-f]{20}\./);
    },
  },
  'DELETE /v1/keys/{keyId}': {
    call: async (scope) => {
      const keyId = await freshKey(scope);
      return { path: `/v1/keys/${keyId}`, probe: item(apiKeyKey(keyId)) };
    },
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply) => expect(typeof reply.body.revokedAt).toBe('string'),
  },
  'POST /v1/ticket-agents': {
    call: async () => ({
      path: '/v1/ticket-agents',
      body: { name: 'Matrix tickets', contactEmail: 'x@example.org' },
    }),
    own: {
      admin: 201,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'POST /v1/partners': {
    call: async () => ({
      path: '/v1/partners',
      body: { name: 'Matrix partner', contactEmail: 'x@example.org' },
    }),
    own: {
      admin: 201,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
  'GET /v1/audit': {
    call: async () => ({ path: '/v1/audit?limit=500' }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    check: (reply, _scope, who) => {
      const entryAreas = new Set(reply.body.items.map((entry: any) => entry.areaId));
      if (who === 'admin')
        expect([...entryAreas]).toEqual(expect.arrayContaining([areas.own.areaId, areas.other.areaId]));
      else expect([...entryAreas]).toEqual([areas.own.areaId]);
    },
  },
  'GET /v1/stats/summary': {
    call: async (scope) => ({ path: `/v1/stats/summary?areaId=${areas[scope].areaId}` }),
    own: {
      admin: 200,
      'area-admin': 200,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    other: {
      admin: 200,
      'area-admin': 404,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
    // Each area has its two cards of the set-up at least.
    check: (reply) => expect(reply.body.cardsRegistered).toBeGreaterThanOrEqual(2),
  },
  'GET /v1/stats/snapshots': {
    call: async () => ({ path: '/v1/stats/snapshots' }),
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 200,
      anonymous: 401,
    },
    check: (reply) => expect(reply.body.items.map((snapshot: any) => snapshot.date)).toContain(today()),
  },
  'GET /v1/stats/snapshots/{date}': {
    call: async () => ({ path: `/v1/stats/snapshots/${today()}` }),
    own: {
      admin: 200,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 200,
      anonymous: 401,
    },
    check: (reply, _scope, who) => {
      expect(reply.body.files.length).toBeGreaterThan(0);
      if (who === 'partner') for (const file of reply.body.files) expect(file.name).toMatch(/^partner\//);
    },
  },
  'POST /v1/stats/snapshots': {
    call: async () => ({ path: '/v1/stats/snapshots', body: { date: today() } }),
    own: {
      admin: 202,
      'area-admin': 403,
      distributor: 403,
      venue: 403,
      'ticket-agent': 403,
      partner: 403,
      anonymous: 401,
    },
  },
};

interface Outcome {
  row: string;
  problem?: string;
}

/** Runs one cell: prepares the call, sends it as the caller, and says what (if anything) was wrong. */
async function runCell(key: RouteKey, scope: Scope, who: Who, expected: number): Promise<Outcome> {
  const row = `${key} | ${scope} | ${who}`;
  const spec = matrix[key];
  const method = key.split(' ')[0]!;
  const prepared = await spec.call(scope, who);
  const before = prepared.probe ? await prepared.probe() : undefined;
  let send: Caller = call;
  let close = async (): Promise<void> => undefined;
  if (spec.ownGateway) {
    const gateway = await service.gateway();
    send = gateway.call;
    close = gateway.close;
  }
  let reply: Reply;
  try {
    reply = await send(method, prepared.path, {
      ...(who !== 'anonymous' && { key: keys[who] }),
      body: prepared.body,
      headers: prepared.headers,
    });
  } finally {
    await close();
  }
  if (reply.status !== expected)
    return { row, problem: `status ${reply.status}, expected ${expected}: ${reply.text.slice(0, 200)}` };
  try {
    if (expected === 401) expect(reply.body).toEqual({ message: 'Unauthorized' });
    else if (expected === 403 || expected === 404)
      expect(reply.body.error.code).toBe(expected === 403 ? 'FORBIDDEN' : 'NOT_FOUND');
    else spec.check?.(reply, scope, who);
    if (expected >= 400 && prepared.probe) expect(await prepared.probe()).toEqual(before);
  } catch (error) {
    return { row, problem: (error as Error).message.slice(0, 300) };
  }
  return { row };
}

/** At most this many requests in flight: fast, and gentle with DynamoDB Local. */
async function inParallel<T>(tasks: Array<() => Promise<T>>, width = 8): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const routeKeys = (routes as readonly Route[]).map(routeKey) as RouteKey[];

describe('access matrix', () => {
  it('has rows for exactly the routes of the route table, each for every caller', () => {
    expect(Object.keys(matrix).sort()).toEqual([...routeKeys].sort());
    for (const [key, spec] of Object.entries(matrix)) {
      expect(Object.keys(spec.own).sort(), key).toEqual([...everyone].sort());
      if (spec.other) expect(Object.keys(spec.other).sort(), key).toEqual([...everyone].sort());
    }
  });

  it.each(routeKeys)('%s', async (key) => {
    const spec = matrix[key];
    const cells: Array<() => Promise<Outcome>> = [];
    for (const scope of ['own', 'other'] as const) {
      const statuses = scope === 'own' ? spec.own : spec.other;
      if (!statuses) continue;
      for (const who of everyone) cells.push(() => runCell(key, scope, who, statuses[who]));
    }
    const outcomes = await inParallel(cells);
    expect(outcomes.filter((outcome) => outcome.problem)).toEqual([]);
    expect(outcomes.length).toBe(spec.other ? 14 : 7);
  });

  it('a key that is not valid gets the contract’s 401 UNAUTHENTICATED on every route that needs one', async () => {
    const guarded = routeKeys.filter((key) => matrix[key].own.anonymous === 401);
    expect(guarded.length).toBeGreaterThan(20);
    const minted = await ok(
      await call('POST', `/v1/organisations/${areas.own.target}/keys`, { key: keys.admin, body: {} }),
    );
    await ok(await call('DELETE', `/v1/keys/${minted.keyId}`, { key: keys.admin }), 200);
    const badKeys = [
      'not-a-key',
      `kk.k${'0'.repeat(20)}.${'A'.repeat(43)}`,
      `${keys.venue.slice(0, -4)}AAAA`,
      minted.apiKey as string,
    ];
    const problems: string[] = [];
    const prepared = await Promise.all(guarded.map((key) => matrix[key].call('own', 'admin')));
    await inParallel(
      guarded.flatMap((key, index) =>
        badKeys.map((bad) => async () => {
          const { path, body, headers } = prepared[index]!;
          const reply = await call(key.split(' ')[0]!, path, { key: bad, body, headers });
          if (reply.status !== 401 || reply.body?.error?.code !== 'UNAUTHENTICATED')
            problems.push(`${key} with ${bad.slice(0, 12)}…: ${reply.status} ${reply.text.slice(0, 120)}`);
        }),
      ),
    );
    expect(problems).toEqual([]);
  });
});
