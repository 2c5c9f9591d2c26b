// The per-request log line and the metrics (CloudWatch embedded metric format) the HTTP wrapper writes,
// read from the process's own output as CloudWatch would read the function's.

// Every request came through CloudFront (the origin check mocked); first, before what imports origin.ts.
import '../support/through-cloudfront.ts';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateCardNumber } from '../../shared/contract/card-number.ts';
import { type Event, httpHandler, json } from '../../shared/http/handler.ts';
import { ApiError } from '../../shared/lib/errors.ts';

// The wrapper re-reads the caller's key at every request (shared/http/caller.ts); this unit test has no
// table, so that one read answers a live key. The check itself is tested end to end (test/e2e/revocation).
vi.mock('../../shared/store/organisations.ts', async (original) => ({
  ...(await original<typeof import('../../shared/store/organisations.ts')>()),
  getKeyWithOrganisationNow: async (keyId: string) => ({
    key: {
      keyId,
      orgId: 'o0123456789abcdef',
      role: 'venue',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  }),
}));

const cardNumber = generateCardNumber();
const context = { awsRequestId: 'lambda-request' } as Context;
const venue = { keyId: 'k0123456789abcdef0123', orgId: 'o0123456789abcdef', role: 'venue', areaId: 'a1' };
const secret = 'kk.k0123456789abcdef0123.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';

function usageEvent(requestId: string): Event {
  return {
    version: '2.0',
    routeKey: 'POST /v1/usages',
    rawPath: '/v1/usages',
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json',
      'idempotency-key': 'idem-1',
    },
    body: JSON.stringify({
      cardNumber: cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
      eventName: 'Konsertti Sibelius-talossa',
    }),
    isBase64Encoded: false,
    requestContext: {
      requestId,
      routeKey: 'POST /v1/usages',
      authorizer: { lambda: { authenticated: true, ...venue, cardLimitPerDay: '' } },
    },
  } as unknown as Event;
}

/** Every line the code under test writes to stdout and stderr, parsed where it is JSON. */
function captureOutput() {
  const lines: string[] = [];
  const take = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(take);
  vi.spyOn(process.stderr, 'write').mockImplementation(take);
  // The test runner's console does not write to the streams; Lambda's does.
  for (const method of ['log', 'warn', 'error'] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => take(args.join(' ')));
  const parsed = () =>
    lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, any>];
      } catch {
        return [];
      }
    });
  return { lines, parsed };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /v1/usages through the wrapper', () => {
  it('a recorded use: one info line with the caller and the status, and UsesRecorded in EMF', async () => {
    const output = captureOutput();
    const handler = httpHandler('POST /v1/usages', async () => json(201, { usageId: 'u1' }));
    const reply = await handler(usageEvent('req-recorded'), context);
    expect(reply.statusCode).toBe(201);
    expect(reply.headers?.['x-content-type-options']).toBe('nosniff');

    const logged = output.parsed().filter((line) => line.message === 'request');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'INFO',
      service: 'kaikukortti',
      requestId: 'req-recorded',
      route: 'POST /v1/usages',
      orgId: venue.orgId,
      keyId: venue.keyId,
      role: 'venue',
      status: 201,
      outcome: 'ok',
      consumedCapacity: 0,
    });
    expect(typeof logged[0]!.durationMs).toBe('number');
    expect(logged[0]!.code).toBeUndefined();

    const emf = output.parsed().filter((line) => line._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Kaikukortti',
        Dimensions: [['service']],
        Metrics: [{ Name: 'UsesRecorded', Unit: 'Count' }],
      },
    ]);
    expect(emf[0]).toMatchObject({ service: 'kaikukortti', UsesRecorded: 1 });

    // Neither the key, nor the card, nor the event's name.
    const all = output.lines.join('\n');
    for (const value of [secret, secret.split('.')[2]!, cardNumber, 'Sibelius', 'idem-1'])
      expect(all).not.toContain(value);
  });

  it('a refusal: one warn line with the code, and UsesRefused with the code as dimension', async () => {
    const output = captureOutput();
    const handler = httpHandler('POST /v1/usages', async () => {
      throw new ApiError('CARD_EXPIRED', `The card ${cardNumber} expired on 2026-01-31.`);
    });
    const reply = await handler(usageEvent('req-refused'), context);
    expect(reply.statusCode).toBe(422);
    expect(reply.headers?.['x-content-type-options']).toBe('nosniff');

    const logged = output.parsed().filter((line) => line.message === 'request');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'WARN',
      requestId: 'req-refused',
      route: 'POST /v1/usages',
      orgId: venue.orgId,
      keyId: venue.keyId,
      status: 422,
      outcome: 'refused',
      code: 'CARD_EXPIRED',
    });

    const emf = output.parsed().filter((line) => line._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]!._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Kaikukortti',
      Dimensions: [['service', 'code']],
      Metrics: [{ Name: 'UsesRefused', Unit: 'Count' }],
    });
    expect(emf[0]).toMatchObject({ service: 'kaikukortti', code: 'CARD_EXPIRED', UsesRefused: 1 });
    // The error's message may name the card: it is the client's, not the log's.
    expect(output.lines.join('\n')).not.toContain(cardNumber);
  });

  it('an internal error: the error line with the request id, and an error-level request line', async () => {
    const output = captureOutput();
    const handler = httpHandler('POST /v1/usages', async () => {
      throw new Error('boom');
    });
    const reply = await handler(usageEvent('req-failed'), context);
    expect(reply.statusCode).toBe(500);
    const parsed = output.parsed();
    expect(parsed.some((line) => line.level === 'error' && line.requestId === 'req-failed')).toBe(true);
    expect(parsed.filter((line) => line.message === 'request')).toEqual([
      expect.objectContaining({ level: 'ERROR', status: 500, outcome: 'failed', code: 'INTERNAL' }),
    ]);
    // No metric for a failure of ours: it is neither a recorded nor a refused use.
    expect(parsed.filter((line) => line._aws)).toHaveLength(0);
  });

  it('an answer that carries a secret is not cached', async () => {
    captureOutput();
    const handler = httpHandler('POST /v1/applications', async () => json(201, { claimToken: 'x' }));
    const reply = await handler(
      {
        ...usageEvent('req-apply'),
        routeKey: 'POST /v1/applications',
        body: JSON.stringify({
          areaName: 'Test',
          municipalityCodes: ['049'],
          welfareArea: 'LU',
          contacts: {
            culture: { name: 'A', email: 'a@example.org' },
            social: { name: 'B', email: 'b@example.org' },
          },
        }),
      },
      context,
    );
    expect(reply.statusCode).toBe(201);
    expect(reply.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });
});
