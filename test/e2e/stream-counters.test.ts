import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { jobHandlers } from '../../shared/http/routes.ts';
import { today } from '../../shared/lib/dates.ts';
import { ageUsesKey, cardAggregateKey, cardKey, usageKey } from '../../shared/store/keys.ts';
import { getItem, startTestService, type TestService } from '../support/service.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let streams: StreamPoller;
beforeAll(async () => {
  service = await startTestService();
  streams = await startStreamCounting();
});
afterAll(async () => {
  await streams.stop();
  await service.stop();
});

describe('counters kept from the stream', () => {
  it('count each use under its holder birth year, take back a voided use, and count first uses', async () => {
    const area = await service.area();
    const issue = async (body: object) =>
      (await service.call('POST', '/v1/cards', { key: area.distributorKey, body })).body.cardNumber as string;
    const older = await issue({
      cardType: 'personal',
      birthYear: 1950,
      postalCode: '00100',
      minorChildren: 2,
    });
    const younger = await issue({
      cardType: 'personal',
      birthYear: 2001,
      postalCode: '00100',
      minorChildren: 0,
    });
    const group = await issue({ cardType: 'community' });
    const use = async (cardNumber: string, adults: number, children: number, key: string) => {
      const reply = await service.call('POST', '/v1/usages', {
        key: area.venueKey,
        headers: { 'idempotency-key': key },
        body: { cardNumber, sector: 'sport', adults, children },
      });
      expect(reply.status).toBe(201);
      return reply.body.usageId as string;
    };
    await use(older, 1, 2, 'a');
    const voided = await use(older, 1, 0, 'b');
    await use(younger, 1, 0, 'c');
    await use(group, 4, 3, 'd');
    await streams.drain();
    const counters = async () => getItem(ageUsesKey(area.areaId, today()));
    expect(await counters()).toMatchObject({ uses_1950: 4, uses_2001: 1, uses_unknown: 7 });
    // Three cards had their first use today; the older card's second use took nothing more into use.
    expect(await getItem(cardAggregateKey(area.areaId, today()))).toMatchObject({ takenIntoUse: 3 });
    const reply = await service.call('DELETE', `/v1/usages/${voided}`, { key: area.venueKey });
    expect(reply.status).toBe(200);
    await streams.drain();
    expect(await counters()).toMatchObject({ uses_1950: 3, uses_2001: 1, uses_unknown: 7 });
  });

  it('counts a record delivered twice only once', async () => {
    const area = await service.area();
    const cardNumber = (
      await service.call('POST', '/v1/cards', {
        key: area.distributorKey,
        body: { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 1 },
      })
    ).body.cardNumber as string;
    const reply = await service.call('POST', '/v1/usages', {
      key: area.venueKey,
      headers: { 'idempotency-key': 'twice' },
      body: { cardNumber, sector: 'culture', adults: 1, children: 1 },
    });
    const usage = await getItem(usageKey(reply.body.usageId));
    const card = await getItem(cardKey(cardNumber));
    const event = {
      shardId: 'shardId-00000001700000000000-0000test',
      window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' },
      state: {},
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
      Records: [
        { eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(usage) } },
        {
          eventName: 'MODIFY',
          dynamodb: {
            SequenceNumber: '2',
            OldImage: marshall({ ...card, firstUsedOn: undefined }, { removeUndefinedValues: true }),
            NewImage: marshall(card),
          },
        },
      ],
    };
    // Delivered to the consumer function itself, which runs with its own role.
    for (let delivery = 0; delivery < 2; delivery++)
      expect(await service.deployment.functions.invoke(jobHandlers.countFromStream, event)).toEqual({
        state: {},
        batchItemFailures: [],
      });
    expect(await getItem(ageUsesKey(area.areaId, today()))).toMatchObject({ uses_1980: 2 });
    expect(await getItem(cardAggregateKey(area.areaId, today()))).toMatchObject({ takenIntoUse: 1 });
    // Overlapping: the second record again with a new one after it; only the new one counts.
    const later = { ...usage, usageId: 'later', pk: 'USAGE#later', adults: 2, children: 0 };
    const overlapping = {
      ...event,
      Records: [
        event.Records[1]!,
        { eventName: 'INSERT', dynamodb: { SequenceNumber: '3', NewImage: marshall(later) } },
      ],
    };
    expect(await service.deployment.functions.invoke(jobHandlers.countFromStream, overlapping)).toEqual({
      state: {},
      batchItemFailures: [],
    });
    expect(await getItem(ageUsesKey(area.areaId, today()))).toMatchObject({ uses_1980: 4 });
    expect(await getItem(cardAggregateKey(area.areaId, today()))).toMatchObject({ takenIntoUse: 1 });
  });

  it('counts nothing without a shard id (no tumbling window): the batch fails whole', async () => {
    const area = await service.area();
    const usage = { entity: 'usage', usageId: 'x', areaId: area.areaId, voided: false };
    await expect(
      service.deployment.functions.invoke(jobHandlers.countFromStream, {
        Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '9', NewImage: marshall(usage) } }],
      }),
    ).rejects.toThrow(/shardId/);
    expect(await getItem(ageUsesKey(area.areaId, today()))).toBeUndefined();
  });
});
