// POST /v1/usages/batch, as JSON and as CSV: rows stand alone and are idempotent by clientRef per venue.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowMs } from '../../shared/lib/clock.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { usageKey } from '../../shared/store/keys.ts';
import {
  cardItem,
  expectError,
  getItem,
  newCardNumber,
  putBackdatedCard,
  startTestService,
  type TestArea,
  type TestService,
  useAggregate,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
let other: TestArea;
beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  other = await service.area();
});
afterAll(() => service?.stop());

const batch = (key: string, items: unknown[]) =>
  service.call('POST', '/v1/usages/batch', { key, body: { items } });
const csvBatch = (key: string, csv: string, contentType = 'text/csv') =>
  service.call('POST', '/v1/usages/batch', { key, rawBody: csv, headers: { 'content-type': contentType } });
let refs = 0;
const ref = () => `ref-${++refs}-${Date.now()}`;

describe('POST /v1/usages/batch (JSON)', () => {
  it('records the good rows, reports each bad row on its own, in order, and counts only what it recorded', async () => {
    const card = await service.issueCard(area, { minorChildren: 1 });
    const revoked = await service.issueCard(area);
    await service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    const before = await useAggregate(area.areaId, 'culture');
    const refsOf = Array.from({ length: 8 }, ref);
    const items = [
      { clientRef: refsOf[0], cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 1 },
      { clientRef: refsOf[1], cardNumber: newCardNumber(), sector: 'culture', adults: 1, children: 0 },
      { clientRef: refsOf[2], cardNumber: card.cardNumber, sector: 'culture', adults: 'one', children: 0 },
      { clientRef: refsOf[3], cardNumber: revoked.cardNumber, sector: 'culture', adults: 1, children: 0 },
      { clientRef: refsOf[4], cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 2 },
      {
        clientRef: refsOf[5],
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        seat: 'A1',
      },
      {
        clientRef: refsOf[6],
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        eventName: 'Ryhmä 131052-308T',
      },
      {
        clientRef: refsOf[7],
        cardNumber: card.cardNumber.toLowerCase(),
        sector: 'culture',
        adults: 0,
        children: 1,
      },
    ];
    const reply = await batch(area.venueKey, items);
    expect(reply.status).toBe(200);
    const results = reply.body.results;
    expect(results.map((result: any) => result.clientRef)).toEqual(refsOf);
    expect(results.map((result: any) => result.status)).toEqual([
      'created',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'created',
    ]);
    expect(results.map((result: any) => result.error?.code ?? null)).toEqual([
      null,
      'NOT_FOUND',
      'VALIDATION_FAILED',
      'CARD_REVOKED',
      'TOO_MANY_CHILDREN',
      'VALIDATION_FAILED',
      'PERSONAL_DATA_NOT_ALLOWED',
      null,
    ]);
    expect(results[2].error.details.map((detail: any) => detail.field)).toContain('adults');
    expect(results[5].error.details.map((detail: any) => detail.field)).toContain('seat');
    expect(results[6].error.details.map((detail: any) => detail.field)).toContain('eventName');
    expect(reply.text).not.toContain('131052-308T');
    for (const result of results) {
      if (result.status === 'created') expect(result.usageId).toMatch(/^u/);
      else expect(result.usageId).toBeUndefined();
      if (result.status === 'failed') expect(typeof result.error.message).toBe('string');
    }
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
    expect(await useAggregate(area.areaId, 'culture')).toEqual({
      adultUses: before.adultUses + 1,
      childUses: before.childUses + 2,
      records: before.records + 2,
    });
    const stored = await getItem(usageKey(results[7].usageId));
    expect(stored).toMatchObject({ cardNumber: card.cardNumber, venueId: area.venueId, voided: false });

    // The same batch again: recorded rows are replays with the same ids, nothing is counted twice.
    const again = await batch(area.venueKey, items);
    expect(again.status).toBe(200);
    expect(again.body.results.map((result: any) => result.status)).toEqual([
      'replayed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'replayed',
    ]);
    expect(again.body.results[0].usageId).toBe(results[0].usageId);
    expect(again.body.results[7].usageId).toBe(results[7].usageId);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
    expect((await useAggregate(area.areaId, 'culture')).records).toBe(before.records + 2);

    // A corrected row under its old clientRef is recorded now.
    const fixed = await batch(area.venueKey, [{ ...items[2], adults: 1 }]);
    expect(fixed.body.results[0]).toMatchObject({ clientRef: refsOf[2], status: 'created' });
    expect((await cardItem(card.cardNumber))!.useCount).toBe(3);
  });

  it('refuses a clientRef reused for another use, row by row (IDEMPOTENCY_KEY_REUSED)', async () => {
    const card = await service.issueCard(area);
    const clientRef = ref();
    const first = await batch(area.venueKey, [
      { clientRef, cardNumber: card.cardNumber, sector: 'sport', adults: 1, children: 0 },
    ]);
    expect(first.body.results[0].status).toBe('created');
    const second = await batch(area.venueKey, [
      { clientRef, cardNumber: card.cardNumber, sector: 'science', adults: 1, children: 0 },
      { clientRef: ref(), cardNumber: card.cardNumber, sector: 'science', adults: 1, children: 0 },
    ]);
    expect(second.body.results[0]).toMatchObject({
      clientRef,
      status: 'failed',
      error: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    expect(second.body.results[1].status).toBe('created');
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
  });

  it('records a clientRef twice in one batch only once', async () => {
    const card = await service.issueCard(area);
    const row = { clientRef: ref(), cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 };
    const reply = await batch(area.venueKey, [row, row]);
    expect(reply.body.results.map((result: any) => result.status).sort()).toEqual(['created', 'replayed']);
    expect(reply.body.results[0].usageId).toBe(reply.body.results[1].usageId);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(1);
  });

  it('keeps clientRefs apart per venue', async () => {
    const card = await service.issueCard(area);
    const row = { clientRef: ref(), cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 };
    const mine = await batch(area.venueKey, [row]);
    const theirs = await batch(other.venueKey, [row]);
    expect(mine.body.results[0].status).toBe('created');
    expect(theirs.body.results[0].status).toBe('created');
    expect(theirs.body.results[0].usageId).not.toBe(mine.body.results[0].usageId);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
  });

  it('keeps a ticket agent’s clientRefs apart from the venue’s and from other agents’: none can block or probe another', async () => {
    const card = await service.issueCard(area, { minorChildren: 2 });
    const clientRef = ref();
    const row = { clientRef, cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 };
    const venueRow = await batch(area.venueKey, [row]);
    // Another body under the same ref: refused for the venue itself, but an agent's ref is its own.
    const agentRow = { ...row, children: 1, venueId: area.venueId };
    const agents = [await service.ticketAgent(), await service.ticketAgent()];
    const first = await batch(agents[0]!, [agentRow]);
    const second = await batch(agents[1]!, [agentRow]);
    expect([venueRow, first, second].map((reply) => reply.body.results[0].status)).toEqual([
      'created',
      'created',
      'created',
    ]);
    const ids = new Set([venueRow, first, second].map((reply) => reply.body.results[0].usageId));
    expect(ids.size).toBe(3);
    // Each one's resend replays its own row.
    expect((await batch(agents[0]!, [agentRow])).body.results[0]).toMatchObject({
      status: 'replayed',
      usageId: first.body.results[0].usageId,
    });
    expect((await cardItem(card.cardNumber))!.useCount).toBe(3);
  });

  it('lets a ticket agent record for several venues in one batch; a row without a venue fails alone', async () => {
    const agent = await service.ticketAgent();
    const card = await service.issueCard(area);
    const reply = await batch(agent, [
      {
        clientRef: 'a',
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        venueId: area.venueId,
      },
      {
        clientRef: 'b',
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        venueId: other.venueId,
      },
      { clientRef: 'c', cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 },
      {
        clientRef: 'd',
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
        venueId: 'o-nope',
      },
    ]);
    expect(reply.body.results.map((result: any) => [result.status, result.error?.code ?? null])).toEqual([
      ['created', null],
      ['created', null],
      ['failed', 'VALIDATION_FAILED'],
      ['failed', 'NOT_FOUND'],
    ]);
    expect(reply.body.results[2].error.details.map((detail: any) => detail.field)).toContain('venueId');
    expect((await getItem(usageKey(reply.body.results[1].usageId)))!.venueId).toBe(other.venueId);
  });

  it('applies the venue limit row by row', async () => {
    const limited = await service.area({ cardLimitPerDay: 1 });
    const card = await service.issueCard(limited);
    const other = await service.issueCard(limited);
    const reply = await batch(limited.venueKey, [
      { clientRef: 'x1', cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 },
      { clientRef: 'x2', cardNumber: card.cardNumber, sector: 'culture', adults: 1, children: 0 },
      { clientRef: 'x3', cardNumber: other.cardNumber, sector: 'culture', adults: 1, children: 0 },
    ]);
    const statuses = reply.body.results.map((result: any) => result.status);
    // x1 and x2 run in parallel: exactly one of them gets in.
    expect([statuses[0], statuses[1]].sort()).toEqual(['created', 'failed']);
    expect(reply.body.results.find((result: any) => result.status === 'failed').error.code).toBe(
      'VENUE_LIMIT_REACHED',
    );
    expect(statuses[2]).toBe('created');
  });

  it('records late entries with occurredAt per row', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -20),
      validUntil: addDays(today(), 20),
    });
    const day = addDays(today(), -10);
    const before = await useAggregate(area.areaId, 'education', day);
    const reply = await batch(area.venueKey, [
      {
        clientRef: ref(),
        cardNumber: card.cardNumber,
        sector: 'education',
        adults: 1,
        children: 1,
        occurredAt: `${day}T10:00:00+02:00`,
      },
      {
        clientRef: ref(),
        cardNumber: card.cardNumber,
        sector: 'education',
        adults: 1,
        children: 0,
        occurredAt: `${addDays(today(), -25)}T10:00:00+02:00`,
      },
    ]);
    expect(reply.body.results[0].status).toBe('created');
    expect(reply.body.results[1]).toMatchObject({ status: 'failed', error: { code: 'VALIDATION_FAILED' } });
    expect(await useAggregate(area.areaId, 'education', day)).toEqual({
      adultUses: before.adultUses + 1,
      childUses: before.childUses + 1,
      records: before.records + 1,
    });
  });

  it.each([
    ['no items', { items: [] }, ['items']],
    ['no items field', {}, ['items']],
    ['items that are not a list', { items: 'x' }, ['items']],
    ['an unknown top-level field', { items: [{ clientRef: 'a' }], extra: true }, ['extra']],
  ])('refuses a body with %s as a whole (400)', async (_, body, fields) => {
    const reply = await service.call('POST', '/v1/usages/batch', { key: area.venueKey, body });
    expectError(reply, 400, 'VALIDATION_FAILED', fields);
  });

  it('takes 500 rows and refuses 501', async () => {
    const card = await service.issueCard(area, { cardType: 'community' });
    // Most rows fail their own validation (no table work), so the limit is tested without a long run;
    // every 50th row is a real use.
    const rows = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({
        clientRef: `${prefix}-${i}`,
        cardNumber: card.cardNumber,
        sector: i % 50 === 0 ? 'sport' : 'dance',
        adults: 1,
        children: 0,
      }));
    expectError(await batch(area.venueKey, rows(501, 'big')), 400, 'VALIDATION_FAILED', ['items']);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
    const before = await useAggregate(area.areaId, 'sport');
    const reply = await batch(area.venueKey, rows(500, 'max'));
    expect(reply.status).toBe(200);
    expect(reply.body.results).toHaveLength(500);
    reply.body.results.forEach((result: any, i: number) => {
      expect(result.clientRef).toBe(`max-${i}`);
      expect(result.status).toBe(i % 50 === 0 ? 'created' : 'failed');
    });
    expect((await cardItem(card.cardNumber))!.useCount).toBe(10);
    expect((await useAggregate(area.areaId, 'sport')).adultUses).toBe(before.adultUses + 10);
  });
});

describe('POST /v1/usages/batch (CSV)', () => {
  it('reads a header row and one use per row; a bad row fails alone; a resend replays', async () => {
    const card = await service.issueCard(area, { minorChildren: 2 });
    const [r1, r2, r3, r4, r5] = [ref(), ref(), ref(), ref(), ref()];
    const csv = [
      'clientRef,cardNumber,sector,adults,children,eventName',
      `${r1},${card.cardNumber},culture,1,2,"Konsertti, iltapäivä"`,
      `${r2},AAAA-AAAA-AAAB,culture,1,0,`,
      `${r3},${card.cardNumber.toLowerCase()},sport,1,0,`,
      `${r4},${card.cardNumber},culture,1,0,Ryhmä,extra cell`,
      `${r5},${card.cardNumber},culture,x,0,`,
      '',
    ].join('\r\n');
    const before = await useAggregate(area.areaId, 'culture');
    const reply = await csvBatch(area.venueKey, csv, 'text/csv; charset=utf-8');
    expect(reply.status).toBe(200);
    const results = reply.body.results;
    expect(
      results.map((result: any) => [result.clientRef, result.status, result.error?.code ?? null]),
    ).toEqual([
      [r1, 'created', null],
      [r2, 'failed', 'VALIDATION_FAILED'],
      [r3, 'created', null],
      [null, 'failed', 'VALIDATION_FAILED'],
      [r5, 'failed', 'VALIDATION_FAILED'],
    ]);
    expect(results[1].error.details.map((detail: any) => detail.field)).toContain('cardNumber');
    expect(results[4].error.details.map((detail: any) => detail.field)).toContain('adults');
    expect(results[3].error.details[0].field).toBe('row 5');
    const stored = await getItem(usageKey(results[0].usageId));
    expect(stored).toMatchObject({
      eventName: 'Konsertti, iltapäivä',
      adults: 1,
      children: 2,
      sector: 'culture',
    });
    expect((await getItem(usageKey(results[2].usageId)))!.cardNumber).toBe(card.cardNumber);
    expect((await useAggregate(area.areaId, 'culture')).childUses).toBe(before.childUses + 2);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);

    const again = await csvBatch(area.venueKey, csv);
    expect(again.body.results.map((result: any) => result.status)).toEqual([
      'replayed',
      'failed',
      'replayed',
      'failed',
      'failed',
    ]);
    expect(again.body.results[0].usageId).toBe(results[0].usageId);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
  });

  it('is idempotent across formats: a row sent as JSON replays as CSV', async () => {
    const card = await service.issueCard(area);
    const clientRef = ref();
    const json = await batch(area.venueKey, [
      { clientRef, cardNumber: card.cardNumber, sector: 'science', adults: 1, children: 0 },
    ]);
    const csv = await csvBatch(
      area.venueKey,
      `clientRef,cardNumber,sector,adults,children\n${clientRef},${card.cardNumber},science,1,0\n`,
    );
    expect(json.body.results[0].status).toBe('created');
    expect(csv.body.results[0]).toEqual({ ...json.body.results[0], status: 'replayed' });
  });

  it('takes columns in any order, semicolons as separators (spreadsheets) and a byte order mark', async () => {
    const card = await service.issueCard(area);
    // Now: an hour ago may be before the card's registration day, in the first hour after midnight.
    const occurredAt = new Date(nowMs()).toISOString();
    const csv = `\uFEFFsector;children;cardNumber;clientRef;adults;occurredAt\nsport;0;${card.cardNumber};${ref()};1;${occurredAt}\n`;
    const reply = await csvBatch(area.venueKey, csv);
    expect(reply.body.results[0].status).toBe('created');
    const stored = await getItem(usageKey(reply.body.results[0].usageId));
    expect(stored).toMatchObject({ sector: 'sport', occurredAt });
  });

  it('lets a ticket agent name the venue in a venueId column', async () => {
    const agent = await service.ticketAgent();
    const card = await service.issueCard(area);
    const reply = await csvBatch(
      agent,
      `clientRef,venueId,cardNumber,sector,adults,children\nt1,${other.venueId},${card.cardNumber},culture,1,0\nt2,,${card.cardNumber},culture,1,0\n`,
    );
    expect(reply.body.results.map((result: any) => result.status)).toEqual(['created', 'failed']);
    expect((await getItem(usageKey(reply.body.results[0].usageId)))!.venueId).toBe(other.venueId);
  });

  it.each([
    [
      'an unknown column',
      'clientRef,cardNumber,sector,adults,children,name\nr,AAAA,culture,1,0,x\n',
      ['name'],
    ],
    ['a header and no rows', 'clientRef,cardNumber,sector,adults,children\n', ['(body)']],
    ['nothing at all', '', ['(body)']],
    ['an unclosed quote', 'clientRef,cardNumber,sector,adults,children\n"r,AAAA,culture,1,0\n', ['(body)']],
  ])('refuses a CSV with %s as a whole (400)', async (_, csv, fields) => {
    expectError(await csvBatch(area.venueKey, csv), 400, 'VALIDATION_FAILED', fields);
  });

  it('refuses more than 500 rows', async () => {
    const rows = Array.from({ length: 501 }, (_, i) => `c${i},${newCardNumber()},culture,1,0`);
    const reply = await csvBatch(
      area.venueKey,
      `clientRef,cardNumber,sector,adults,children\n${rows.join('\n')}\n`,
    );
    expectError(reply, 400, 'VALIDATION_FAILED');
  });
});
