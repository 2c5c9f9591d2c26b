// What every answer says in its headers (nosniff; no-store where a secret is in it), and the one log line
// each request leaves, read from the functions' captured output as CloudWatch would read it.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInOverHttp } from '../../infra/local/identity/sign-in-client.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { invitationTo } from '../support/identity.ts';
import { newCardNumber, type Reply, startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const pathOf = (route: Route) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'cardNumber' ? newCardNumber() : 'x'));
const secretRoutes = new Set([
  'POST /v1/applications',
  'GET /v1/applications/{id}',
  'POST /v1/organisations/{orgId}/keys',
]);

function expectHeaders(reply: Reply, secret: boolean, what: string) {
  expect(reply.headers.get('x-content-type-options'), what).toBe('nosniff');
  // Issue 17: HSTS on every answer of the API, not only on the web app's files.
  expect(reply.headers.get('strict-transport-security'), what).toBe('max-age=31536000; includeSubDomains');
  if (secret) expect(reply.headers.get('cache-control'), what).toBe('no-store');
  // The public venue directory is cacheable by contract (at most 5 minutes); nothing else says it may be.
  else if (what.startsWith('GET /v1/venues ') && reply.status === 200)
    expect(reply.headers.get('cache-control'), what).toBe('public, max-age=300');
  else expect(reply.headers.get('cache-control'), what).toBeNull();
}

describe('headers', () => {
  it('every route answers nosniff, and no-store exactly where a secret may be in the answer', async () => {
    // Through a gateway of its own, whatever the answer (the point is the headers, not the status).
    const gateway = await service.gateway();
    try {
      for (const route of routes as readonly Route[]) {
        const key = `${route.method} ${route.path}`;
        const reply = await gateway.call(route.method, pathOf(route), {
          key: service.adminKey,
          ...(route.method !== 'GET' && route.method !== 'DELETE' && { body: {} }),
        });
        expectHeaders(reply, secretRoutes.has(key), `${key} ${reply.status}`);
      }
    } finally {
      await gateway.close();
    }
  }, 120_000);

  it('the answers that carry a secret: claim token, claimed area-admin key, new key', async () => {
    const { id, claimToken } = await service.apply({ municipalityCodes: ['091'], welfareArea: 'HKI' });
    expect(typeof claimToken).toBe('string');
    const applied = await service.call('GET', `/v1/applications/${id}`, {
      headers: { 'x-claim-token': claimToken },
    });
    expectHeaders(applied, true, 'GET /v1/applications/{id} pending');
    const approved = await service.call('POST', `/v1/applications/${id}/approve`, {
      key: service.adminKey,
      body: {},
    });
    expect(approved.status).toBe(200);
    expectHeaders(approved, false, 'approve');
    const claimed = await service.call('GET', `/v1/applications/${id}`, {
      headers: { 'x-claim-token': claimToken },
    });
    expect(typeof claimed.body.apiKey).toBe('string');
    expectHeaders(claimed, true, 'GET /v1/applications/{id} claimed');

    const area = await service.area();
    const key = await service.call('POST', `/v1/organisations/${area.venueId}/keys`, {
      key: service.adminKey,
      body: {},
    });
    expect(key.status).toBe(201);
    expectHeaders(key, true, 'POST /v1/organisations/{orgId}/keys');
    const keys = await service.call('GET', `/v1/organisations/${area.venueId}/keys`, {
      key: service.adminKey,
    });
    expectHeaders(keys, false, 'GET /v1/organisations/{orgId}/keys');
  });

  it("the gateway's own answers say nosniff too: 404, 401, 413, 429", async () => {
    const notFound = await service.call('GET', '/v1/no-such-route');
    expect(notFound.status).toBe(404);
    expectHeaders(notFound, false, '404');
    const noKey = await service.call('GET', '/v1/cards/x');
    expect(noKey.status).toBe(401);
    expectHeaders(noKey, false, '401');
    const tooLarge = await service.call('POST', '/v1/cards', {
      key: service.adminKey,
      rawBody: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
    expectHeaders(tooLarge, false, '413');
    const gateway = await service.gateway();
    try {
      let throttled: Reply | undefined;
      for (let i = 0; i < 20 && !throttled; i++) {
        const reply = await gateway.call('POST', '/v1/applications', { body: {} });
        if (reply.status === 429) throttled = reply;
      }
      expect(throttled?.status).toBe(429);
      // The gateway's own answer: it carries no secret, whatever the route.
      expectHeaders(throttled!, false, '429');
    } finally {
      await gateway.close();
    }
  });
});

/** The request lines of the captured function output (test/support/global-setup.ts captures it). */
function requestLines(): Record<string, any>[] {
  const file = process.env.KAIKU_LOG_CAPTURE;
  if (!file)
    throw new Error('KAIKU_LOG_CAPTURE is not set: run through vitest (test/support/global-setup.ts)');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"message":"request"'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}

async function lineOf(match: (line: Record<string, any>) => boolean): Promise<Record<string, any>> {
  for (let i = 0; i < 50; i++) {
    const line = requestLines().find(match);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no such request line');
}

describe('the request log', () => {
  it('a refusal: the caller, the status, the code and the request id the client was given', async () => {
    const area = await service.area();
    const reply = await service.call('GET', `/v1/cards/${newCardNumber()}`, { key: area.distributorKey });
    expect(reply.status).toBe(404);
    const line = await lineOf(
      (entry) => entry.requestId === reply.body.requestId && entry.route !== 'authorizer',
    );
    expect(line).toMatchObject({
      level: 'WARN',
      message: 'request',
      service: 'kaikukortti',
      route: 'GET /v1/cards/{cardNumber}',
      orgId: area.distributorId,
      role: 'distributor',
      status: 404,
      outcome: 'refused',
      code: 'NOT_FOUND',
    });
    expect(line.keyId).toMatch(/^k[0-9a-f]{20}$/);
    expect(area.distributorKey).toContain(line.keyId);
    expect(line.consumedCapacity).toBeGreaterThan(0);
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    // The first request with the key went through the authorizer: its line has the same request id.
    const authorizer = await lineOf(
      (entry) => entry.requestId === reply.body.requestId && entry.route === 'authorizer',
    );
    expect(authorizer).toMatchObject({
      level: 'INFO',
      orgId: area.distributorId,
      keyId: line.keyId,
      outcome: 'ok',
    });
    expect(authorizer.consumedCapacity).toBeGreaterThan(0);
  });

  it('a person: their request lines name them by id (never by name or e-mail), the authorizer’s too', async () => {
    const area = await service.area();
    const email = `desk.${randomUUID().slice(0, 8)}@venue.example`;
    const name = 'Lokitesti Henkilö';
    const invited = await service.call('POST', `/v1/organisations/${area.venueId}/people`, {
      key: area.areaAdminKey,
      body: { email, name },
    });
    expect(invited.status).toBe(201);
    const identity = inject('identity');
    const tokens = await signInOverHttp({
      issuer: identity.issuer,
      clientId: identity.clientId,
      redirectUri: 'http://localhost:3999/signed-in',
      email,
      password: invitationTo(identity.outboxDir, email).password,
      newPassword: 'Kaiku-log-2026-long!',
    });
    const reply = await service.call('GET', '/v1/usages', { key: tokens.access_token });
    expect(reply.status).toBe(200);
    // A person of their own: every line naming them is of this test.
    const sameRequest = (entry: Record<string, any>) => entry.personId === invited.body.personId;
    const line = await lineOf((entry) => sameRequest(entry) && entry.route === 'GET /v1/usages');
    expect(line).toMatchObject({
      level: 'INFO',
      status: 200,
      orgId: area.venueId,
      role: 'venue',
      personId: invited.body.personId,
    });
    expect(line.keyId).toBeUndefined();
    const authorizer = await lineOf((entry) => sameRequest(entry) && entry.route === 'authorizer');
    expect(authorizer).toMatchObject({ outcome: 'ok', personId: invited.body.personId });
    for (const logged of [line, authorizer]) {
      expect(JSON.stringify(logged)).not.toContain(email);
      expect(JSON.stringify(logged)).not.toContain(name);
      expect(JSON.stringify(logged)).not.toContain(tokens.access_token.slice(-20));
    }
  });

  it('a recorded use: status 201, the DynamoDB capacity of its one transaction', async () => {
    const area = await service.area();
    const card = await service.issueCard(area);
    const recorded = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
    });
    expect(recorded.status).toBe(201);
    const line = await lineOf(
      (entry) =>
        entry.route === 'POST /v1/usages' &&
        entry.status === 201 &&
        area.venueKey.includes(`.${entry.keyId}.`),
    );
    expect(line).toMatchObject({ level: 'INFO', outcome: 'ok', role: 'venue' });
    expect(line.code).toBeUndefined();
    expect(line.consumedCapacity).toBeGreaterThan(0);
  });
});
