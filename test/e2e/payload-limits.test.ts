// What API Gateway and Lambda refuse by size, done by the local gateway too: a body over 10 MB is refused
// by API Gateway itself; between Lambda's 6 MB and that, API Gateway passes it and Lambda refuses the
// invocation (API Gateway answers 413 "Request Too Long"); below that the route's own limit
// (maxBodyBytes) answers the contract's 400 VALIDATION_FAILED, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaPayloadBytes } from '../../infra/local/gateway.ts';
import { findRoute } from '../../shared/http/routes.ts';
import {
  expectError,
  scanTable,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
}, 60_000);
afterAll(() => service?.stop());

/** A batch body of about `bytes` bytes: valid JSON, one row with a long event name. */
const batchOf = (bytes: number) =>
  JSON.stringify({
    items: [
      {
        clientRef: 'big',
        cardNumber: '1',
        sector: 'sport',
        adults: 1,
        children: 0,
        eventName: 'x'.repeat(bytes),
      },
    ],
  });

describe('request size', () => {
  it('a body over Lambda’s 6 MB (under API Gateway’s 10 MB) is refused as AWS refuses it: 413 Request Too Long', async () => {
    const before = await scanTable();
    const reply = await service.call('POST', '/v1/usages/batch', {
      key: area.venueKey,
      rawBody: batchOf(lambdaPayloadBytes + 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ message: 'Request Too Long' });
    expect(await scanTable()).toEqual(before);
  });

  it('a body just under 6 MB reaches the function, which answers the contract’s 400 for its own limit', async () => {
    const limit = findRoute('POST /v1/usages/batch').maxBodyBytes!;
    expect(limit).toBeLessThan(lambdaPayloadBytes);
    const before = await scanTable();
    for (const size of [limit + 1, lambdaPayloadBytes - 64 * 1024]) {
      const reply = await service.call('POST', '/v1/usages/batch', {
        key: area.venueKey,
        rawBody: batchOf(size),
        headers: { 'content-type': 'application/json' },
      });
      expectError(reply, 400, 'VALIDATION_FAILED', ['(body)']);
    }
    expect(await scanTable()).toEqual(before);
  });

  it('a body over 10 MB never reaches a function: API Gateway’s 413', async () => {
    const reply = await service.call('POST', '/v1/usages/batch', {
      key: area.venueKey,
      rawBody: 'x'.repeat(10 * 1024 * 1024 + 1),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toEqual({ message: 'Request Entity Too Large' });
  });
});
