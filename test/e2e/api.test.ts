// Public routes, authentication, the role check of every route, and the gateway's own answers.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDeployment } from '../../infra/local/deployment.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { statsBucket } from '../support/global-setup.ts';
import {
  callerFor,
  expectError,
  gatewayFor,
  localEndpoints,
  localIam,
  newCardNumber,
  startTestService,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let keys: Record<string, string>;
beforeAll(async () => {
  service = await startTestService();
  const area = await service.area();
  keys = await service.keysOfEveryRole(area);
});
afterAll(() => service?.stop());

/** The routes of health, openapi.json, cards and uses (other route families have their own tests). */
const covered = (routes as readonly Route[]).filter((route) =>
  /^\/v1\/(health|openapi\.json|cards|usages)(\/|$)/.test(route.path),
);
const protectedRoutes = covered.filter((route) => route.roles !== 'public');
/** A concrete path for a route: a well-formed card number and usage id where the path has them. */
const pathOf = (route: Route) =>
  route.path.replace('{cardNumber}', newCardNumber()).replace('{usageId}', 'u-does-not-exist');

describe('public routes', () => {
  it('GET /v1/health answers ok without a key', async () => {
    const reply = await service.call('GET', '/v1/health');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ status: 'ok' });
  });

  it('GET /v1/health is not ok when the table cannot be reached', async () => {
    // The same functions deployed on a table that does not exist.
    const missing = await startDeployment(
      localIam(),
      { tableName: 'no-such-table', bucket: statsBucket },
      localEndpoints(),
    );
    const gateway = await gatewayFor(missing.functions);
    const logged = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const reply = await callerFor(gateway.url)('GET', '/v1/health');
      expect(reply.status).toBeGreaterThanOrEqual(500);
      expect(reply.body.status).toBeUndefined();
      expect(typeof reply.body.error.code).toBe('string');
      // An internal error is logged with its request id, for the operator.
      await vi.waitFor(() =>
        expect(logged.mock.calls.some(([line]) => String(line).includes(reply.body.requestId))).toBe(true),
      );
    } finally {
      logged.mockRestore();
      await gateway.close();
      await missing.stop();
    }
    expect((await service.call('GET', '/v1/health')).status).toBe(200);
  });

  it('GET /v1/openapi.json is an OpenAPI 3.1 document of every route', async () => {
    const reply = await service.call('GET', '/v1/openapi.json');
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toMatch(/^3\.1\./);
    for (const route of routes as readonly Route[]) {
      const operation = reply.body.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (route.body) expect(operation.requestBody.content['application/json'].schema).toBeDefined();
    }
    expect(reply.body.paths['/v1/usages/batch'].post.requestBody.content['text/csv']).toBeDefined();
    // Generated from the schemas that validate: unknown fields are refused there too.
    const issue = reply.body.paths['/v1/cards'].post.requestBody.content['application/json'].schema;
    expect(issue.oneOf.every((variant: any) => variant.additionalProperties === false)).toBe(true);
    const idempotency = reply.body.paths['/v1/usages'].post.parameters.find(
      (parameter: any) => parameter.name === 'Idempotency-Key',
    );
    expect(idempotency).toMatchObject({ in: 'header', required: true });
    // Every code, as a batch row's error carries it (each answer lists those of its route and status).
    const codes = reply.body.components.schemas.ErrorObject.properties.code.enum;
    expect(codes).toEqual(
      expect.arrayContaining([
        'VALIDATION_FAILED',
        'PERSONAL_DATA_NOT_ALLOWED',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'NOT_FOUND',
        'CARD_NUMBER_TAKEN',
        'CONFLICT',
        'CARD_EXPIRED',
        'CARD_REVOKED',
        'TOO_MANY_CHILDREN',
        'VENUE_LIMIT_REACHED',
        'IDEMPOTENCY_KEY_REUSED',
        'ORGANISATION_INACTIVE',
      ]),
    );
    // Protected routes name their security; public ones none.
    expect(reply.body.paths['/v1/health'].get.security).toEqual([]);
    expect(reply.body.paths['/v1/cards'].post.security).toEqual([{ apiKey: [] }]);
  });

  it('public routes ignore a bad key', async () => {
    const reply = await service.call('GET', '/v1/health', { key: 'not-a-key' });
    expect(reply.status).toBe(200);
  });
});

describe('authentication', () => {
  it.each(protectedRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s without an Authorization header gets API Gateway's own 401",
    async (_, route) => {
      const reply = await service.call(route.method, pathOf(route));
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ message: 'Unauthorized' });
    },
  );

  it.each(protectedRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s with an invalid key answers 401 UNAUTHENTICATED in the contract shape',
    async (_, route) => {
      const reply = await service.call(route.method, pathOf(route), { key: 'nonsense' });
      expectError(reply, 401, 'UNAUTHENTICATED');
    },
  );

  it('refuses keys that are well formed but wrong, and other schemes', async () => {
    const venueKey = keys.venue!;
    const [prefix, keyId, secret] = venueKey.split('.') as [string, string, string];
    const wrongSecret = `${prefix}.${keyId}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknownId = `${prefix}.k${'0'.repeat(20)}.${secret}`;
    for (const key of [wrongSecret, unknownId]) {
      expectError(await service.call('GET', '/v1/usages', { key }), 401, 'UNAUTHENTICATED');
    }
    const basic = await service.call('GET', '/v1/usages', {
      headers: { authorization: `Basic ${venueKey}` },
    });
    expectError(basic, 401, 'UNAUTHENTICATED');
    const ok = await service.call('GET', '/v1/usages', { key: venueKey });
    expect(ok.status).toBe(200);
  });
});

describe('roles', () => {
  const cases = protectedRoutes.flatMap((route) =>
    ['admin', 'area-admin', 'distributor', 'venue', 'ticket-agent', 'partner']
      .filter((role) => !(route.roles as readonly string[]).includes(role))
      .map((role) => [`${route.method} ${route.path}`, role, route] as const),
  );

  it('covers the routes of cards and uses', () => {
    expect(protectedRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      [
        'DELETE /v1/usages/{usageId}',
        'GET /v1/cards',
        'GET /v1/cards/flags',
        'GET /v1/cards/{cardNumber}',
        'GET /v1/usages',
        'PATCH /v1/cards/{cardNumber}',
        'POST /v1/cards',
        'POST /v1/cards/{cardNumber}/renew',
        'POST /v1/cards/{cardNumber}/replace',
        'POST /v1/cards/{cardNumber}/revoke',
        'POST /v1/usages',
        'POST /v1/usages/batch',
      ].sort(),
    );
  });

  it('the matrix of refusals is not empty', () => {
    // Every protected route refuses at least one role.
    expect(new Set(cases.map(([name]) => name)).size).toBe(protectedRoutes.length);
  });

  it.each(cases)('%s refuses the role %s with 403 FORBIDDEN', async (_, role, route) => {
    const reply = await service.call(route.method, pathOf(route), {
      key: keys[role],
      ...(route.method !== 'GET' && { body: {} }),
      headers: { 'idempotency-key': 'k' },
    });
    expectError(reply, 403, 'FORBIDDEN');
  });
});

describe('the gateway', () => {
  it('answers an unknown path or method in its own words', async () => {
    const unknown = await service.call('GET', '/v1/nothing-here', { key: keys.admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ message: 'Not Found' });
    const wrongMethod = await service.call('PUT', '/v1/cards', { key: keys.distributor, body: {} });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body).toEqual({ message: 'Not Found' });
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED on every route with a body', async () => {
    const bodyRoutes = covered.filter((route) => route.body);
    expect(bodyRoutes.length).toBeGreaterThan(0);
    for (const route of bodyRoutes) {
      const key = route.roles === 'public' ? undefined : keys[(route.roles as readonly string[])[0]!];
      const reply = await service.call(route.method, pathOf(route), {
        key,
        rawBody: '{"cardType": "personal",',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'malformed' },
      });
      expectError(reply, 400, 'VALIDATION_FAILED', ['(body)']);
    }
  });

  it('answers a JSON body that is not an object with 400', async () => {
    for (const rawBody of ['[]', '42', '"text"', 'null']) {
      const reply = await service.call('POST', '/v1/cards', {
        key: keys.distributor,
        rawBody,
        headers: { 'content-type': 'application/json' },
      });
      expectError(reply, 400, 'VALIDATION_FAILED');
    }
  });
});
