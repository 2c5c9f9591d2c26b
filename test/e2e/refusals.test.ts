// A refused request changes nothing: the whole table is read before and after each refusal and compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../shared/lib/dates.ts';
import {
  expectError,
  newCardNumber,
  putBackdatedCard,
  type Reply,
  scanTable,
  setOrganisationStatus,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

let service: TestService;
let area: TestArea;
let limited: TestArea;
let card: any;
let community: any;
let revoked: any;
let expiredNumber: string;
let agent: string;
beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
  limited = await service.area({ cardLimitPerDay: 1 });
  agent = await service.ticketAgent();
  card = await service.issueCard(area, { minorChildren: 1 });
  community = await service.issueCard(area, { cardType: 'community' });
  revoked = await service.issueCard(area);
  await service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
    key: area.distributorKey,
    body: { reason: 'misuse' },
  });
  expiredNumber = (
    await putBackdatedCard(area, { issuedOn: addDays(today(), -30), validUntil: addDays(today(), -1) })
  ).cardNumber;
  // Uses already made, so the refusals below meet existing counters, limits and idempotency records.
  expect((await service.recordUse(area.venueKey, use(card.cardNumber), 'taken-key')).status).toBe(201);
  expect((await service.recordUse(limited.venueKey, use(card.cardNumber))).status).toBe(201);
});
afterAll(() => service?.stop());

function use(cardNumber: string, fields: Record<string, unknown> = {}) {
  return { cardNumber, sector: 'culture', adults: 1, children: 0, ...fields };
}

/** Runs the request; it must be refused as expected, and no item of the table may differ afterwards. */
async function refusedWithoutTrace(request: () => Promise<Reply>, status: number, code: string) {
  const before = await scanTable();
  const reply = await request();
  expectError(reply, status, code);
  const after = await scanTable();
  expect(after).toEqual(before);
}

describe('the snapshot', () => {
  it('sees what an accepted use writes (so an unchanged snapshot means something)', async () => {
    const before = await scanTable();
    expect(before.length).toBeGreaterThan(10);
    expect((await service.recordUse(area.venueKey, use(community.cardNumber))).status).toBe(201);
    const after = await scanTable();
    expect(after.length).toBe(before.length + 1);
    expect(after).not.toEqual(before);
  });
});

describe('a refused use writes nothing', () => {
  const cases: Array<[string, () => Promise<Reply>, number, string]> = [
    [
      'too many children',
      () => service.recordUse(area.venueKey, use(card.cardNumber, { children: 2 })),
      422,
      'TOO_MANY_CHILDREN',
    ],
    [
      'a community card with 11 children',
      () => service.recordUse(area.venueKey, use(community.cardNumber, { children: 11 })),
      422,
      'TOO_MANY_CHILDREN',
    ],
    ['a revoked card', () => service.recordUse(area.venueKey, use(revoked.cardNumber)), 422, 'CARD_REVOKED'],
    ['an expired card', () => service.recordUse(area.venueKey, use(expiredNumber)), 422, 'CARD_EXPIRED'],
    ['an unknown card', () => service.recordUse(area.venueKey, use(newCardNumber())), 404, 'NOT_FOUND'],
    [
      'the venue limit',
      () => service.recordUse(limited.venueKey, use(card.cardNumber)),
      422,
      'VENUE_LIMIT_REACHED',
    ],
    [
      'a reused idempotency key',
      () => service.recordUse(area.venueKey, use(card.cardNumber, { sector: 'sport' }), 'taken-key'),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    ],
    [
      'two adults on a personal card',
      () => service.recordUse(area.venueKey, use(card.cardNumber, { adults: 2 })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a use before the card was issued',
      () =>
        service.recordUse(
          area.venueKey,
          use(card.cardNumber, { occurredAt: `${addDays(today(), -2)}T12:00:00+02:00` }),
        ),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an identity code in eventName',
      () => service.recordUse(area.venueKey, use(card.cardNumber, { eventName: '131052-308T' })),
      400,
      'PERSONAL_DATA_NOT_ALLOWED',
    ],
    [
      'an unknown venue of a ticket agent',
      () => service.recordUse(agent, use(card.cardNumber, { venueId: 'o-none' })),
      404,
      'NOT_FOUND',
    ],
    ['the wrong role', () => service.recordUse(area.distributorKey, use(card.cardNumber)), 403, 'FORBIDDEN'],
  ];
  it.each(cases)('%s', async (_, request, status, code) => {
    await refusedWithoutTrace(request, status, code);
  });

  it('an inactive venue (its cached key still admitted, the write refused)', async () => {
    const venueArea = await service.area();
    expect(
      (await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: venueArea.venueKey })).status,
    ).toBe(200);
    await setOrganisationStatus(venueArea.venueId, 'inactive');
    await refusedWithoutTrace(
      () => service.recordUse(venueArea.venueKey, use(card.cardNumber)),
      422,
      'ORGANISATION_INACTIVE',
    );
    await refusedWithoutTrace(
      () => service.recordUse(agent, use(card.cardNumber, { venueId: venueArea.venueId })),
      422,
      'ORGANISATION_INACTIVE',
    );
  });
});

describe('a refused change of cards writes nothing', () => {
  it('registering a number already taken', async () => {
    await refusedWithoutTrace(
      () =>
        service.call('POST', '/v1/cards', {
          key: area.distributorKey,
          body: { cardType: 'community', cardNumber: card.cardNumber },
        }),
      409,
      'CARD_NUMBER_TAKEN',
    );
  });

  it('registering with a bad field', async () => {
    await refusedWithoutTrace(
      () =>
        service.call('POST', '/v1/cards', {
          key: area.distributorKey,
          body: { cardType: 'personal', birthYear: 1980, postalCode: '001', minorChildren: 0 },
        }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('replacing with a number already taken (the old card is not revoked)', async () => {
    await refusedWithoutTrace(
      () =>
        service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
          key: area.distributorKey,
          body: { newCardNumber: community.cardNumber },
        }),
      409,
      'CARD_NUMBER_TAKEN',
    );
  });

  it('revoking, renewing or correcting a revoked card', async () => {
    await refusedWithoutTrace(
      () =>
        service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
          key: area.distributorKey,
          body: { reason: 'lost' },
        }),
      422,
      'CARD_REVOKED',
    );
    await refusedWithoutTrace(
      () => service.call('POST', `/v1/cards/${revoked.cardNumber}/renew`, { key: area.distributorKey }),
      422,
      'CARD_REVOKED',
    );
    await refusedWithoutTrace(
      () =>
        service.call('PATCH', `/v1/cards/${revoked.cardNumber}`, {
          key: area.distributorKey,
          body: { minorChildren: 3 },
        }),
      422,
      'CARD_REVOKED',
    );
  });

  it("touching another area's card", async () => {
    const stranger = await service.area();
    await refusedWithoutTrace(
      () =>
        service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
          key: stranger.distributorKey,
          body: { reason: 'lost' },
        }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('a refused void writes nothing', () => {
  it("voiding another venue's use", async () => {
    const recorded = await service.recordUse(area.venueKey, use(community.cardNumber));
    await refusedWithoutTrace(
      () => service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, { key: limited.venueKey }),
      404,
      'NOT_FOUND',
    );
  });
});

describe('a batch writes only its good rows', () => {
  it('a batch of bad rows leaves the table as it was', async () => {
    const before = await scanTable();
    const reply = await service.call('POST', '/v1/usages/batch', {
      key: area.venueKey,
      body: {
        items: [
          { clientRef: 'b1', ...use(revoked.cardNumber) },
          { clientRef: 'b2', ...use(card.cardNumber, { children: 5 }) },
          { clientRef: 'b3', ...use(expiredNumber) },
          { clientRef: 'b4', ...use(card.cardNumber, { eventName: 'x 131052-308T' }) },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((result: any) => result.error.code)).toEqual([
      'CARD_REVOKED',
      'TOO_MANY_CHILDREN',
      'CARD_EXPIRED',
      'PERSONAL_DATA_NOT_ALLOWED',
    ]);
    expect(await scanTable()).toEqual(before);
  });
});
