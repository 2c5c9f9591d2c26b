// Real answers of the local service against the openapi.json it serves: every route answers at least once
// with success, and a sample of refusals (400, 401 ours and the gateway's, 403, 404, 409, 422) answers
// too; each answer's status must be documented for its route, and its body must validate against the
// schema documented for that route and status. This is what makes the document (and the web app's types,
// generated from it) trustworthy.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { today } from '../../shared/lib/dates.ts';
import { invitationTo } from '../support/identity.ts';
import { validateJson } from '../support/json-schema.ts';
import {
  applicationBody,
  type CallOptions,
  type Reply,
  startTestService,
  type TestService,
  viaCloudFront,
} from '../support/service.ts';

let service: TestService;
let document: any;
beforeAll(async () => {
  service = await startTestService();
  document = (await service.call('GET', '/v1/openapi.json')).body;
});
afterAll(() => service?.stop());

const problems: string[] = [];
const answered = new Set<string>();

/** Calls the route and checks the answer against the document; returns the answer. */
async function call(
  method: Route['method'],
  route: string,
  values: Record<string, string>,
  options: CallOptions = {},
): Promise<Reply> {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  const query = values.query ? `?${values.query}` : '';
  const reply = await service.call(method, `${path}${query}`, options);
  const name = `${method} ${route} ${reply.status}`;
  answered.add(name);
  const operation = document.paths[route]?.[method.toLowerCase()];
  let response = operation?.responses?.[String(reply.status)];
  if (response?.$ref) response = document.components.responses[response.$ref.split('/').pop()];
  if (!response) {
    problems.push(`${name}: this status is not documented (${reply.text.slice(0, 200)})`);
    return reply;
  }
  const type = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = response.content?.[type];
  if (!media) {
    problems.push(`${name}: ${type} is not documented`);
    return reply;
  }
  if (type === 'application/json')
    for (const problem of validateJson(media.schema, reply.body, document))
      problems.push(`${name}: ${problem}`);
  return reply;
}

const expectStatus = (reply: Reply, status: number) => expect(reply.status, reply.text).toBe(status);

describe('answers of the running service', () => {
  it('validate against the documented schema of their route and status', async () => {
    const admin = { key: service.adminKey };
    expectStatus(await call('GET', '/v1/health', {}), 200);
    expectStatus(await call('GET', '/v1/openapi.json', {}), 200);
    expectStatus(await call('GET', '/v1/municipalities', {}), 200);

    // Onboarding: three applications from one client (its limit), one approved, two rejected.
    const apply = (
      n: number,
      body = applicationBody({ municipalityCodes: [['049', '235', '257', '078'][n]!] }, n),
    ) => call('POST', '/v1/applications', {}, { body, headers: viaCloudFront(7) });
    const submitted = [await apply(0), await apply(1), await apply(2)];
    for (const reply of submitted) expectStatus(reply, 201);
    const [first, second, third] = submitted.map((reply) => reply.body);
    const personal = applicationBody({ areaName: 'Hakija 131052-308T' }, 9);
    expectStatus(await apply(3, personal), 400);
    expectStatus(await apply(3), 409);
    const claim = { headers: { 'x-claim-token': first.claimToken } };
    expectStatus(await call('GET', '/v1/applications/{id}', { id: first.id }, claim), 200);
    expectStatus(await call('GET', '/v1/applications', { query: 'status=pending' }, admin), 200);
    const approved = await call(
      'POST',
      '/v1/applications/{id}/approve',
      { id: first.id },
      { ...admin, body: {} },
    );
    expectStatus(approved, 200);
    expectStatus(
      await call('POST', '/v1/applications/{id}/approve', { id: first.id }, { ...admin, body: {} }),
      409,
    );
    const claimed = await call('GET', '/v1/applications/{id}', { id: first.id }, claim);
    expectStatus(claimed, 200);
    const areaId: string = approved.body.areaId;
    const areaAdmin = { key: claimed.body.apiKey as string };
    expectStatus(
      await call(
        'POST',
        '/v1/applications/{id}/reject',
        { id: second.id },
        { ...admin, body: { reason: 'Twice.' } },
      ),
      200,
    );
    expectStatus(
      await call(
        'POST',
        '/v1/applications/reject-pending',
        {},
        { ...admin, body: { ids: [third.id, 'app-nobody'], reason: 'Sent by mistake.' } },
      ),
      200,
    );

    // The area, its organisations and keys.
    expectStatus(await call('GET', '/v1/areas', {}, admin), 200);
    expectStatus(await call('GET', '/v1/areas/{areaId}', { areaId }, areaAdmin), 200);
    expectStatus(await call('GET', '/v1/areas/{areaId}', { areaId: 'a-none' }, admin), 404);
    const organisation = (kind: string) =>
      call(
        'POST',
        '/v1/areas/{areaId}/organisations',
        { areaId },
        {
          ...areaAdmin,
          body: { kind, name: `Test ${kind}`, municipalityCode: '049', contactEmail: `${kind}@example.org` },
        },
      );
    const venue = await organisation('venue');
    const distributorOrg = await organisation('distributor');
    expectStatus(venue, 201);
    expectStatus(distributorOrg, 201);
    expectStatus(await call('GET', '/v1/areas/{areaId}/organisations', { areaId }, areaAdmin), 200);
    expectStatus(
      await call(
        'PATCH',
        '/v1/organisations/{orgId}',
        { orgId: venue.body.id },
        { ...areaAdmin, body: { cardLimitPerDay: 5 } },
      ),
      200,
    );
    // The venue's public profile, published, and the public directory that lists it.
    expectStatus(
      await call('GET', '/v1/organisations/{orgId}/profile', { orgId: venue.body.id }, areaAdmin),
      200,
    );
    expectStatus(
      await call(
        'PUT',
        '/v1/organisations/{orgId}/profile',
        { orgId: venue.body.id },
        {
          ...areaAdmin,
          body: {
            published: true,
            sectors: ['culture'],
            offer: { fi: 'Vapaa pääsy', sv: 'Fritt inträde' },
            website: 'https://example.org',
            accessibility: { fi: 'Esteetön' },
          },
        },
      ),
      200,
    );
    const listed = await call('GET', '/v1/venues', { query: 'municipality=049&sector=culture' });
    expectStatus(listed, 200);
    expect(listed.body.items.map((item: any) => item.venueId)).toContain(venue.body.id);
    expectStatus(
      await call(
        'PUT',
        '/v1/organisations/{orgId}/profile',
        { orgId: venue.body.id },
        {
          ...areaAdmin,
          body: { published: true, sectors: ['culture'], offer: { fi: 'x' }, website: 'http://x.fi' },
        },
      ),
      400,
    );
    // People of the venue: invited by the area admin (through the run's identity provider, which writes
    // the invitation), listed and removed; a second factor is a person's own, so a key is refused.
    expectStatus(await call('GET', '/v1/auth/config', {}), 200);
    const people = { orgId: venue.body.id };
    const invited = await call('POST', '/v1/organisations/{orgId}/people', people, {
      ...areaAdmin,
      body: { email: 'desk.worker@venue.example', name: 'Desk Worker' },
    });
    expectStatus(invited, 201);
    expectStatus(await call('GET', '/v1/organisations/{orgId}/people', people, areaAdmin), 200);
    expectStatus(await call('POST', '/v1/me/second-factor', {}, { ...areaAdmin, body: {} }), 403);
    // The invited person signs in through the provider's own pages and asks for their second factor.
    const identity = inject('identity');
    const tokens = await signInOverHttp({
      issuer: identity.issuer,
      clientId: identity.clientId,
      redirectUri: 'http://localhost:3999/signed-in',
      email: 'desk.worker@venue.example',
      password: invitationTo(identity.outboxDir, 'desk.worker@venue.example').password,
      newPassword: 'Kaiku-desk-2026-long',
    });
    expectStatus(await call('POST', '/v1/me/second-factor', {}, { key: tokens.access_token, body: {} }), 200);
    const person = { personId: invited.body.personId };
    for (const status of ['disabled', 'active'])
      expectStatus(await call('PATCH', '/v1/people/{personId}', person, { ...admin, body: { status } }), 200);
    expectStatus(
      await call(
        'DELETE',
        '/v1/organisations/{orgId}/people/{personId}',
        { ...people, personId: invited.body.personId },
        areaAdmin,
      ),
      200,
    );
    const national = { name: 'National', contactEmail: 'national@example.org' };
    expectStatus(await call('POST', '/v1/ticket-agents', {}, { ...admin, body: national }), 201);
    const partnerOrg = await call('POST', '/v1/partners', {}, { ...admin, body: national });
    expectStatus(partnerOrg, 201);
    const keyOf = async (orgId: string) => {
      const reply = await call('POST', '/v1/organisations/{orgId}/keys', { orgId }, { ...admin, body: {} });
      expectStatus(reply, 201);
      return reply.body as { keyId: string; apiKey: string };
    };
    const venueKey = { key: (await keyOf(venue.body.id)).apiKey };
    const distributor = { key: (await keyOf(distributorOrg.body.id)).apiKey };
    const partner = { key: (await keyOf(partnerOrg.body.id)).apiKey };
    const spare = await keyOf(venue.body.id);
    expectStatus(
      await call('GET', '/v1/organisations/{orgId}/keys', { orgId: venue.body.id }, areaAdmin),
      200,
    );
    expectStatus(await call('DELETE', '/v1/keys/{keyId}', { keyId: spare.keyId }, areaAdmin), 200);
    expectStatus(await call('GET', '/v1/me', {}, venueKey), 200);
    expectStatus(await call('GET', '/v1/me', {}, admin), 200);
    expectStatus(await call('GET', '/v1/me', {}), 401);
    expectStatus(await call('GET', '/v1/me', {}, { key: 'kk.nobody.secret' }), 401);
    expectStatus(await call('GET', '/v1/audit', {}, venueKey), 403);

    // Cards.
    const holder = { cardType: 'personal', birthYear: 1990, postalCode: '02100', minorChildren: 2 };
    const card = await call(
      'POST',
      '/v1/cards',
      {},
      { ...distributor, body: { ...holder, gender: 'female' } },
    );
    expectStatus(card, 201);
    const community = await call(
      'POST',
      '/v1/cards',
      {},
      { ...distributor, body: { cardType: 'community' } },
    );
    expectStatus(community, 201);
    expectStatus(
      await call(
        'POST',
        '/v1/cards',
        {},
        { ...distributor, body: { ...holder, cardNumber: card.body.cardNumber } },
      ),
      409,
    );
    expectStatus(
      await call('POST', '/v1/cards', {}, { ...distributor, body: { ...holder, minorChildren: 99 } }),
      400,
    );
    const cardNumber: string = card.body.cardNumber;
    // The unit's own cards, a status at a time; another role, and a status that is none, refused.
    expectStatus(await call('GET', '/v1/cards', { query: 'status=active&limit=1' }, distributor), 200);
    expectStatus(await call('GET', '/v1/cards', { query: 'status=lost' }, distributor), 400);
    expectStatus(await call('GET', '/v1/cards', {}, venueKey), 403);
    expectStatus(await call('GET', '/v1/cards/{cardNumber}', { cardNumber }, distributor), 200);
    expectStatus(await call('GET', '/v1/cards/{cardNumber}', { cardNumber }, venueKey), 200);
    expectStatus(
      await call('GET', '/v1/cards/{cardNumber}', { cardNumber: generateCardNumber() }, distributor),
      404,
    );
    expectStatus(
      await call(
        'PATCH',
        '/v1/cards/{cardNumber}',
        { cardNumber },
        { ...distributor, body: { postalCode: '00100' } },
      ),
      200,
    );
    expectStatus(
      await call('POST', '/v1/cards/{cardNumber}/renew', { cardNumber }, { ...distributor, body: {} }),
      200,
    );

    // Uses.
    const use = { cardNumber, sector: 'culture', adults: 1, children: 2, eventName: 'Concert' };
    const once = { ...venueKey, body: use, headers: { 'idempotency-key': 'openapi-1' } };
    const recorded = await call('POST', '/v1/usages', {}, once);
    expectStatus(recorded, 201);
    expectStatus(await call('POST', '/v1/usages', {}, once), 200);
    expectStatus(await call('POST', '/v1/usages', {}, { ...once, body: { ...use, children: 1 } }), 422);
    const rows = [
      { clientRef: 'row-1', ...use, children: 0 },
      { clientRef: 'row-2', ...use, children: 9 },
    ];
    expectStatus(await call('POST', '/v1/usages/batch', {}, { ...venueKey, body: { items: rows } }), 200);
    const range = `from=${today()}&to=${today()}`;
    expectStatus(await call('GET', '/v1/usages', { query: range }, venueKey), 200);
    const csv = await call('GET', '/v1/usages', { query: `${range}&format=csv` }, venueKey);
    expectStatus(csv, 200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expectStatus(
      await call('DELETE', '/v1/usages/{usageId}', { usageId: recorded.body.usageId }, venueKey),
      200,
    );
    expectStatus(
      await call(
        'POST',
        '/v1/cards/{cardNumber}/replace',
        { cardNumber: community.body.cardNumber },
        { ...distributor, body: {} },
      ),
      201,
    );
    expectStatus(
      await call(
        'POST',
        '/v1/cards/{cardNumber}/revoke',
        { cardNumber },
        { ...distributor, body: { reason: 'lost' } },
      ),
      200,
    );
    const refused = await call(
      'POST',
      '/v1/usages',
      {},
      { ...once, headers: { 'idempotency-key': 'openapi-2' } },
    );
    expectStatus(refused, 422);
    expect(refused.body.error.code).toBe('CARD_REVOKED');

    // The area's view and the statistics.
    expectStatus(await call('GET', '/v1/cards/flags', {}, admin), 200);
    expectStatus(await call('GET', '/v1/audit', {}, admin), 200);
    expectStatus(await call('GET', '/v1/stats/summary', {}, admin), 200);
    expectStatus(await call('GET', '/v1/stats/summary', { query: `areaId=${areaId}` }, areaAdmin), 200);
    const snapshot = await call('POST', '/v1/stats/snapshots', {}, { ...admin, body: { date: today() } });
    expectStatus(snapshot, 202);
    expectStatus(await call('GET', '/v1/stats/snapshots', {}, partner), 200);
    expectStatus(await call('GET', '/v1/stats/snapshots/{date}', { date: today() }, partner), 200);
    expectStatus(await call('GET', '/v1/stats/snapshots/{date}', { date: today() }, admin), 200);

    expect(problems).toEqual([]);
    // Every route answered with success at least once.
    const unanswered = (routes as readonly Route[])
      .filter((route) => ![...answered].some((key) => key.startsWith(`${route.method} ${route.path} 2`)))
      .map((route) => `${route.method} ${route.path}`);
    expect(unanswered).toEqual([]);
    expect([...answered].filter((key) => / 4\d\d$/.test(key)).length).toBeGreaterThanOrEqual(9);
  }, 240_000);
});
