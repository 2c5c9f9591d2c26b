// Cards over HTTP: registration, what each caller sees, corrections, renewal, revocation, replacement.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCardNumber, withCheckCharacter } from '../../shared/contract/card-number.ts';
import { nowMs } from '../../shared/lib/clock.ts';
import { addDays, oneYearValidity, today } from '../../shared/lib/dates.ts';
import {
  cardAggregate,
  cardItem,
  expectError,
  newCardNumber,
  putBackdatedCard,
  startTestService,
  type TestArea,
  type TestService,
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

const canonical = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const doorFields = ['cardNumber', 'cardType', 'minorChildren', 'status', 'validUntil'];
const personal = { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 2 };
/** "ABCD-EFGH-JKLM" typed sloppily: lower case, spaces instead of dashes, or no separators at all. */
const spellings = (number: string) => [
  number.toLowerCase(),
  number.replaceAll('-', ' '),
  number.replaceAll('-', ''),
  ` ${number.toLowerCase().replaceAll('-', '')} `,
];

describe('POST /v1/cards', () => {
  it('registers a personal card with a generated number and a default validity', async () => {
    const day = today();
    const reply = await service.call('POST', '/v1/cards', {
      key: area.distributorKey,
      body: { ...personal, gender: 'female', lifeSituation: 'student' },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const card = reply.body;
    expect(card.cardNumber).toMatch(canonical);
    expect(isValidCardNumber(card.cardNumber)).toBe(true);
    expect(card).toEqual({
      cardNumber: card.cardNumber,
      cardType: 'personal',
      status: 'active',
      validUntil: oneYearValidity(day),
      areaId: area.areaId,
      issuedBy: area.distributorId,
      issuedAt: card.issuedAt,
      birthYear: 1980,
      postalCode: '00100',
      minorChildren: 2,
      gender: 'female',
      lifeSituation: 'student',
      useCount: 0,
    });
    expect(Math.abs(Date.parse(card.issuedAt) - nowMs())).toBeLessThan(60_000);
    const read = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.distributorKey });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(card);
  });

  it('registers a community card, which has no holder data', async () => {
    const reply = await service.call('POST', '/v1/cards', {
      key: area.distributorKey,
      body: { cardType: 'community' },
    });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(
      ['areaId', 'cardNumber', 'cardType', 'issuedAt', 'issuedBy', 'status', 'useCount', 'validUntil'].sort(),
    );
    expect(reply.body.cardType).toBe('community');
  });

  it('counts a registration in the area’s daily card counters', async () => {
    const before = await cardAggregate(area.areaId);
    await service.issueCard(area, { birthYear: 1990 });
    const after = await cardAggregate(area.areaId);
    expect(after!.registered).toBe((before?.registered ?? 0) + 1);
    expect(after!.registered_1990).toBe((before?.registered_1990 ?? 0) + 1);
    expect(after!.activeDelta).toBe((before?.activeDelta ?? 0) + 1);
  });

  it('takes a number typed in any spelling and answers in the canonical form', async () => {
    const number = newCardNumber();
    const reply = await service.call('POST', '/v1/cards', {
      key: area.distributorKey,
      body: { ...personal, cardNumber: number.toLowerCase().replaceAll('-', '') },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.cardNumber).toBe(number);
  });

  it('refuses a number already registered, in any spelling and from any area, with 409 CARD_NUMBER_TAKEN', async () => {
    const card = await service.issueCard(area);
    for (const [key, cardNumber] of [
      [area.distributorKey, card.cardNumber],
      [area.distributorKey, card.cardNumber.toLowerCase().replaceAll('-', ' ')],
      [other.distributorKey, card.cardNumber],
    ] as const) {
      const reply = await service.call('POST', '/v1/cards', {
        key,
        body: { cardType: 'community', cardNumber },
      });
      expectError(reply, 409, 'CARD_NUMBER_TAKEN');
    }
    const stored = await cardItem(card.cardNumber);
    expect(stored!.cardType).toBe('personal');
    expect(stored!.areaId).toBe(area.areaId);
  });

  it('accepts validUntil from today up to 12 months from today minus one day', async () => {
    const day = today();
    for (const validUntil of [day, oneYearValidity(day)]) {
      const card = await service.issueCard(area, { validUntil });
      expect(card.validUntil).toBe(validUntil);
      expect(card.status).toBe('active');
    }
  });

  it('accepts a holder who turns 16 this year', async () => {
    const card = await service.issueCard(area, { birthYear: Number(today().slice(0, 4)) - 16 });
    expect(card.birthYear).toBe(Number(today().slice(0, 4)) - 16);
  });

  const year = Number(today().slice(0, 4));
  const invalidBodies: Array<[string, Record<string, unknown>, string[]]> = [
    ['an unknown field', { ...personal, name: 'Maija' }, ['name']],
    ['a holder field on a community card', { cardType: 'community', birthYear: 1980 }, ['birthYear']],
    ['a missing cardType', { birthYear: 1980, postalCode: '00100', minorChildren: 0 }, ['cardType']],
    ['an unknown cardType', { ...personal, cardType: 'gold' }, ['cardType']],
    ['missing holder data', { cardType: 'personal' }, ['birthYear', 'postalCode', 'minorChildren']],
    ['a holder younger than 16 this year', { ...personal, birthYear: year - 15 }, ['birthYear']],
    ['a birthYear that is not an integer', { ...personal, birthYear: '1980' }, ['birthYear']],
    ['a postal code of four digits', { ...personal, postalCode: '0010' }, ['postalCode']],
    ['a postal code with letters', { ...personal, postalCode: '0010A' }, ['postalCode']],
    ['too many children', { ...personal, minorChildren: 21 }, ['minorChildren']],
    ['negative children', { ...personal, minorChildren: -1 }, ['minorChildren']],
    ['fractional children', { ...personal, minorChildren: 1.5 }, ['minorChildren']],
    [
      'validUntil past the 12 months',
      { ...personal, validUntil: addDays(oneYearValidity(today()), 1) },
      ['validUntil'],
    ],
    ['validUntil in the past', { ...personal, validUntil: addDays(today(), -1) }, ['validUntil']],
    ['validUntil that is no date', { ...personal, validUntil: '2026-02-30' }, ['validUntil']],
    ['validUntil in another format', { ...personal, validUntil: '1.1.2030' }, ['validUntil']],
    ['an unknown gender', { ...personal, gender: 'unknown' }, ['gender']],
    ['an unknown life situation', { ...personal, lifeSituation: 'rich' }, ['lifeSituation']],
    [
      'a card number with a wrong check character',
      { ...personal, cardNumber: 'AAAA-AAAA-AAAB' },
      ['cardNumber'],
    ],
    ['a card number too short', { ...personal, cardNumber: 'AAAA-AAAA' }, ['cardNumber']],
    ['a card number with a foreign character', { ...personal, cardNumber: 'AAAA-AAAA-AAA#' }, ['cardNumber']],
  ];
  it.each(invalidBodies)(
    'refuses %s with 400 VALIDATION_FAILED naming the field',
    async (_, body, fields) => {
      const reply = await service.call('POST', '/v1/cards', { key: area.distributorKey, body });
      expectError(reply, 400, 'VALIDATION_FAILED', fields);
    },
  );
});

describe('GET /v1/cards/{cardNumber}', () => {
  it('shows venues and ticket agents, of any area, only what the door needs', async () => {
    const card = await service.issueCard(area, { minorChildren: 3, gender: 'male' });
    const agentKey = await service.ticketAgent();
    for (const key of [area.venueKey, other.venueKey, agentKey]) {
      const reply = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body).sort()).toEqual(doorFields);
      expect(reply.body).toEqual({
        cardNumber: card.cardNumber,
        cardType: 'personal',
        status: 'active',
        validUntil: card.validUntil,
        minorChildren: 3,
      });
    }
  });

  it('shows a community card to a venue with its group allowance', async () => {
    const card = await service.issueCard(area, { cardType: 'community' });
    const reply = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.venueKey });
    expect(Object.keys(reply.body).sort()).toEqual(doorFields);
    expect(reply.body).toMatchObject({ cardType: 'community', status: 'active', minorChildren: 10 });
  });

  it('hides a card of another area from a distributor (404)', async () => {
    const card = await service.issueCard(area);
    const reply = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: other.distributorKey });
    expectError(reply, 404, 'NOT_FOUND');
  });

  it('answers 404 for a well-formed number nobody registered', async () => {
    const reply = await service.call('GET', `/v1/cards/${newCardNumber()}`, { key: area.venueKey });
    expectError(reply, 404, 'NOT_FOUND');
  });

  it.each([
    ['a wrong check character', 'AAAA-AAAA-AAAB'],
    ['too few characters', 'AAAA-AAA'],
    ['a character outside the alphabet', 'AAAA-AAAA-AA%23A'],
  ])('refuses a card number with %s: 400 naming cardNumber', async (_, number) => {
    const reply = await service.call('GET', `/v1/cards/${number}`, { key: area.venueKey });
    expectError(reply, 400, 'VALIDATION_FAILED', ['cardNumber']);
  });

  it('finds the card under every spelling and answers the canonical number', async () => {
    const card = await service.issueCard(area);
    for (const spelling of spellings(card.cardNumber)) {
      for (const key of [area.distributorKey, area.venueKey]) {
        const reply = await service.call('GET', `/v1/cards/${encodeURIComponent(spelling)}`, { key });
        expect(reply.status, spelling).toBe(200);
        expect(reply.body.cardNumber).toBe(card.cardNumber);
      }
    }
  });

  it('reads letters that look like digits as the digits (O as 0, I and L as 1, S as 5, Z as 2)', async () => {
    // A number whose body has 0, 1, 5 and 2 in it, typed with the look-alike letters.
    const number = withCheckCharacter('01520152015');
    const registered = await service.call('POST', '/v1/cards', {
      key: area.distributorKey,
      body: { cardType: 'community', cardNumber: number },
    });
    expect(registered.status).toBe(201);
    const typed = registered.body.cardNumber.replace(/^0152-0152/, 'OIS2-OLSZ');
    const reply = await service.call('GET', `/v1/cards/${typed}`, { key: area.venueKey });
    expect(reply.status).toBe(200);
    expect(reply.body.cardNumber).toBe(registered.body.cardNumber);
  });

  it('shows an expired card as expired', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -30),
      validUntil: addDays(today(), -1),
    });
    const reply = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.distributorKey });
    expect(reply.body).toMatchObject({ status: 'expired', validUntil: addDays(today(), -1) });
  });
});

describe('PATCH /v1/cards/{cardNumber}', () => {
  it('corrects holder data and the door and the use rules follow', async () => {
    const card = await service.issueCard(area, { minorChildren: 0 });
    const reply = await service.call('PATCH', `/v1/cards/${card.cardNumber.toLowerCase()}`, {
      key: area.distributorKey,
      body: { postalCode: '33100', minorChildren: 3, gender: 'other', lifeSituation: 'retired' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ...card,
      postalCode: '33100',
      minorChildren: 3,
      gender: 'other',
      lifeSituation: 'retired',
    });
    const read = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.distributorKey });
    expect(read.body).toEqual(reply.body);
    const use = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 3,
    });
    expect(use.status).toBe(201);
    const fewer = await service.call('PATCH', `/v1/cards/${card.cardNumber}`, {
      key: area.distributorKey,
      body: { minorChildren: 1 },
    });
    expect(fewer.body.minorChildren).toBe(1);
    const tooMany = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 2,
    });
    expectError(tooMany, 422, 'TOO_MANY_CHILDREN');
  });

  it.each([
    ['an empty body', {}, ['(body)']],
    ['an unknown field', { birthYear: 1970 }, ['birthYear']],
    ['a bad postal code', { postalCode: '1' }, ['postalCode']],
    ['too many children', { minorChildren: 99 }, ['minorChildren']],
  ])('refuses %s with 400', async (_, body, fields) => {
    const card = await service.issueCard(area);
    const reply = await service.call('PATCH', `/v1/cards/${card.cardNumber}`, {
      key: area.distributorKey,
      body,
    });
    expectError(reply, 400, 'VALIDATION_FAILED', fields);
  });

  it('refuses holder data on a community card', async () => {
    const card = await service.issueCard(area, { cardType: 'community' });
    const reply = await service.call('PATCH', `/v1/cards/${card.cardNumber}`, {
      key: area.distributorKey,
      body: { postalCode: '00100' },
    });
    expectError(reply, 400, 'VALIDATION_FAILED', ['postalCode']);
  });

  it("answers 404 for another area's card and for an unknown card", async () => {
    const card = await service.issueCard(area);
    for (const number of [card.cardNumber, newCardNumber()]) {
      const reply = await service.call('PATCH', `/v1/cards/${number}`, {
        key: other.distributorKey,
        body: { postalCode: '00200' },
      });
      expectError(reply, 404, 'NOT_FOUND');
    }
    expect((await cardItem(card.cardNumber))!.postalCode).toBe('00100');
  });

  it('refuses to change a revoked card (422 CARD_REVOKED)', async () => {
    const card = await service.issueCard(area);
    await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    const reply = await service.call('PATCH', `/v1/cards/${card.cardNumber}`, {
      key: area.distributorKey,
      body: { postalCode: '00200' },
    });
    expectError(reply, 422, 'CARD_REVOKED');
  });
});

describe('POST /v1/cards/{cardNumber}/renew', () => {
  it('renews for 12 months from today minus one day, with or without an empty body', async () => {
    for (const options of [{ body: {} }, {}]) {
      const card = await service.issueCard(area, { validUntil: today() });
      const reply = await service.call('POST', `/v1/cards/${card.cardNumber.replaceAll('-', '')}/renew`, {
        key: area.distributorKey,
        ...options,
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ...card, validUntil: oneYearValidity(today()) });
      expect((await cardItem(card.cardNumber))!.validUntil).toBe(oneYearValidity(today()));
    }
  });

  it('makes an expired card active again', async () => {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -40),
      validUntil: addDays(today(), -5),
    });
    const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/renew`, {
      key: area.distributorKey,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'active', validUntil: oneYearValidity(today()) });
    const use = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'sport',
      adults: 1,
      children: 0,
    });
    expect(use.status).toBe(201);
  });

  it('refuses a body with fields (400), a revoked card (422) and another area’s card (404)', async () => {
    const card = await service.issueCard(area);
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/renew`, {
        key: area.distributorKey,
        body: { validUntil: '2099-01-01' },
      }),
      400,
      'VALIDATION_FAILED',
      ['validUntil'],
    );
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/renew`, { key: other.distributorKey }),
      404,
      'NOT_FOUND',
    );
    await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'misuse' },
    });
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/renew`, { key: area.distributorKey }),
      422,
      'CARD_REVOKED',
    );
  });
});

describe('POST /v1/cards/{cardNumber}/revoke', () => {
  it.each(['lost', 'misuse', 'other'])(
    'revokes for the reason %s; the card can no longer be used',
    async (reason) => {
      const card = await service.issueCard(area);
      const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
        key: area.distributorKey,
        body: { reason },
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ...card, status: 'revoked' });
      const door = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.venueKey });
      expect(door.body.status).toBe('revoked');
      const stored = await cardItem(card.cardNumber);
      expect(stored).toMatchObject({ revokeReason: reason, revokedOn: today() });
      const use = await service.recordUse(area.venueKey, {
        cardNumber: card.cardNumber,
        sector: 'culture',
        adults: 1,
        children: 0,
      });
      expectError(use, 422, 'CARD_REVOKED');
    },
  );

  it('refuses a second revocation with 422 CARD_REVOKED', async () => {
    const card = await service.issueCard(area);
    const revoke = () =>
      service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
        key: area.distributorKey,
        body: { reason: 'lost' },
      });
    expect((await revoke()).status).toBe(200);
    expectError(await revoke(), 422, 'CARD_REVOKED');
  });

  it.each([
    ['no reason', {}, ['reason']],
    ['the reason replaced (only the service gives it)', { reason: 'replaced' }, ['reason']],
    ['an unknown field', { reason: 'lost', note: 'x' }, ['note']],
  ])('refuses %s with 400', async (_, body, fields) => {
    const card = await service.issueCard(area);
    const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: area.distributorKey,
      body,
    });
    expectError(reply, 400, 'VALIDATION_FAILED', fields);
    expect((await cardItem(card.cardNumber))!.revokedAt).toBeUndefined();
  });

  it("answers 404 for another area's card and leaves it alone", async () => {
    const card = await service.issueCard(area);
    const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/revoke`, {
      key: other.distributorKey,
      body: { reason: 'lost' },
    });
    expectError(reply, 404, 'NOT_FOUND');
    expect((await cardItem(card.cardNumber))!.revokedAt).toBeUndefined();
  });
});

describe('POST /v1/cards/{cardNumber}/replace', () => {
  it('gives a new card with the same data; the old one is revoked and points to it', async () => {
    const card = await service.issueCard(area, {
      minorChildren: 4,
      gender: 'female',
      lifeSituation: 'unemployed',
      validUntil: addDays(today(), 100),
    });
    await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
    });
    const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
      key: area.distributorKey,
      body: {},
    });
    expect(reply.status).toBe(201);
    const fresh = reply.body;
    expect(fresh.cardNumber).toMatch(canonical);
    expect(fresh.cardNumber).not.toBe(card.cardNumber);
    expect(fresh).toEqual({
      ...card,
      cardNumber: fresh.cardNumber,
      issuedAt: fresh.issuedAt,
      useCount: 0,
    });
    const old = await service.call('GET', `/v1/cards/${card.cardNumber}`, { key: area.distributorKey });
    expect(old.body).toMatchObject({ status: 'revoked', replacedBy: fresh.cardNumber, useCount: 1 });
    expect((await cardItem(card.cardNumber))!.revokeReason).toBe('replaced');
    const newUse = await service.recordUse(area.venueKey, {
      cardNumber: fresh.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 4,
    });
    expect(newUse.status).toBe(201);
    const oldUse = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
    });
    expectError(oldUse, 422, 'CARD_REVOKED');
  });

  it('takes the new number in any spelling and answers it canonically', async () => {
    const card = await service.issueCard(area);
    const number = newCardNumber();
    const reply = await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
      key: area.distributorKey,
      body: { newCardNumber: number.toLowerCase().replaceAll('-', ' ') },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.cardNumber).toBe(number);
  });

  it('refuses the old number as the new one (400) and a taken one (409), and the old card stays active', async () => {
    const card = await service.issueCard(area);
    const taken = await service.issueCard(other);
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
        key: area.distributorKey,
        body: { newCardNumber: card.cardNumber.toLowerCase() },
      }),
      400,
      'VALIDATION_FAILED',
      ['newCardNumber'],
    );
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
        key: area.distributorKey,
        body: { newCardNumber: taken.cardNumber },
      }),
      409,
      'CARD_NUMBER_TAKEN',
    );
    expectError(
      await service.call('POST', `/v1/cards/${card.cardNumber}/replace`, {
        key: area.distributorKey,
        body: { newCardNumber: 'AAAA-AAAA-AAAB' },
      }),
      400,
      'VALIDATION_FAILED',
      ['newCardNumber'],
    );
    const stored = await cardItem(card.cardNumber);
    expect(stored!.revokedAt).toBeUndefined();
    expect(stored!.replacedBy).toBeUndefined();
    expect((await cardItem(taken.cardNumber))!.areaId).toBe(other.areaId);
  });

  it('refuses a revoked card (422 CARD_REVOKED), an expired one (422 CARD_EXPIRED) and another area’s (404)', async () => {
    const revoked = await service.issueCard(area);
    await service.call('POST', `/v1/cards/${revoked.cardNumber}/revoke`, {
      key: area.distributorKey,
      body: { reason: 'lost' },
    });
    const expired = await putBackdatedCard(area, {
      issuedOn: addDays(today(), -20),
      validUntil: addDays(today(), -2),
    });
    const replace = (number: string, key = area.distributorKey) =>
      service.call('POST', `/v1/cards/${number}/replace`, { key, body: {} });
    expectError(await replace(revoked.cardNumber), 422, 'CARD_REVOKED');
    expectError(await replace(expired.cardNumber), 422, 'CARD_EXPIRED');
    expectError(await replace(expired.cardNumber, other.distributorKey), 404, 'NOT_FOUND');
  });
});
