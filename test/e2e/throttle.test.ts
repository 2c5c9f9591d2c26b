// The gateway's per-route throttle (its own file: draining a route's bucket would disturb other tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRoute } from '../../shared/http/routes.ts';
import { expectError, startTestService, type TestService } from '../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

describe('THROTTLED', () => {
  it('answers 429 THROTTLED with Retry-After once a route’s burst is spent, and other routes still answer', async () => {
    const area = await service.area();
    const { burst } = findRoute('POST /v1/usages/batch').throttle!;
    // Bad bodies: each request is cheap, and none of them records anything.
    const replies = await Promise.all(
      Array.from({ length: burst + 20 }, () =>
        service.call('POST', '/v1/usages/batch', { key: area.venueKey, body: { items: [] } }),
      ),
    );
    const throttled = replies.filter((reply) => reply.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(10);
    for (const reply of throttled) {
      expectError(reply, 429, 'THROTTLED');
      expect(reply.headers.get('retry-after')).toBe('1');
    }
    for (const reply of replies.filter((reply) => reply.status !== 429))
      expectError(reply, 400, 'VALIDATION_FAILED', ['items']);
    const other = await service.call('GET', '/v1/usages', { key: area.venueKey });
    expect(other.status).toBe(200);
  });
});
