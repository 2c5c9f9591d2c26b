// Property-based: every route of the route table gets random and hostile requests, generated from its own
// schemas and then broken: bodies, query strings, path segments and headers. Whatever arrives, the answer
// is a 2xx or a 4xx with a contract error code, never a 5xx; an error answer stays small; and what is
// refused changes nothing in the table.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/contract/roles.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { errorCodes } from '../../shared/lib/errors.ts';
import type { JsonSchema } from '../../shared/lib/schema.ts';
import { scanTable, startTestService, type TestArea, type TestService } from '../support/service.ts';

let service: TestService;
let area: TestArea;
let keys: Record<Role, string>;
let cardNumber: string;

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  keys = await service.keysOfEveryRole(area);
  cardNumber = (await service.issueCard(area)).cardNumber;
}, 60_000);
afterAll(() => service?.stop());

/** An error answer of the contract, or one of the gateway's own (API Gateway answers these itself). */
const gatewayMessages = ['Not Found', 'Unauthorized', 'Request Entity Too Large', 'Request Too Long'];
const maxErrorBytes = 8 * 1024;

// Values of every JSON type, hostile strings among them.
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '=SUM(1+1)',
    "+cmd|' /C calc'!A0",
    '131052-308T',
    '1310\u200B52\u2013308T',
    '%ZZ',
    '../..',
    '\u0000',
    '😀'.repeat(50),
    'x'.repeat(5000),
    '9999-12-31',
    '1900-01-01',
    '2026-02-30',
    '-1',
    '1e309',
    'null',
    '<script>',
  ),
);
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value the schema may accept (often does), built from the JSON Schema the route already publishes. */
function fromSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as JsonSchema[]).map(fromSchema));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, inner]) => [name, fromSchema(inner)])),
        { requiredKeys: required },
      );
    }
    case 'array':
      return fc.array(fromSchema((schema.items ?? {}) as JsonSchema), {
        maxLength: Math.min(Number(schema.maxItems ?? 5), 5),
      });
    case 'integer':
      return fc.integer({
        min: Number(schema.minimum ?? -1000),
        max: Number(schema.maximum ?? 1000),
      });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'date')
        return fc.constantFrom('2026-11-01', '2026-11-30', '2027-01-01', '2014-01-01');
      if (schema.format === 'date-time')
        return fc.constantFrom(new Date().toISOString(), '2026-11-30T10:00:00+02:00');
      return fc.oneof(
        hostileString,
        fc.constantFrom(cardNumber ?? '', '00100', 'culture', 'LU', '049', 'personal'),
      );
    default:
      return anyJson;
  }
}

/** The schema's value, then broken: a field dropped, a field added, a type swapped, or replaced whole. */
function brokenFrom(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const valid = schema ? fromSchema(schema) : fc.constant({});
  return fc.oneof(
    valid,
    fc
      .tuple(valid, fc.string({ maxLength: 12 }), anyJson)
      .map(([value, name, extra]) =>
        value && typeof value === 'object' && !Array.isArray(value)
          ? { ...value, [name || 'x']: extra }
          : value,
      ),
    fc.tuple(valid, anyJson).map(([value, replacement]) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return replacement;
      const names = Object.keys(value);
      if (names.length === 0) return replacement;
      return { ...value, [names[0]!]: replacement };
    }),
    anyJson,
  );
}

const rawBody = (route: Route) =>
  fc.oneof(
    { weight: 6, arbitrary: brokenFrom(route.body?.json()).map((value) => JSON.stringify(value) ?? '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '[', '"', 'cardNumber,sector\n', '\uFEFF{}', '{"a":1}'.repeat(3)),
    },
  );

const pathSegment = fc.oneof(
  fc.constantFrom('%ZZ', '%', '%2F', '..', '%00', 'x'.repeat(300), '%E2%82', 'a%20b', '😀'),
  fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
);

function query(route: Route): fc.Arbitrary<string> {
  const names = Object.keys(((route.query?.json().properties ?? {}) as Record<string, unknown>) ?? {});
  const name = fc.oneof(fc.constantFrom(...names, 'limit', 'cursor', 'x'), fc.string({ maxLength: 6 }));
  const value = fc.oneof(hostileString, fc.constantFrom('0', '500', '501', 'csv', 'json', '2026-11-30'));
  return fc
    .array(fc.tuple(name, value), { maxLength: 4 })
    .map((pairs) => pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&'));
}

const keyFor = (route: Route) =>
  fc.oneof(
    fc
      .constantFrom(...(route.roles === 'public' ? ['admin' as Role] : route.roles))
      .map((role) => keys[role]),
    fc.constantFrom(...(Object.keys(keys) as Role[])).map((role) => keys[role]),
    fc.constantFrom('kk.nokey.nosecret', 'garbage', ''),
  );

const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'text/csv', 'text/plain', 'application/xml', ''),
    'idempotency-key': fc.oneof(fc.string({ minLength: 1, maxLength: 70 }), fc.constant('x'.repeat(300))),
    'x-claim-token': fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
);

function request(route: Route) {
  return fc.record({
    path: fc.array(pathSegment, { minLength: 3, maxLength: 3 }).map((segments) => {
      let i = 0;
      return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'cardNumber' && i === 0 && segments[0]!.length % 3 === 0 ? cardNumber : segments[i++]!,
      );
    }),
    query: query(route),
    body: rawBody(route),
    key: keyFor(route),
    headers,
  });
}

/** Sends one generated request and checks the answer against the properties every answer must have. */
type GeneratedRequest = {
  path: string;
  query: string;
  body: string;
  key: string;
  headers: Partial<Record<string, string>>;
};

async function sendAndCheck(route: Route, input: GeneratedRequest) {
  const reply = await service.call(route.method, `${input.path}${input.query ? `?${input.query}` : ''}`, {
    key: input.key || undefined,
    headers: Object.fromEntries(
      Object.entries(input.headers).filter((entry): entry is [string, string] => Boolean(entry[1])),
    ),
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { rawBody: input.body }),
  });
  const described = `${route.method} ${input.path}?${input.query} -> ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, described).toBeLessThan(500);
  if (reply.status >= 400) {
    expect(Buffer.byteLength(reply.text), described).toBeLessThan(maxErrorBytes);
    const code = reply.body?.error?.code;
    const gateway = reply.body?.message;
    expect(errorCodes.includes(code) || gatewayMessages.includes(gateway), described).toBe(true);
  }
  return reply.status;
}

describe('every route, random and hostile requests', () => {
  for (const route of routes as readonly Route[]) {
    it(`${route.method} ${route.path}: never a 5xx, small contract errors`, async () => {
      // The throttled routes get their own gateway, so the property is about input, not about the bucket.
      await fc.assert(
        fc.asyncProperty(request(route), async (input) => {
          await sendAndCheck(route, input);
        }),
        { numRuns: route.throttle && route.throttle.burst < 100 ? 4 : 25, seed: 20261130 },
      );
    }, 120_000);
  }
});

describe('refused requests change nothing', () => {
  it('leaves the table as it was after thousands of requests the service refuses', async () => {
    const before = await scanTable();
    const parsed = (text: string): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return {};
      }
    };
    const refusedOnly = (route: Route) =>
      request(route).map((input) => {
        const value = parsed(input.body);
        const object = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
        // An unknown field makes every body invalid; a path segment that is no id finds nothing.
        return { ...input, body: JSON.stringify({ ...object, __hostile: true }) };
      });
    let refused = 0;
    for (const route of (routes as readonly Route[]).filter(
      (candidate) => candidate.method !== 'GET' && !candidate.throttle,
    )) {
      await fc.assert(
        fc.asyncProperty(refusedOnly(route), async (input) => {
          const status = await sendAndCheck(route, input);
          expect(status, `${route.method} ${input.path}`).toBeGreaterThanOrEqual(400);
          refused++;
        }),
        { numRuns: 15, seed: 7 },
      );
    }
    expect(refused).toBeGreaterThan(100);
    expect(await scanTable()).toEqual(before);
  }, 300_000);
});
