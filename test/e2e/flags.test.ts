// GET /v1/cards/flags and the flags behind it: kept by the stream consumer from the uses recorded through
// the API, against the real local service and DynamoDB Local (each function with its own IAM role).
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import {
  areasTally,
  cardDayKeptDays,
  isTally,
  tallyRemovalDays,
  usesPerDayVariable,
  usesTally,
} from '../../shared/domain/flags.ts';
import { findRoute, jobHandlers } from '../../shared/http/routes.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { documentClient } from '../../shared/store/client.ts';
import { cardKey, flagKey, usageKey } from '../../shared/store/keys.ts';
import { usageTransactItems } from '../../shared/store/usages.ts';
import {
  expectError,
  getItem,
  localIam,
  putBackdatedCard,
  type Reply,
  scanTable,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let streams: StreamPoller;
let areas: [TestArea, TestArea, TestArea];
/** The limit the consumer runs with: FLAG_USES_PER_DAY of its synthesised environment. */
let usesPerDay: number;
// Every use of "today" in this file happens at one instant, so a run across midnight stays on one day.
const at = new Date(Date.now() - 60_000).toISOString();
const day = today(new Date(at));

beforeAll(async () => {
  service = await startTestService();
  streams = await startStreamCounting();
  areas = [await service.area(), await service.area(), await service.area()];
  const environment = localIam().environmentFor(jobHandlers.countFromStream, {
    tableName: service.tableName,
    bucket: 'unused',
  });
  usesPerDay = Number(environment[usesPerDayVariable]);
});
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
});

const use = async (area: TestArea, cardNumber: string, extra: Record<string, unknown> = {}) => {
  const reply = await service.recordUse(area.venueKey, {
    cardNumber,
    sector: 'culture',
    adults: 1,
    children: 0,
    occurredAt: at,
    ...extra,
  });
  // Never blocked: every use past a limit is recorded like any other.
  expect(reply.status, reply.text).toBe(201);
  return reply;
};
const flags = (key: string, query = '') => service.call('GET', `/v1/cards/flags${query}`, { key });
const flagsOf = (reply: Reply, cardNumber: string) =>
  (reply.body.items as any[]).filter((flag) => flag.cardNumber === cardNumber);
// A distinctive holder, to look for in the flag items.
const holder = { cardType: 'personal', birthYear: 1937, postalCode: '99871', minorChildren: 3 };

describe('flags of abnormal use', () => {
  let busy: string;
  let busyUses: Reply[];
  let traveller: string;
  let ordinary: string;

  beforeAll(async () => {
    expect(usesPerDay).toBe(5);
    const [a, b, c] = areas;
    busy = (await service.issueCard(a, holder)).cardNumber;
    traveller = (await service.issueCard(b, holder)).cardNumber;
    ordinary = (await service.issueCard(a, holder)).cardNumber;
    busyUses = [];
    for (let i = 0; i <= usesPerDay; i++) busyUses.push(await use(a, busy, { children: i % 2 }));
    for (const area of [a, b, c]) await use(area, traveller);
    // Up to the limit, in two areas: not abnormal.
    for (let i = 0; i < usesPerDay; i++) await use(i % 2 ? a : b, ordinary);
    await streams.drain();
  }, 120_000);

  it('a card used more times in a day than the limit is flagged many-uses, with its count', async () => {
    const reply = await flags(service.adminKey);
    expect(reply.status).toBe(200);
    expect(flagsOf(reply, busy)).toEqual([
      { cardNumber: busy, date: day, reason: 'many-uses', uses: usesPerDay + 1, areas: 1 },
    ]);
  });

  it('a card used in three areas in a day is flagged many-areas', async () => {
    const reply = await flags(service.adminKey);
    expect(flagsOf(reply, traveller)).toEqual([
      { cardNumber: traveller, date: day, reason: 'many-areas', uses: 3, areas: 3 },
    ]);
  });

  it('a card within both limits is not flagged', async () => {
    expect(flagsOf(await flags(service.adminKey), ordinary)).toEqual([]);
    // The day's tallies are in the card itself, written by each use's own transaction.
    const card = await getItem(cardKey(ordinary));
    expect(card?.[usesTally(day)]).toBe(usesPerDay);
    expect(card?.[areasTally(day)]).toEqual(new Set([areas[0].areaId, areas[1].areaId]));
    // Never shown.
    const shown = await service.call('GET', `/v1/cards/${ordinary}`, { key: areas[0].distributorKey });
    expect(shown.status).toBe(200);
    expect(Object.keys(shown.body).filter(isTally)).toEqual([]);
  });

  it('the uses past the limit were recorded: listed, and counted in the statistics', async () => {
    const listed = await service.call('GET', `/v1/usages?from=${day}&to=${day}&limit=500`, {
      key: areas[0].venueKey,
    });
    const ids = new Set((listed.body.items as any[]).map((item) => item.usageId));
    for (const reply of busyUses) expect(ids.has(reply.body.usageId)).toBe(true);
    expect((await getItem(cardKey(busy)))?.useCount).toBe(usesPerDay + 1);
  });

  it('a redelivered stream counts nothing twice: the whole stream again, and one batch twice', async () => {
    const before = {
      busyCard: await getItem(cardKey(busy)),
      travellerCard: await getItem(cardKey(traveller)),
      busyFlag: await getItem(flagKey(busy, day, 'many-uses')),
      travellerFlag: await getItem(flagKey(traveller, day, 'many-areas')),
    };
    // Drained again: nothing new.
    await streams.drain();
    // A second consumer from the start of the stream: every record delivered once more.
    const again = await startStreamCounting();
    try {
      await again.drain();
    } finally {
      await again.stop();
    }
    // And the busy card's uses, with the card's record of its last use, as one batch, handed to the
    // consumer function twice.
    const records = [];
    for (const [i, reply] of busyUses.entries()) {
      const usage = await getItem(usageKey(reply.body.usageId));
      records.push({
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: String(2 * i), NewImage: marshall(usage) },
      });
    }
    const card = before.busyCard!;
    records.push({
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: String(2 * busyUses.length),
        OldImage: marshall({ ...card, useCount: card.useCount - 1, [usesTally(day)]: usesPerDay }),
        NewImage: marshall(card),
      },
    });
    // From the table's own shard (its records came before the ones these stand for): delivered again.
    const endpoint = inject('dynamoEndpoint');
    const credentials = localIam().operator;
    const { Table } = await new DynamoDBClient({ endpoint, region: 'eu-north-1', credentials }).send(
      new DescribeTableCommand({ TableName: service.tableName }),
    );
    const { StreamDescription } = await new DynamoDBStreamsClient({
      endpoint,
      region: 'eu-north-1',
      credentials,
    }).send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    const shardId = StreamDescription!.Shards!.at(-1)!.ShardId!;
    for (let delivery = 0; delivery < 2; delivery++)
      expect(
        await service.deployment.functions.invoke(jobHandlers.countFromStream, {
          Records: records,
          shardId,
          window: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' },
          state: {},
          isFinalInvokeForWindow: false,
          isWindowTerminatedEarly: false,
        }),
      ).toEqual({ state: {}, batchItemFailures: [] });
    expect(await getItem(cardKey(busy))).toEqual(before.busyCard);
    expect(await getItem(cardKey(traveller))).toEqual(before.travellerCard);
    expect(await getItem(flagKey(busy, day, 'many-uses'))).toEqual(before.busyFlag);
    expect(await getItem(flagKey(traveller, day, 'many-areas'))).toEqual(before.travellerFlag);
    expect(before.busyCard).toMatchObject({ [usesTally(day)]: usesPerDay + 1 });
    expect(flagsOf(await flags(service.adminKey), busy)).toEqual([
      { cardNumber: busy, date: day, reason: 'many-uses', uses: usesPerDay + 1, areas: 1 },
    ]);
  });

  it('admin sees every area; an area-admin only the cards of its own area, wherever they were used', async () => {
    const [a, b, c] = areas;
    const admin = await flags(service.adminKey);
    expect(flagsOf(admin, busy)).toHaveLength(1);
    expect(flagsOf(admin, traveller)).toHaveLength(1);
    const ofA = await flags(a.areaAdminKey);
    expect(ofA.status).toBe(200);
    expect(flagsOf(ofA, busy)).toHaveLength(1);
    // The traveller's card is area B's, though it was used in area A too.
    expect(flagsOf(ofA, traveller)).toEqual([]);
    const ofB = await flags(b.areaAdminKey);
    expect(flagsOf(ofB, traveller)).toEqual([
      { cardNumber: traveller, date: day, reason: 'many-areas', uses: 3, areas: 3 },
    ]);
    expect(flagsOf(ofB, busy)).toEqual([]);
    expect((await flags(c.areaAdminKey)).body.items).toEqual([]);
  });

  it('other roles are refused (distributors and venues too, who may read cards: flags is no card number)', async () => {
    const keys = await service.keysOfEveryRole(areas[0]);
    for (const role of ['distributor', 'venue', 'ticket-agent', 'partner'] as const)
      expectError(await flags(keys[role]), 403, 'FORBIDDEN');
    expect((await service.call('GET', '/v1/cards/flags')).status).toBe(401);
  });

  it('bad days and ranges are 400 VALIDATION_FAILED', async () => {
    const key = service.adminKey;
    expectError(await flags(key, '?from=2026-13-01'), 400, 'VALIDATION_FAILED', ['from']);
    expectError(await flags(key, '?to=yesterday'), 400, 'VALIDATION_FAILED', ['to']);
    expectError(await flags(key, `?from=${day}&to=${addDays(day, -1)}`), 400, 'VALIDATION_FAILED', ['from']);
    // A national list covers at most 366 days; an area's is not limited so.
    expectError(await flags(key, `?from=${addDays(day, -400)}&to=${day}`), 400, 'VALIDATION_FAILED', [
      'from',
    ]);
    expect((await flags(areas[0].areaAdminKey, `?from=${addDays(day, -400)}&to=${day}`)).status).toBe(200);
    expectError(await flags(key, '?limit=501'), 400, 'VALIDATION_FAILED', ['limit']);
    expectError(await flags(key, '?cursor=nonsense'), 400, 'VALIDATION_FAILED', ['cursor']);
    expectError(await flags(key, '?cardNumber=x'), 400, 'VALIDATION_FAILED', ['cardNumber']);
  });

  it('the flag items hold no personal data; there are no card-day items', async () => {
    const items = await scanTable();
    const flagItems = items.filter((item) => item.entity === 'flag');
    expect(flagItems.length).toBeGreaterThanOrEqual(2);
    expect(items.filter((item) => String(item.pk).startsWith('CARDDAY#'))).toEqual([]);
    const flagFields = ['pk', 'sk', 'entity', 'cardNumber', 'day', 'reason', 'uses', 'areas', 'areaId'];
    const listing = ['gsi1pk', 'gsi1sk', 'gsi3pk', 'gsi3sk', 'withdrawn', 'expiresAt', 'streamSeq'];
    for (const item of flagItems)
      for (const field of Object.keys(item)) expect([...flagFields, ...listing]).toContain(field);
    const values = flagItems.flatMap((item) =>
      Object.values(item).flatMap((value) => (value instanceof Set ? [...value] : [value])),
    );
    for (const personal of [holder.postalCode, holder.birthYear, String(holder.birthYear)])
      expect(values).not.toContain(personal);
  });

  it('recording makes no request for the flags: its transaction and its rights are what they were', async () => {
    // The use's one transaction: the use and the card (with its day's tallies); the venue is read before.
    const usage = (await getItem(usageKey(busyUses[0]!.body.usageId))) as any;
    const items = usageTransactItems(usage, { venueId: usage.venueId, areaId: usage.areaId });
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Update']);
    const partitions = items.map((item) => {
      const part = Object.values(item)[0] as { Item?: { pk: string }; Key?: { pk: string } };
      return (part.Item ?? part.Key)!.pk.split('#')[0];
    });
    expect(partitions).toEqual(['USAGE', 'CARD']);
    // The recording functions may not even touch a flag.
    const table = `arn:aws:dynamodb:eu-north-1:000000000000:table/${service.tableName}`;
    const recorders = ['POST /v1/usages', 'POST /v1/usages/batch'] as const;
    for (const handlerFile of recorders.map((key) => findRoute(key).handler))
      for (const action of ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query'])
        for (const partition of [`FLAG#${busy}`, `FLAGS#${day.slice(0, 7)}`])
          expect(
            (
              await localIam().decide({
                accessKeyId: localIam().credentialsFor(handlerFile, {
                  tableName: service.tableName,
                  bucket: process.env.STATS_BUCKET!,
                }).accessKeyId,
                action,
                resource: table,
                context: { 'dynamodb:LeadingKeys': [partition] },
              })
            ).allowed,
            `${handlerFile} ${action} ${partition}`,
          ).toBe(false);
  });
});

describe('voids, late entries and pages', () => {
  it('a void lowers the counts; a many-uses flag that no longer holds is withdrawn, and comes back', async () => {
    const [a, b, c] = areas;
    const card = (await service.issueCard(a)).cardNumber;
    const uses: Reply[] = [];
    for (let i = 0; i <= usesPerDay; i++) uses.push(await use([a, b, c][i % 3]!, card));
    await streams.drain();
    // Listed by day, card and reason.
    expect(flagsOf(await flags(service.adminKey), card)).toEqual([
      { cardNumber: card, date: day, reason: 'many-areas', uses: usesPerDay + 1, areas: 3 },
      { cardNumber: card, date: day, reason: 'many-uses', uses: usesPerDay + 1, areas: 3 },
    ]);
    // Voided by the venue of area B: back to the limit; its area stays among the day's areas.
    const voided = uses[1]!.body.usageId;
    expect((await service.call('DELETE', `/v1/usages/${voided}`, { key: b.venueKey })).status).toBe(200);
    // The void's own transaction takes it out of the card's tally of the day.
    expect((await getItem(cardKey(card)))?.[usesTally(day)]).toBe(usesPerDay);
    await streams.drain();
    expect(flagsOf(await flags(service.adminKey), card)).toEqual([
      { cardNumber: card, date: day, reason: 'many-areas', uses: usesPerDay, areas: 3 },
    ]);
    expect(flagsOf(await flags(a.areaAdminKey), card).map((flag) => flag.reason)).toEqual(['many-areas']);
    // Withdrawn, not deleted: kept unlisted until the card's day goes.
    expect(await getItem(flagKey(card, day, 'many-uses'))).toMatchObject({
      withdrawn: true,
      uses: usesPerDay,
      expiresAt: expect.any(Number),
    });
    await use(a, card);
    await streams.drain();
    expect(flagsOf(await flags(service.adminKey), card).map((flag) => [flag.reason, flag.uses])).toEqual([
      ['many-areas', usesPerDay + 1],
      ['many-uses', usesPerDay + 1],
    ]);
    expect(await getItem(flagKey(card, day, 'many-uses'))).not.toHaveProperty('withdrawn');
  }, 60_000);

  it('late entries count on their own day, in another month too; pages give each flag once', async () => {
    const [a, b, c] = areas;
    const back = addDays(day, -45);
    const card = await putBackdatedCard(b, { issuedOn: addDays(day, -50), validUntil: addDays(day, 30) });
    for (const area of [a, b, c]) await use(area, card.cardNumber, { occurredAt: `${back}T12:00:00+02:00` });
    await streams.drain();
    // Tallied on their own day, in the card, by the uses' own writes.
    expect(await getItem(cardKey(card.cardNumber))).toMatchObject({
      [usesTally(back)]: 3,
      [areasTally(back)]: new Set([a.areaId, b.areaId, c.areaId]),
    });
    expect(await getItem(cardKey(card.cardNumber))).not.toHaveProperty(usesTally(day));
    const expected = { cardNumber: card.cardNumber, date: back, reason: 'many-areas', uses: 3, areas: 3 };
    expect(flagsOf(await flags(service.adminKey, `?from=${back}&to=${back}`), card.cardNumber)).toEqual([
      expected,
    ]);
    expect(flagsOf(await flags(b.areaAdminKey, `?from=${back}&to=${back}`), card.cardNumber)).toEqual([
      expected,
    ]);
    // Not in a range without that day; the default range (30 days back) does not reach it.
    expect(flagsOf(await flags(service.adminKey, `?from=${addDays(back, 1)}`), card.cardNumber)).toEqual([]);
    expect(flagsOf(await flags(service.adminKey), card.cardNumber)).toEqual([]);

    // Every flag of the file, one per page, national (across months) and of area B.
    for (const [key, query] of [
      [service.adminKey, `?from=${addDays(day, -60)}&to=${day}`],
      [b.areaAdminKey, `?from=${addDays(day, -60)}&to=${day}`],
    ] as const) {
      const all = (await flags(key, `${query}&limit=500`)).body.items as any[];
      expect(all.length).toBeGreaterThanOrEqual(key === service.adminKey ? 5 : 2);
      expect(all.map((flag) => flag.date)).toEqual([...all.map((flag) => flag.date)].sort());
      const paged: any[] = [];
      let cursor: string | undefined;
      do {
        const reply = await flags(
          key,
          `${query}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(reply.status).toBe(200);
        expect(reply.body.items.length).toBeLessThanOrEqual(1);
        paged.push(...reply.body.items);
        cursor = reply.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all);
    }
  }, 60_000);
});

describe("a card's tallies stay bounded", () => {
  it("removes days too old to change: a use's write those just before the kept days, the stream the rest", async () => {
    const [a] = areas;
    const card = (await service.issueCard(a)).cardNumber;
    const oldest = addDays(day, -cardDayKeptDays);
    const justOut = addDays(oldest, -1);
    const longGone = addDays(oldest, -tallyRemovalDays - 10);
    const kept = addDays(day, -20);
    // Tallies as earlier uses would have left them (written here directly: those days cannot be recorded).
    await documentClient().send(
      new UpdateCommand({
        TableName: service.tableName,
        Key: cardKey(card),
        UpdateExpression: 'SET #u1 = :n, #a1 = :s, #u2 = :n, #a2 = :s, #u3 = :n, #a3 = :s',
        ExpressionAttributeNames: {
          '#u1': usesTally(justOut),
          '#a1': areasTally(justOut),
          '#u2': usesTally(longGone),
          '#a2': areasTally(longGone),
          '#u3': usesTally(kept),
          '#a3': areasTally(kept),
        },
        ExpressionAttributeValues: { ':n': 2, ':s': new Set([a.areaId]) },
      }),
    );
    await use(a, card);
    // The use's own write removed the day just out of the window; the older one waits for the stream.
    const written = await getItem(cardKey(card));
    expect(Object.keys(written!).filter(isTally).sort()).toEqual(
      [
        usesTally(day),
        areasTally(day),
        usesTally(kept),
        areasTally(kept),
        usesTally(longGone),
        areasTally(longGone),
      ].sort(),
    );
    await streams.drain();
    const after = await getItem(cardKey(card));
    expect(Object.keys(after!).filter(isTally).sort()).toEqual(
      [usesTally(day), areasTally(day), usesTally(kept), areasTally(kept)].sort(),
    );
    expect(after).toMatchObject({ useCount: 1, [usesTally(day)]: 1, [usesTally(kept)]: 2 });
    expect(flagsOf(await flags(service.adminKey, `?from=${longGone}`), card)).toEqual([]);
  }, 60_000);
});

describe('the route', () => {
  it('is in openapi.json, with its query and what it answers', async () => {
    const reply = await service.call('GET', '/v1/openapi.json');
    const operation = reply.body.paths['/v1/cards/flags']?.get;
    expect(operation.summary).toBe('Abnormal use of a card, without personal data');
    expect(operation.description).toContain('{items: [{cardNumber, date, reason, uses, areas}]}');
    expect(operation.parameters.map((parameter: any) => parameter.name)).toEqual([
      'from',
      'to',
      'limit',
      'cursor',
    ]);
    expect(operation.responses['200']).toBeDefined();
  });
});
