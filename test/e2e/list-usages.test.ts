// GET /v1/usages: who sees what, day ranges, pages that give every use exactly once, JSON and CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../shared/lib/dates.ts';
import {
  expectError,
  putBackdatedCard,
  type Reply,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let areaA: TestArea;
let areaB: TestArea;
let venueA2: { venueId: string; venueKey: string };
/** Every use recorded in this file, with the Helsinki day it counts on. */
const recorded: Array<{ usageId: string; venueId: string; areaId: string; day: string; body: any }> = [];

// Days back from today: 45 is surely in another month than today, so the national listing crosses months.
const daysBack = [45, 44, 20, 3, 0];
const instantOn = (day: string, time = '12:00:00+02:00') => `${day}T${time}`;

beforeAll(async () => {
  service = await startTestService();
  areaA = await service.area();
  areaB = await service.area();
  venueA2 = await service.venue(areaA.areaId);
  const cardA = await putBackdatedCard(areaA, {
    issuedOn: addDays(today(), -50),
    validUntil: addDays(today(), 30),
    cardType: 'community',
  });
  const record = async (venueKey: string, venueId: string, areaId: string, back: number, n: number) => {
    const day = addDays(today(), -back);
    for (let i = 0; i < n; i++) {
      const reply = await service.recordUse(venueKey, {
        cardNumber: cardA.cardNumber,
        sector: ['culture', 'sport', 'science', 'education'][i % 4],
        adults: 1 + (i % 2),
        children: i % 3,
        ...(back > 0 && { occurredAt: instantOn(day, `1${i % 10}:00:00+02:00`) }),
      });
      if (reply.status !== 201) throw new Error(reply.text);
      recorded.push({ usageId: reply.body.usageId, venueId, areaId, day, body: reply.body });
    }
  };
  for (const back of daysBack) {
    await record(areaA.venueKey, areaA.venueId, areaA.areaId, back, 3);
    await record(venueA2.venueKey, venueA2.venueId, areaA.areaId, back, 1);
    await record(areaB.venueKey, areaB.venueId, areaB.areaId, back, 2);
  }
  // Just inside a Helsinki day at both ends, whatever the season: the day filter must use Helsinki days.
  const edgeDay = addDays(today(), -10);
  for (const time of ['00:30:00+02:00', '23:30:00+03:00']) {
    const reply = await service.recordUse(areaA.venueKey, {
      cardNumber: cardA.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
      occurredAt: instantOn(edgeDay, time),
    });
    recorded.push({
      usageId: reply.body.usageId,
      venueId: areaA.venueId,
      areaId: areaA.areaId,
      day: edgeDay,
      body: reply.body,
    });
  }
  // One voided use stays listed.
  const voided = recorded.find((use) => use.venueId === areaA.venueId && use.day === today())!;
  const reply = await service.call('DELETE', `/v1/usages/${voided.usageId}`, { key: areaA.venueKey });
  if (reply.status !== 200) throw new Error(reply.text);
});
afterAll(() => service?.stop());

const ids = (uses: Array<{ usageId: string }>) => uses.map((use) => use.usageId).sort();
const expected = (filter: (use: (typeof recorded)[number]) => boolean) => ids(recorded.filter(filter));

/** Follows nextCursor to the end; checks each page's size. */
async function allPages(key: string, query: string, limit: number) {
  const items: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const reply = await service.call(
      'GET',
      `/v1/usages?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { key },
    );
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...reply.body.items);
    cursor = reply.body.nextCursor;
    if (cursor !== undefined) expect(typeof cursor).toBe('string');
    expect(++pages).toBeLessThan(200);
  } while (cursor);
  return items;
}

describe('scope', () => {
  it('a venue sees its own uses only', async () => {
    const reply = await service.call('GET', '/v1/usages', { key: areaA.venueKey });
    expect(reply.status).toBe(200);
    expect(reply.body.nextCursor).toBeUndefined();
    expect(ids(reply.body.items)).toEqual(expected((use) => use.venueId === areaA.venueId));
    const second = await service.call('GET', '/v1/usages', { key: venueA2.venueKey });
    expect(ids(second.body.items)).toEqual(expected((use) => use.venueId === venueA2.venueId));
  });

  it("an area-admin sees its own area's uses only", async () => {
    const a = await service.call('GET', '/v1/usages?limit=500', { key: areaA.areaAdminKey });
    expect(ids(a.body.items)).toEqual(expected((use) => use.areaId === areaA.areaId));
    const b = await service.call('GET', '/v1/usages?limit=500', { key: areaB.areaAdminKey });
    expect(ids(b.body.items)).toEqual(expected((use) => use.areaId === areaB.areaId));
  });

  it('the admin sees every area', async () => {
    const items = await allPages(service.adminKey, 'format=json', 500);
    expect(ids(items)).toEqual(expected(() => true));
  });

  it('lists each use with its fields, voided ones included', async () => {
    const reply = await service.call('GET', '/v1/usages', { key: areaA.venueKey });
    for (const item of reply.body.items) {
      const use = recorded.find((candidate) => candidate.usageId === item.usageId)!;
      expect(Object.keys(item).sort()).toEqual(
        [
          'adults',
          'areaId',
          'cardNumber',
          'children',
          'occurredAt',
          'sector',
          'usageId',
          'venueId',
          'voided',
        ].sort(),
      );
      expect(item).toMatchObject({ ...use.body, areaId: areaA.areaId });
    }
    expect(reply.body.items.filter((item: any) => item.voided)).toHaveLength(1);
    // Oldest first.
    const times = reply.body.items.map((item: any) => item.occurredAt);
    expect(times).toEqual([...times].sort());
  });
});

describe('from and to', () => {
  it.each([
    ['one day', 3, 3],
    ['a range of days', 44, 20],
    ['a range across months', 45, 0],
  ])('limits the list to %s (Helsinki days) for every scope', async (_, fromBack, toBack) => {
    const from = addDays(today(), -fromBack);
    const to = addDays(today(), -toBack);
    const inRange = (use: (typeof recorded)[number]) => use.day >= from && use.day <= to;
    const query = `from=${from}&to=${to}`;
    const venue = await allPages(areaA.venueKey, query, 500);
    expect(ids(venue)).toEqual(expected((use) => inRange(use) && use.venueId === areaA.venueId));
    const areaAdmin = await allPages(areaA.areaAdminKey, query, 500);
    expect(ids(areaAdmin)).toEqual(expected((use) => inRange(use) && use.areaId === areaA.areaId));
    const admin = await allPages(service.adminKey, query, 500);
    expect(ids(admin)).toEqual(expected(inRange));
  });

  it('counts a use on its Helsinki day, just after midnight and just before the next', async () => {
    const day = addDays(today(), -10);
    for (const key of [areaA.venueKey, areaA.areaAdminKey, service.adminKey]) {
      const on = await service.call('GET', `/v1/usages?from=${day}&to=${day}`, { key });
      expect(on.body.items).toHaveLength(2);
      const before = await service.call('GET', `/v1/usages?from=${addDays(day, -1)}&to=${addDays(day, -1)}`, {
        key,
      });
      const after = await service.call('GET', `/v1/usages?from=${addDays(day, 1)}&to=${addDays(day, 1)}`, {
        key,
      });
      expect(before.body.items).toHaveLength(0);
      expect(after.body.items).toHaveLength(0);
    }
  });

  it('defaults to the last 60 days up to today', async () => {
    const reply = await service.call('GET', `/v1/usages?to=${addDays(today(), -44)}`, {
      key: areaA.venueKey,
    });
    // to = 44 days back, so from defaults to 104 days back: the uses of days 45 and 44.
    expect(ids(reply.body.items)).toEqual(
      expected((use) => use.venueId === areaA.venueId && use.day <= addDays(today(), -44)),
    );
    const fromOnly = await service.call('GET', `/v1/usages?from=${addDays(today(), -3)}`, {
      key: areaA.venueKey,
    });
    expect(ids(fromOnly.body.items)).toEqual(
      expected((use) => use.venueId === areaA.venueId && use.day >= addDays(today(), -3)),
    );
  });
});

describe('pages', () => {
  it.each([1, 2, 3, 7])('with limit=%i give every use exactly once, for every scope', async (limit) => {
    for (const [key, filter] of [
      [areaA.venueKey, (use: (typeof recorded)[number]) => use.venueId === areaA.venueId],
      [areaA.areaAdminKey, (use: (typeof recorded)[number]) => use.areaId === areaA.areaId],
      [service.adminKey, () => true],
    ] as const) {
      const items = await allPages(key, `from=${addDays(today(), -60)}&to=${today()}`, limit);
      const listed = items.map((item) => item.usageId);
      expect(new Set(listed).size).toBe(listed.length);
      expect(ids(items)).toEqual(expected(filter));
    }
  });

  it('a full last page may be followed by an empty one, never by a repeat', async () => {
    const count = expected((use) => use.venueId === venueA2.venueId).length;
    const items = await allPages(venueA2.venueKey, 'format=json', count);
    expect(ids(items)).toEqual(expected((use) => use.venueId === venueA2.venueId));
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON that is not an object', Buffer.from('42').toString('base64url')],
    ['a key with a number', Buffer.from(JSON.stringify({ key: { pk: 1 } })).toString('base64url')],
    ['a bad month', Buffer.from(JSON.stringify({ month: '2026-1' })).toString('base64url')],
    [
      'a key of another partition',
      Buffer.from(JSON.stringify({ key: { pk: 'x', sk: 'y', gsi1pk: 'VENUE#other', gsi1sk: 'z' } })).toString(
        'base64url',
      ),
    ],
  ])('refuses a tampered cursor (%s) with 400 naming cursor', async (_, cursor) => {
    for (const key of [areaA.venueKey, areaA.areaAdminKey, service.adminKey]) {
      const reply = await service.call('GET', `/v1/usages?cursor=${encodeURIComponent(cursor)}`, { key });
      expectError(reply, 400, 'VALIDATION_FAILED', ['cursor']);
    }
  });

  it("refuses another caller's cursor", async () => {
    const page = await service.call('GET', '/v1/usages?limit=1', { key: areaB.venueKey });
    expect(page.body.nextCursor).toBeDefined();
    const reply = await service.call('GET', `/v1/usages?limit=1&cursor=${page.body.nextCursor}`, {
      key: areaA.venueKey,
    });
    expectError(reply, 400, 'VALIDATION_FAILED', ['cursor']);
  });
});

describe('CSV', () => {
  const header = 'usageId,cardNumber,venueId,areaId,occurredAt,sector,adults,children,eventName,voided';

  it('gives the same uses as JSON, with a header row', async () => {
    const json = await service.call('GET', '/v1/usages?limit=500', { key: areaA.areaAdminKey });
    const csv = await service.call('GET', '/v1/usages?format=csv&limit=500', { key: areaA.areaAdminKey });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe(header);
    expect(lines.slice(1)).toEqual(
      json.body.items.map((item: any) =>
        [
          item.usageId,
          item.cardNumber,
          item.venueId,
          item.areaId,
          item.occurredAt,
          item.sector,
          item.adults,
          item.children,
          item.eventName ?? '',
          item.voided,
        ].join(','),
      ),
    );
    expect(lines.slice(1).filter((line) => line.endsWith(',true'))).toHaveLength(1);
  });

  it('pages with the X-Next-Cursor header, each page with its header row', async () => {
    const rows: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await service.call(
        'GET',
        `/v1/usages?format=csv&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        { key: areaA.venueKey },
      );
      const [first, ...rest] = reply.text.trimEnd().split('\n');
      expect(first).toBe(header);
      expect(rest.length).toBeLessThanOrEqual(4);
      rows.push(...rest);
      cursor = reply.headers.get('x-next-cursor');
    } while (cursor);
    expect(rows.map((row) => row.split(',')[0]).sort()).toEqual(
      expected((use) => use.venueId === areaA.venueId),
    );
  });

  it('is an empty list with its header when nothing matches', async () => {
    const reply = await service.call(
      'GET',
      `/v1/usages?format=csv&from=${addDays(today(), -59)}&to=${addDays(today(), -58)}`,
      {
        key: areaA.venueKey,
      },
    );
    expect(reply.text).toBe(`${header}\n`);
  });
});

describe('event names', () => {
  it('are listed with the use, and a formula in one is made harmless in CSV', async () => {
    const card = await putBackdatedCard(areaB, {
      issuedOn: addDays(today(), -5),
      validUntil: addDays(today(), 30),
      cardType: 'community',
    });
    const eventName = '=HYPERLINK("http://example.org","Konsertti")';
    const reply = await service.recordUse(areaB.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
      eventName,
    });
    expect(reply.status, reply.text).toBe(201);
    recorded.push({
      usageId: reply.body.usageId,
      venueId: areaB.venueId,
      areaId: areaB.areaId,
      day: today(),
      body: reply.body,
    });
    const listed = await service.call('GET', '/v1/usages?limit=500', { key: areaB.venueKey });
    const item = listed.body.items.find((use: any) => use.usageId === reply.body.usageId);
    expect(item.eventName).toBe(eventName);
    const csv = await service.call('GET', '/v1/usages?format=csv&limit=500', { key: areaB.venueKey });
    const line = csv.text.split('\n').find((row) => row.startsWith(reply.body.usageId))!;
    expect(line).toContain(`"'=HYPERLINK(""http://example.org"",""Konsertti"")"`);
  });
});

describe('bad queries', () => {
  it.each([
    ['limit=0', ['limit']],
    ['limit=501', ['limit']],
    ['limit=abc', ['limit']],
    ['from=2026-13-01', ['from']],
    ['to=yesterday', ['to']],
    ['format=xml', ['format']],
    ['areaId=x', ['areaId']],
  ])('refuses %s with 400', async (query, fields) => {
    expectError(
      await service.call('GET', `/v1/usages?${query}`, { key: service.adminKey }),
      400,
      'VALIDATION_FAILED',
      fields,
    );
  });

  it.each(['to=9999-12-31', 'from=2014-12-31', `to=${addDays(today(), 367)}`])(
    'refuses %s, outside the scheme’s life, with 400 (uses and audit alike)',
    async (query) => {
      for (const path of ['/v1/usages', '/v1/audit'])
        expectError(
          await service.call('GET', `${path}?${query}`, { key: service.adminKey }),
          400,
          'VALIDATION_FAILED',
          [query.split('=')[0]!],
        );
    },
  );

  it('refuses a national range longer than a year, which it could not serve in time; an area’s is fine', async () => {
    const query = `from=${addDays(today(), -400)}&to=${today()}`;
    for (const path of ['/v1/usages', '/v1/audit'])
      expectError(
        await service.call('GET', `${path}?${query}`, { key: service.adminKey }),
        400,
        'VALIDATION_FAILED',
        ['from'],
      );
    expect((await service.call('GET', `/v1/usages?${query}`, { key: areaA.areaAdminKey })).status).toBe(200);
    expect((await service.call('GET', `/v1/usages?${query}`, { key: areaA.venueKey })).status).toBe(200);
  });

  it('refuses from after to', async () => {
    const reply = await service.call('GET', `/v1/usages?from=${today()}&to=${addDays(today(), -1)}`, {
      key: areaA.venueKey,
    });
    expectError(reply, 400, 'VALIDATION_FAILED', ['from']);
  });
});
