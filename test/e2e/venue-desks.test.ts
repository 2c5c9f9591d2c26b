// One venue's desks recording at once, and one venue's 500-row batch, against the local DynamoDB endpoint
// that cancels overlapping transactions on an item as DynamoDB does (infra/local/aws/item-locks.ts). A use's
// transaction names nothing another use of the venue needs, so nothing is refused and nothing is retried
// into a 429.
import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../shared/domain/api-keys.ts';
import { findRoute } from '../../shared/http/routes.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { documentClient } from '../../shared/store/client.ts';
import {
  cardItem,
  originSecret,
  putBackdatedCard,
  startTestService,
  type TestArea,
  type TestService,
  useAggregate,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
});
afterAll(() => service?.stop());

const desks = 16;

async function cards(n: number) {
  const day = today();
  const made = [];
  for (let i = 0; i < n; i++)
    made.push(await putBackdatedCard(area, { issuedOn: day, validUntil: addDays(day, 300) }));
  return made;
}

describe('one venue, many desks at once', () => {
  it('the endpoint cancels what the old design did: 16 transactions sharing a ConditionCheck item refuse each other', async () => {
    // What every use's transaction used to hold: a check of the venue's item. Through the same endpoint
    // the service uses, a round of 16 such transactions at once meets on it (a busy machine may need more
    // than one round to overlap).
    const table = process.env.TABLE_NAME;
    const shared = { pk: `PROBE#${randomBytes(4).toString('hex')}`, sk: 'PROBE' };
    await documentClient().send(new PutCommand({ TableName: table, Item: { ...shared, status: 'active' } }));
    let cancelled = 0;
    for (let round = 0; round < 5 && cancelled === 0; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: desks }, (_, i) =>
          documentClient().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: { TableName: table, Item: { pk: `PROBE#${round}-${i}`, sk: 'USE' } },
                },
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: shared,
                    ConditionExpression: 'attribute_exists(pk)',
                  },
                },
              ],
            }),
          ),
        ),
      );
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(TransactionCanceledException);
          expect(
            (outcome.reason as TransactionCanceledException).CancellationReasons?.map((r) => r.Code),
          ).toEqual(['None', 'TransactionConflict']);
          cancelled++;
        }
    }
    expect(cancelled).toBeGreaterThan(0);
  });

  it(`${desks} desks of one venue recording at once, 3 uses each: every use 201, none refused`, async () => {
    const held = await cards(desks);
    const before = await useAggregate(area.areaId, 'sport');
    const replies = await Promise.all(
      held.map(async (card) => {
        const statuses: number[] = [];
        for (let use = 0; use < 3; use++) {
          const reply = await service.recordUse(area.venueKey, {
            cardNumber: card.cardNumber,
            sector: 'sport',
            adults: 1,
            children: 0,
          });
          statuses.push(reply.status);
        }
        return statuses;
      }),
    );
    expect(replies.flat()).toEqual(Array(desks * 3).fill(201));
    for (const card of held) expect((await cardItem(card.cardNumber))!.useCount).toBe(3);
    expect((await useAggregate(area.areaId, 'sport')).records).toBe(before.records + desks * 3);
  }, 180_000);

  it('a 500-row batch of one venue (100 cards, 5 rows each, interleaved) records every row', async () => {
    const held = await cards(100);
    const before = await useAggregate(area.areaId, 'culture');
    const items = Array.from({ length: 500 }, (_, i) => ({
      clientRef: `desk-batch-${i}`,
      cardNumber: held[i % 100]!.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
    }));
    // The batch function itself, invoked as the gateway invokes it, with the venue's identity from the
    // authorizer, but given ten minutes instead of the route's 29 s: on a shared 2-core machine DynamoDB
    // Local writes a few transactions a second (DynamoDB: 500 rows, 8 at a time, in about a second), and
    // what is tested here is that no row is refused, not how fast DynamoDB Local is.
    const route = findRoute('POST /v1/usages/batch');
    const answer = await service.deployment.functions.invoke<{ statusCode: number; body: string }>(
      route.handler,
      {
        version: '2.0',
        routeKey: 'POST /v1/usages/batch',
        rawPath: '/v1/usages/batch',
        rawQueryString: '',
        // As CloudFront passes it on: with the origin secret (shared/http/origin.ts).
        headers: { 'content-type': 'application/json', 'x-kaiku-origin': originSecret() },
        body: JSON.stringify({ items }),
        isBase64Encoded: false,
        requestContext: {
          http: { method: 'POST', path: '/v1/usages/batch', sourceIp: '127.0.0.1' },
          requestId: randomBytes(8).toString('hex'),
          routeKey: 'POST /v1/usages/batch',
          authorizer: {
            lambda: {
              authenticated: true,
              // A real key of the venue: the function checks its caller again (shared/http/caller.ts).
              keyId: keyIdOf(area.venueKey),
              orgId: area.venueId,
              role: 'venue',
              areaId: area.areaId,
              cardLimitPerDay: '',
            },
          },
        },
      },
      { timeoutMs: 600_000 },
    );
    const reply = { status: answer.statusCode, body: JSON.parse(answer.body) };
    expect(reply.status).toBe(200);
    const statuses = reply.body.results.map((result: { status: string }) => result.status);
    expect(statuses).toEqual(Array(500).fill('created'));
    for (const card of held.slice(0, 10)) expect((await cardItem(card.cardNumber))!.useCount).toBe(5);
    expect((await useAggregate(area.areaId, 'culture')).records).toBe(before.records + 500);
  }, 900_000);
});
