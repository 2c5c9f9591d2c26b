// Bad input is the client's mistake: whatever arrives, the answer is a 4xx, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/contract/roles.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { startTestService, type TestArea, type TestService } from '../support/service.ts';

let service: TestService;
let area: TestArea;
let keys: Record<Role, string>;

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  keys = await service.keysOfEveryRole(area);
});
afterAll(() => service.stop());

const oddIds = ['x'.repeat(3000), '%00', 'ä€😀', '..%2F..', ' ', 'a b', "'; DROP TABLE"];
const oddBodies = [
  '[]',
  '"text"',
  '123',
  'null',
  '{"a":',
  '{}',
  '{"items":[1,2,3]}',
  `{"x":"${'y'.repeat(100_000)}"}`,
];

function pathWith(route: Route, id: string) {
  return route.path.replace(/\{\w+\}/g, encodeURIComponent(id));
}

function keyFor(route: Route): string | undefined {
  return route.roles === 'public' ? undefined : keys[route.roles[0]!];
}

describe('no route answers 5xx to odd input', () => {
  for (const route of routes as readonly Route[]) {
    it(`${route.method} ${route.path}`, async () => {
      const key = keyFor(route);
      const headers = { 'idempotency-key': 'odd', 'x-claim-token': 'odd' };
      const statuses: number[] = [];
      for (const id of route.path.includes('{') ? oddIds : ['']) {
        for (const rawBody of route.method === 'GET' || route.method === 'DELETE' ? [undefined] : oddBodies) {
          const reply = await service.call(route.method, pathWith(route, id), {
            key,
            rawBody,
            headers: { ...headers, 'content-type': 'application/json' },
          });
          statuses.push(reply.status);
          expect(
            reply.status,
            `${id.slice(0, 20)} ${rawBody?.slice(0, 20)}: ${reply.text.slice(0, 200)}`,
          ).toBeLessThan(500);
        }
      }
      const query = await service.call(
        'GET' === route.method ? route.method : 'GET',
        `${pathWith(route, 'x')}?limit=-1&cursor=%%%&from=2026-02-30&to=x&status=bogus&format=pdf&areaId=${'z'.repeat(500)}`,
        { key },
      );
      expect(query.status).toBeLessThan(500);
      expect(statuses.length).toBeGreaterThan(0);
    });
  }
});

describe('bodies beyond sane limits', () => {
  it('a 1.5 MB body of unknown fields gets one small 400, before any parsing work', async () => {
    const fields = Object.fromEntries(
      Array.from({ length: 60_000 }, (_, i) => [`field${i}`, 'x'.repeat(10)]),
    );
    const rawBody = JSON.stringify(fields);
    expect(rawBody.length).toBeGreaterThan(1_500_000);
    for (const path of ['/v1/cards', '/v1/usages/batch']) {
      const reply = await service.call('POST', path, {
        key: path === '/v1/cards' ? area.distributorKey : area.venueKey,
        rawBody,
        headers: { 'content-type': 'application/json', 'idempotency-key': 'big' },
      });
      expect(reply.status, path).toBe(400);
      expect(reply.body.error.code).toBe('VALIDATION_FAILED');
      expect(reply.text.length).toBeLessThan(1_000);
    }
  });
});
