// Fault injection: failures DynamoDB Local cannot produce (conflicting transactions, throttling), made by
// stubbing the SDK client's send. Everything else in the project runs against the real DynamoDB Local.

// Every request came through CloudFront (the origin check mocked); first, before what imports origin.ts.
import '../support/through-cloudfront.ts';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler as recordUsage } from '../../functions/usages/record-usage.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import { documentClient } from '../../shared/store/client.ts';
import { transactWrite } from '../../shared/store/transact.ts';

const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
  });

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a transaction that keeps conflicting', () => {
  it('is retried, and then answered as THROTTLED with Retry-After', async () => {
    const send = vi.spyOn(documentClient(), 'send').mockImplementation(async () => {
      throw conflict();
    });
    const error = await transactWrite([]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('THROTTLED');
    expect((error as ApiError).headers).toEqual({ 'retry-after': '1' });
    expect(send).toHaveBeenCalledTimes(8);
  });

  it('succeeds when a retry gets through', async () => {
    let calls = 0;
    vi.spyOn(documentClient(), 'send').mockImplementation(async () => {
      calls++;
      if (calls < 3) throw conflict();
      return {};
    });
    await expect(transactWrite([])).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});

describe('DynamoDB throttling on a request', () => {
  it('answers 429 THROTTLED with Retry-After, in the contract shape', async () => {
    vi.spyOn(documentClient(), 'send').mockImplementation(async () => {
      throw throttled();
    });
    const event = {
      version: '2.0',
      routeKey: 'POST /v1/usages',
      rawPath: '/v1/usages',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'fault-1' },
      body: JSON.stringify({ cardNumber: '0000-0000-0000', sector: 'culture', adults: 1, children: 0 }),
      isBase64Encoded: false,
      requestContext: {
        requestId: 'req-1',
        authorizer: {
          lambda: { authenticated: true, keyId: 'k1', orgId: 'venue-1', role: 'venue', areaId: 'area-1' },
        },
      },
    };
    const reply = (await recordUsage(event as never, {} as never)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(reply.statusCode).toBe(429);
    expect(reply.headers['retry-after']).toBe('1');
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'THROTTLED' }, requestId: 'req-1' });
  });
});
