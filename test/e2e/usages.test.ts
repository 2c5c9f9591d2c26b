// Recording single uses and voiding them, over HTTP, with the counters read back from the table.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../shared/domain/usages.ts';
import { nowMs } from '../../shared/lib/clock.ts';
import { addDays, helsinkiDate, today } from '../../shared/lib/dates.ts';
import { usageKey, venueCardDayKey } from '../../shared/store/keys.ts';
import { writeUsage } from '../../shared/store/usages.ts';
import {
  cardItem,
  deleteItem,
  expectError,
  getItem,
  newCardNumber,
  putBackdatedCard,
  setOrganisationStatus,
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

const use = (cardNumber: string, fields: Record<string, unknown> = {}) => ({
  cardNumber,
  sector: 'culture',
  adults: 1,
  children: 0,
  ...fields,
});
/** An instant on a Helsinki day, at noon there whatever the season. */
const noonOn = (day: string) => `${day}T12:00:00+02:00`;

describe('POST /v1/usages', () => {
  it('records a use: 201 with the use, the card counts it, the area counters count its persons', async () => {
    const card = await service.issueCard(area, { minorChildren: 2 });
    const before = await useAggregate(area.areaId, 'science');
    const reply = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { sector: 'science', children: 2 }),
    );
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(
      ['adults', 'cardNumber', 'children', 'occurredAt', 'sector', 'usageId', 'venueId'].sort(),
    );
    expect(reply.body).toMatchObject({
      cardNumber: card.cardNumber,
      venueId: area.venueId,
      sector: 'science',
      adults: 1,
      children: 2,
    });
    expect(Math.abs(Date.parse(reply.body.occurredAt) - nowMs())).toBeLessThan(60_000);
    const stored = await cardItem(card.cardNumber);
    expect(stored).toMatchObject({ useCount: 1, lastUsedAt: reply.body.occurredAt, firstUsedOn: today() });
    expect(await useAggregate(area.areaId, 'science')).toEqual({
      adultUses: before.adultUses + 1,
      childUses: before.childUses + 2,
      records: before.records + 1,
    });
    const full = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.distributorKey });
    expect(full.body).toMatchObject({ useCount: 1, lastUsedAt: reply.body.occurredAt });
  });

  it('takes the card number in any spelling and answers the canonical one', async () => {
    const card = await service.issueCard(area);
    const spellings = [
      card.cardNumber.toLowerCase(),
      card.cardNumber.replaceAll('-', ' '),
      card.cardNumber.replaceAll('-', ''),
    ];
    for (const spelling of spellings) {
      const reply = await service.recordUse(area.venueKey, use(spelling));
      expect(reply.status).toBe(201);
      expect(reply.body.cardNumber).toBe(card.cardNumber);
    }
    expect((await cardItem(card.cardNumber))!.useCount).toBe(spellings.length);
  });

  it('a venue of another area records uses of the card too (cards are nationwide), in its own area', async () => {
    const card = await service.issueCard(area);
    const before = await useAggregate(other.areaId, 'sport');
    const reply = await service.recordUse(other.venueKey, use(card.cardNumber, { sector: 'sport' }));
    expect(reply.status).toBe(201);
    expect(reply.body.venueId).toBe(other.venueId);
    expect((await useAggregate(other.areaId, 'sport')).adultUses).toBe(before.adultUses + 1);
  });

  it('records a late entry on the day it happened, if the card was valid then', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -50),
      validUntil: addDays(today(), 100),
    });
    const day = addDays(today(), -30);
    const before = await useAggregate(area.areaId, 'education', day);
    const reply = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { sector: 'education', occurredAt: noonOn(day) }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body.occurredAt).toBe(new Date(noonOn(day)).toISOString());
    expect(await useAggregate(area.areaId, 'education', day)).toEqual({
      adultUses: before.adultUses + 1,
      childUses: before.childUses,
      records: before.records + 1,
    });
    expect((await cardItem(card.cardNumber))!.firstUsedOn).toBe(day);
  });

  it('refuses a use on a day after validUntil with 422 CARD_EXPIRED, and admits one on a day it was valid', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -40),
      validUntil: addDays(today(), -10),
    });
    expectError(await service.recordUse(area.venueKey, use(card.cardNumber)), 422, 'CARD_EXPIRED');
    expectError(
      await service.recordUse(
        area.venueKey,
        use(card.cardNumber, { occurredAt: noonOn(addDays(today(), -9)) }),
      ),
      422,
      'CARD_EXPIRED',
    );
    const onLastDay = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { occurredAt: `${addDays(today(), -10)}T23:00:00+03:00` }),
    );
    expect(onLastDay.status).toBe(201);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(1);
  });

  it('refuses a use on a day before the card was issued (400 naming occurredAt)', async () => {
    const card = await service.issueCard(area);
    const reply = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { occurredAt: noonOn(addDays(today(), -3)) }),
    );
    expectError(reply, 400, 'VALIDATION_FAILED', ['occurredAt']);
  });

  it('refuses a revoked card with 422 CARD_REVOKED', async () => {
    const card = await service.issueCard(area);
    await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    expectError(await service.recordUse(area.venueKey, use(card.cardNumber)), 422, 'CARD_REVOKED');
  });

  it('refuses a card nobody registered with 404', async () => {
    expectError(await service.recordUse(area.venueKey, use(newCardNumber())), 404, 'NOT_FOUND');
  });

  it('admits children up to the card’s minorChildren and refuses more with 422 TOO_MANY_CHILDREN', async () => {
    const card = await service.issueCard(area, { minorChildren: 2 });
    const none = await service.issueCard(area, { minorChildren: 0 });
    expect((await service.recordUse(area.venueKey, use(card.cardNumber, { children: 2 }))).status).toBe(201);
    expectError(
      await service.recordUse(area.venueKey, use(card.cardNumber, { children: 3 })),
      422,
      'TOO_MANY_CHILDREN',
    );
    expectError(
      await service.recordUse(area.venueKey, use(none.cardNumber, { children: 1 })),
      422,
      'TOO_MANY_CHILDREN',
    );
    // Children may come without the holder's own ticket being recorded.
    expect(
      (await service.recordUse(area.venueKey, use(card.cardNumber, { adults: 0, children: 1 }))).status,
    ).toBe(201);
  });

  it('admits one adult on a personal card and up to ten adults and ten children on a community card', async () => {
    const personal = await service.issueCard(area);
    const community = await service.issueCard(area, { cardType: 'community' });
    expectError(
      await service.recordUse(area.venueKey, use(personal.cardNumber, { adults: 2 })),
      400,
      'VALIDATION_FAILED',
      ['adults'],
    );
    expect(
      (await service.recordUse(area.venueKey, use(community.cardNumber, { adults: 10, children: 10 })))
        .status,
    ).toBe(201);
    expectError(
      await service.recordUse(area.venueKey, use(community.cardNumber, { adults: 11 })),
      400,
      'VALIDATION_FAILED',
      ['adults'],
    );
    expectError(
      await service.recordUse(area.venueKey, use(community.cardNumber, { children: 11 })),
      422,
      'TOO_MANY_CHILDREN',
    );
  });

  const invalid: Array<[string, Record<string, unknown>, string[]]> = [
    ['no one admitted', { adults: 0, children: 0 }, ['adults']],
    ['an unknown field', { seat: '12A' }, ['seat']],
    ['an unknown sector', { sector: 'music' }, ['sector']],
    ['a missing sector', { sector: undefined }, ['sector']],
    ['negative children', { children: -1 }, ['children']],
    ['adults as text', { adults: '1' }, ['adults']],
    ['an instant in the future', { occurredAt: new Date(nowMs() + 3_600_000).toISOString() }, ['occurredAt']],
    [
      'an instant more than 60 days back',
      { occurredAt: new Date(nowMs() - 62 * 86_400_000).toISOString() },
      ['occurredAt'],
    ],
    ['an instant without a zone', { occurredAt: '2026-01-01T12:00:00' }, ['occurredAt']],
    ['a date instead of an instant', { occurredAt: '2026-01-01' }, ['occurredAt']],
    ['an eventName too long', { eventName: 'x'.repeat(201) }, ['eventName']],
    ['a wrong check character', { cardNumber: 'AAAA-AAAA-AAAB' }, ['cardNumber']],
    ['a card number of the wrong length', { cardNumber: 'AAAA' }, ['cardNumber']],
    ['no card number', { cardNumber: undefined }, ['cardNumber']],
  ];
  it.each(invalid)('refuses %s with 400 VALIDATION_FAILED naming the field', async (_, fields, named) => {
    const card = await service.issueCard(area);
    const reply = await service.recordUse(area.venueKey, use(card.cardNumber, fields));
    expectError(reply, 400, 'VALIDATION_FAILED', named);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
  });

  it.each([['131052-308T'], ['Konsertti, 131052-308T'], ['010105A1234'], ['Ryhmä 311280 - 999J']])(
    'refuses an eventName holding an identity code (%s) with 400 PERSONAL_DATA_NOT_ALLOWED and never echoes it',
    async (eventName) => {
      const card = await service.issueCard(area);
      const reply = await service.recordUse(area.venueKey, use(card.cardNumber, { eventName }));
      expectError(reply, 400, 'PERSONAL_DATA_NOT_ALLOWED', ['eventName']);
      expect(reply.text).not.toContain(eventName);
      expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
    },
  );

  it('accepts an eventName with dates and numbers that are no identity code', async () => {
    const card = await service.issueCard(area);
    const reply = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { eventName: 'Konsertti 2026-05-01 klo 19, sali 3' }),
    );
    expect(reply.status).toBe(201);
  });

  describe('Idempotency-Key', () => {
    it('is required and at most 64 characters', async () => {
      const card = await service.issueCard(area);
      const missing = await service.call('POST', '/v1/usages', {
        key: area.venueKey,
        body: use(card.cardNumber),
      });
      expectError(missing, 400, 'VALIDATION_FAILED', ['Idempotency-Key']);
      expectError(
        await service.recordUse(area.venueKey, use(card.cardNumber), 'k'.repeat(65)),
        400,
        'VALIDATION_FAILED',
        ['Idempotency-Key'],
      );
      expect((await service.recordUse(area.venueKey, use(card.cardNumber), 'k'.repeat(64))).status).toBe(201);
      expect((await service.recordUse(area.venueKey, use(card.cardNumber), 'k')).status).toBe(201);
      expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
    });

    it('answers a repeat of the same body with 200 and the first response, counting once', async () => {
      const card = await service.issueCard(area, { minorChildren: 1 });
      const body = use(card.cardNumber, { children: 1, eventName: 'Matinee' });
      const first = await service.recordUse(area.venueKey, body, 'repeat-1');
      expect(first.status).toBe(201);
      const before = await useAggregate(area.areaId, 'culture');
      // The same use, written differently: other key order, another spelling of the card number.
      const again = await service.recordUse(
        area.venueKey,
        {
          eventName: 'Matinee',
          children: 1,
          adults: 1,
          sector: 'culture',
          cardNumber: card.cardNumber.toLowerCase(),
        },
        'repeat-1',
      );
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect((await cardItem(card.cardNumber))!.useCount).toBe(1);
      expect(await useAggregate(area.areaId, 'culture')).toEqual(before);
    });

    it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
      const card = await service.issueCard(area, { minorChildren: 1 });
      expect((await service.recordUse(area.venueKey, use(card.cardNumber), 'reuse-1')).status).toBe(201);
      expectError(
        await service.recordUse(area.venueKey, use(card.cardNumber, { children: 1 }), 'reuse-1'),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expectError(
        await service.recordUse(area.venueKey, use(card.cardNumber, { sector: 'sport' }), 'reuse-1'),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect((await cardItem(card.cardNumber))!.useCount).toBe(1);
    });

    it('is the caller’s own: another venue may use the same key', async () => {
      const card = await service.issueCard(area);
      expect((await service.recordUse(area.venueKey, use(card.cardNumber), 'shared-key')).status).toBe(201);
      expect((await service.recordUse(other.venueKey, use(card.cardNumber), 'shared-key')).status).toBe(201);
      expect((await cardItem(card.cardNumber))!.useCount).toBe(2);
    });
  });

  describe('ticket agents', () => {
    it('record for a venue they name; the use counts for that venue and its area', async () => {
      const agent = await service.ticketAgent();
      const card = await service.issueCard(area);
      const before = await useAggregate(other.areaId, 'culture');
      const reply = await service.recordUse(agent, use(card.cardNumber, { venueId: other.venueId }));
      expect(reply.status).toBe(201);
      expect(reply.body.venueId).toBe(other.venueId);
      expect((await useAggregate(other.areaId, 'culture')).adultUses).toBe(before.adultUses + 1);
      const stored = await getItem(usageKey(reply.body.usageId));
      expect(stored).toMatchObject({ venueId: other.venueId, areaId: other.areaId });
    });

    it('must name a venue (400), a real one (404), and a venue, not another organisation (404)', async () => {
      const agent = await service.ticketAgent();
      const card = await service.issueCard(area);
      expectError(await service.recordUse(agent, use(card.cardNumber)), 400, 'VALIDATION_FAILED', [
        'venueId',
      ]);
      expectError(
        await service.recordUse(agent, use(card.cardNumber, { venueId: 'o-unknown' })),
        404,
        'NOT_FOUND',
      );
      expectError(
        await service.recordUse(agent, use(card.cardNumber, { venueId: area.distributorId })),
        404,
        'NOT_FOUND',
      );
      expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
    });
  });

  it('a venue records only its own uses: its own venueId is fine, another is 400', async () => {
    const card = await service.issueCard(area);
    expect(
      (await service.recordUse(area.venueKey, use(card.cardNumber, { venueId: area.venueId }))).status,
    ).toBe(201);
    expectError(
      await service.recordUse(area.venueKey, use(card.cardNumber, { venueId: other.venueId })),
      400,
      'VALIDATION_FAILED',
      ['venueId'],
    );
  });
});

describe('VENUE_LIMIT_REACHED', () => {
  it('stops a card at the venue’s daily limit, for the venue and its ticket agents alike', async () => {
    const limited = await service.area({ cardLimitPerDay: 2 });
    const agent = await service.ticketAgent();
    const card = await service.issueCard(limited);
    const otherCard = await service.issueCard(limited);
    const first = await service.recordUse(limited.venueKey, use(card.cardNumber), 'limit-1');
    expect(first.status).toBe(201);
    expect((await service.recordUse(agent, use(card.cardNumber, { venueId: limited.venueId }))).status).toBe(
      201,
    );
    expectError(await service.recordUse(limited.venueKey, use(card.cardNumber)), 422, 'VENUE_LIMIT_REACHED');
    expectError(
      await service.recordUse(agent, use(card.cardNumber, { venueId: limited.venueId })),
      422,
      'VENUE_LIMIT_REACHED',
    );
    // A repeat of a use already recorded is still answered as a replay.
    const replay = await service.recordUse(limited.venueKey, use(card.cardNumber), 'limit-1');
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    // Other cards at this venue, and this card at other venues, are not limited.
    expect((await service.recordUse(limited.venueKey, use(otherCard.cardNumber))).status).toBe(201);
    expect((await service.recordUse(other.venueKey, use(card.cardNumber))).status).toBe(201);
    // The limit is per day: a late entry for yesterday is another day.
    const yesterday = addDays(today(), -1);
    const old = await putBackdatedCard(limited, {
      issuedOn: addDays(today(), -5),
      validUntil: addDays(today(), 5),
    });
    for (let i = 0; i < 2; i++) {
      expect((await service.recordUse(limited.venueKey, use(old.cardNumber))).status).toBe(201);
    }
    expectError(await service.recordUse(limited.venueKey, use(old.cardNumber)), 422, 'VENUE_LIMIT_REACHED');
    expect(
      (await service.recordUse(limited.venueKey, use(old.cardNumber, { occurredAt: noonOn(yesterday) })))
        .status,
    ).toBe(201);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(3);
  });

  it('a voided use leaves the day’s count: a mistaken use never locks the holder out', async () => {
    const limited = await service.area({ cardLimitPerDay: 2 });
    const agent = await service.ticketAgent();
    const card = await service.issueCard(limited);
    // The desk sees, before recording, what the card has used of the venue's limit today.
    const atDoor = async () =>
      (await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: limited.venueKey })).body
        .todayAtVenue;
    expect(await atDoor()).toEqual({ uses: 0, limit: 2 });
    const first = await service.recordUse(limited.venueKey, use(card.cardNumber));
    expect(await atDoor()).toEqual({ uses: 1, limit: 2 });
    const second = await service.recordUse(agent, use(card.cardNumber, { venueId: limited.venueId }));
    expect(await atDoor()).toEqual({ uses: 2, limit: 2 });
    expect([first.status, second.status]).toEqual([201, 201]);
    expectError(await service.recordUse(limited.venueKey, use(card.cardNumber)), 422, 'VENUE_LIMIT_REACHED');
    const counter = () => getItem(venueCardDayKey(limited.venueId, card.cardNumber, today()));
    expect((await counter())!.uses).toBe(2);

    // The one the agent recorded was a mistake: voided, it no longer counts, so the holder is admitted.
    const voided = await service.call('DELETE', `/v1/usages/${second.body.usageId}`, {
      key: limited.venueKey,
    });
    expect(voided.status).toBe(200);
    expect((await counter())!.uses).toBe(1);
    expect(await atDoor()).toEqual({ uses: 1, limit: 2 });
    // A venue without a limit, and a ticket agent, see the door view as before.
    const plain = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: other.venueKey });
    expect(plain.body.todayAtVenue).toBeUndefined();
    expect(
      (await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: agent })).body.todayAtVenue,
    ).toBeUndefined();
    // Voiding again (a retried DELETE) frees nothing more.
    expect(
      (await service.call('DELETE', `/v1/usages/${second.body.usageId}`, { key: limited.venueKey })).status,
    ).toBe(200);
    expect((await counter())!.uses).toBe(1);
    expect((await service.recordUse(limited.venueKey, use(card.cardNumber))).status).toBe(201);
    expectError(await service.recordUse(limited.venueKey, use(card.cardNumber)), 422, 'VENUE_LIMIT_REACHED');
    expect((await counter())!.uses).toBe(2);
  });

  it('voiding a use the limit never counted leaves the count alone', async () => {
    const limited = await service.area({ cardLimitPerDay: 1 });
    const card = await service.issueCard(limited);
    // Recorded while the venue had no limit (the limit came later the same day): no count was kept for it.
    const uncounted = `uuncounted${Date.now()}`;
    const now = new Date(nowMs());
    const usage: Usage = {
      usageId: uncounted,
      cardNumber: card.cardNumber,
      venueId: limited.venueId,
      areaId: limited.areaId,
      occurredAt: now.toISOString(),
      day: helsinkiDate(now),
      sector: 'culture',
      adults: 1,
      children: 0,
      recordedAt: now.toISOString(),
      recordedBy: limited.venueId,
      fingerprint: 'uncounted',
      voided: false,
    };
    expect(await writeUsage(usage, { venueId: limited.venueId, areaId: limited.areaId })).toBeUndefined();
    expect((await service.recordUse(limited.venueKey, use(card.cardNumber))).status).toBe(201);
    const counter = () => getItem(venueCardDayKey(limited.venueId, card.cardNumber, today()));
    expect((await counter())!.uses).toBe(1);
    expect((await service.call('DELETE', `/v1/usages/${uncounted}`, { key: limited.venueKey })).status).toBe(
      200,
    );
    // The counted use still fills the limit of one.
    expect((await counter())!.uses).toBe(1);
    expectError(await service.recordUse(limited.venueKey, use(card.cardNumber)), 422, 'VENUE_LIMIT_REACHED');
  });

  it('voids a counted use whose day count is gone (removed by its TTL)', async () => {
    const limited = await service.area({ cardLimitPerDay: 1 });
    const card = await service.issueCard(limited);
    const recorded = await service.recordUse(limited.venueKey, use(card.cardNumber));
    expect(recorded.status).toBe(201);
    await deleteItem(venueCardDayKey(limited.venueId, card.cardNumber, today()));
    const voided = await service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, {
      key: limited.venueKey,
    });
    expect(voided.status).toBe(200);
    expect((await getItem(usageKey(recorded.body.usageId)))!.voided).toBe(true);
    // No count is made up for the day (a negative one would let the card past the limit).
    expect(await getItem(venueCardDayKey(limited.venueId, card.cardNumber, today()))).toBeUndefined();
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
  });
});

describe('ORGANISATION_INACTIVE', () => {
  it('refuses a ticket agent recording for an inactive venue, and the venue itself while its key is cached', async () => {
    const inactive = await service.area();
    const agent = await service.ticketAgent();
    const card = await service.issueCard(inactive);
    // The venue's key is seen once, so the gateway caches the authorizer's answer (active).
    expect(
      (await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: inactive.venueKey })).status,
    ).toBe(200);
    await setOrganisationStatus(inactive.venueId, 'inactive');
    const before = await useAggregate(inactive.areaId, 'culture');
    expectError(
      await service.recordUse(agent, use(card.cardNumber, { venueId: inactive.venueId })),
      422,
      'ORGANISATION_INACTIVE',
    );
    expectError(
      await service.recordUse(inactive.venueKey, use(card.cardNumber)),
      422,
      'ORGANISATION_INACTIVE',
    );
    const batch = await service.call('POST', '/v1/usages/batch', {
      key: agent,
      body: { items: [{ clientRef: 'r1', ...use(card.cardNumber), venueId: inactive.venueId }] },
    });
    expect(batch.body.results[0]).toMatchObject({
      status: 'failed',
      error: { code: 'ORGANISATION_INACTIVE' },
    });
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
    expect(await useAggregate(inactive.areaId, 'culture')).toEqual(before);
    // Once the cached answer is gone (here: a gateway with an empty authorizer cache; another spelling of
    // the header no longer makes a new cache entry, issue 17), the key itself stops working.
    const gateway = await service.gateway();
    const fresh = await gateway
      .call('POST', '/v1/usages', {
        key: inactive.venueKey,
        headers: { 'idempotency-key': 'x' },
        body: use(card.cardNumber),
      })
      .finally(() => gateway.close());
    expectError(fresh, 401, 'UNAUTHENTICATED');
    await setOrganisationStatus(inactive.venueId, 'active');
    expect((await service.recordUse(inactive.venueKey, use(card.cardNumber))).status).toBe(201);
  });
});

describe('DELETE /v1/usages/{usageId}', () => {
  it('voids a use: the counters go back, the use stays listed as voided, and voiding again answers 200', async () => {
    const card = await service.issueCard(area, { minorChildren: 2 });
    const beforeAggregate = await useAggregate(area.areaId, 'sport');
    const recorded = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { sector: 'sport', children: 2 }),
      'void-me',
    );
    expect(recorded.status).toBe(201);
    expect(await useAggregate(area.areaId, 'sport')).toEqual({
      adultUses: beforeAggregate.adultUses + 1,
      childUses: beforeAggregate.childUses + 2,
      records: beforeAggregate.records + 1,
    });
    const voided = await service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, {
      key: area.venueKey,
    });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ ...recorded.body, areaId: area.areaId, voided: true });
    expect(Date.parse(voided.body.voidedAt)).toBeGreaterThan(nowMs() - 60_000);
    expect(await useAggregate(area.areaId, 'sport')).toEqual(beforeAggregate);
    const stored = await cardItem(card.cardNumber);
    expect(stored!.useCount).toBe(0);
    // Taken into use stays: voiding does not undo the first use.
    expect(stored!.firstUsedOn).toBe(today());

    const again = await service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, { key: area.venueKey });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(voided.body);
    expect(await useAggregate(area.areaId, 'sport')).toEqual(beforeAggregate);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);

    const list = await service.call('GET', '/v1/usages', { key: area.venueKey });
    const listed = list.body.items.find((item: any) => item.usageId === recorded.body.usageId);
    expect(listed).toEqual({ ...recorded.body, areaId: area.areaId, voided: true });

    // A retry of the original request is still a replay: it does not bring the use back.
    const replay = await service.recordUse(
      area.venueKey,
      use(card.cardNumber, { sector: 'sport', children: 2 }),
      'void-me',
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(recorded.body);
    expect(await useAggregate(area.areaId, 'sport')).toEqual(beforeAggregate);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
  });

  it('voids a use a ticket agent recorded for the venue', async () => {
    const agent = await service.ticketAgent();
    const card = await service.issueCard(area);
    const recorded = await service.recordUse(agent, use(card.cardNumber, { venueId: area.venueId }));
    const voided = await service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, {
      key: area.venueKey,
    });
    expect(voided.status).toBe(200);
    expect((await cardItem(card.cardNumber))!.useCount).toBe(0);
  });

  it("hides another venue's use (404) and an unknown id (404), changing nothing", async () => {
    const card = await service.issueCard(area);
    const recorded = await service.recordUse(area.venueKey, use(card.cardNumber));
    const before = await useAggregate(area.areaId, 'culture');
    const sameArea = await service.venue(area.areaId);
    for (const key of [other.venueKey, sameArea.venueKey]) {
      expectError(
        await service.call('DELETE', `/v1/usages/${recorded.body.usageId}`, { key }),
        404,
        'NOT_FOUND',
      );
    }
    expectError(
      await service.call('DELETE', '/v1/usages/u-nothing', { key: area.venueKey }),
      404,
      'NOT_FOUND',
    );
    expect(await useAggregate(area.areaId, 'culture')).toEqual(before);
    expect((await getItem(usageKey(recorded.body.usageId)))!.voided).toBe(false);
  });

  it('refuses a use recorded more than 14 days ago with 409 CONFLICT', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -30),
      validUntil: addDays(today(), 30),
    });
    const recordedAt = new Date(nowMs() - 15 * 86_400_000);
    const usage: Usage = {
      usageId: `uold${Date.now()}`,
      cardNumber: card.cardNumber,
      venueId: area.venueId,
      areaId: area.areaId,
      occurredAt: recordedAt.toISOString(),
      day: helsinkiDate(recordedAt),
      sector: 'culture',
      adults: 1,
      children: 0,
      recordedAt: recordedAt.toISOString(),
      recordedBy: area.venueId,
      fingerprint: 'old',
      voided: false,
    };
    expect(await writeUsage(usage, { venueId: area.venueId, areaId: area.areaId })).toBeUndefined();
    const before = await useAggregate(area.areaId, 'culture', usage.day);
    const reply = await service.call('DELETE', `/v1/usages/${usage.usageId}`, { key: area.venueKey });
    expectError(reply, 409, 'CONFLICT');
    expect(await useAggregate(area.areaId, 'culture', usage.day)).toEqual(before);
    expect((await getItem(usageKey(usage.usageId)))!.voided).toBe(false);
  });
});
