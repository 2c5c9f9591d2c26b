import { describe, expect, it } from 'vitest';
import { isValidCardNumber, withCheckCharacter } from '../../shared/contract/card-number.ts';
import type { Principal } from '../../shared/contract/roles.ts';
import { issueCard, updateCard } from '../../shared/contract/schemas.ts';
import {
  allowances,
  type Card,
  cardStatus,
  correction,
  doorView,
  fullView,
  latestBirthYear,
  newCard,
  renewal,
  viewFor,
} from '../../shared/domain/cards.ts';
import { validate } from '../../shared/lib/schema.ts';
import { fieldsOf, thrown } from './helpers.ts';

const distributor: Principal = {
  kind: 'key',
  keyId: 'k1',
  orgId: 'dist1',
  role: 'distributor',
  areaId: 'area1',
};
const now = new Date('2026-05-01T09:00:00Z');
const today = '2026-05-01';
const personalBody = { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 2 };

const issue = (body: Record<string, unknown>, day = today, principal = distributor) =>
  newCard(validate(issueCard, body), principal, now, day);

describe('newCard', () => {
  it('makes a personal card with the holder data, a generated number and 12 months of validity', () => {
    const card = issue({ ...personalBody, gender: 'female', lifeSituation: 'student' });
    expect(isValidCardNumber(card.cardNumber)).toBe(true);
    expect(card).toEqual({
      cardNumber: card.cardNumber,
      cardType: 'personal',
      validUntil: '2027-04-30',
      areaId: 'area1',
      issuedBy: 'dist1',
      issuedAt: '2026-05-01T09:00:00.000Z',
      issuedOn: '2026-05-01',
      birthYear: 1980,
      postalCode: '00100',
      minorChildren: 2,
      gender: 'female',
      lifeSituation: 'student',
      adultAllowance: 1,
      childAllowance: 2,
      useCount: 0,
    });
  });

  it('keeps a given card number, in canonical form', () => {
    const number = withCheckCharacter('7KQ3XW9AM2H');
    expect(issue({ ...personalBody, cardNumber: number.toLowerCase() }).cardNumber).toBe(number);
  });

  it('makes a different number for each card when none is given', () => {
    const numbers = new Set(Array.from({ length: 200 }, () => issue(personalBody).cardNumber));
    expect(numbers.size).toBe(200);
  });

  it('a community card has no holder data and admits 10 adults and 10 children', () => {
    const card = issue({ cardType: 'community' });
    expect(card.cardType).toBe('community');
    expect(card.adultAllowance).toBe(10);
    expect(card.childAllowance).toBe(10);
    for (const field of ['birthYear', 'postalCode', 'minorChildren', 'gender', 'lifeSituation'])
      expect(Object.hasOwn(card, field), field).toBe(false);
    expect(doorView(card, today)).toEqual({
      cardNumber: card.cardNumber,
      cardType: 'community',
      status: 'active',
      validUntil: '2027-04-30',
      minorChildren: 10,
    });
  });

  describe('the holder turns 16 this calendar year at the latest', () => {
    it.each([
      ['2026-01-01', 2010, true],
      ['2026-01-01', 2011, false],
      ['2026-12-31', 2010, true],
      ['2026-12-31', 2011, false],
      ['2027-01-01', 2011, true],
      ['2026-05-01', 1900, true],
    ])('on %s born %i: allowed %s', (day, birthYear, allowed) => {
      const attempt = () => issue({ ...personalBody, birthYear }, day);
      if (allowed) expect(attempt().birthYear).toBe(birthYear);
      else {
        const error = thrown(attempt);
        expect(error.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(error)).toEqual(['birthYear']);
        expect(error.details?.[0]?.problem).toContain(String(latestBirthYear(day)));
      }
    });

    it('latestBirthYear is the year minus 16', () => {
      expect(latestBirthYear('2026-06-15')).toBe(2010);
    });
  });

  describe('validUntil', () => {
    it('defaults to 12 months from today minus one day', () => {
      expect(issue(personalBody, '2026-01-01').validUntil).toBe('2026-12-31');
      expect(issue(personalBody, '2027-03-01').validUntil).toBe('2028-02-29');
    });

    it('may be earlier (a pilot that ends), today included', () => {
      expect(issue({ ...personalBody, validUntil: '2026-08-31' }).validUntil).toBe('2026-08-31');
      expect(issue({ ...personalBody, validUntil: today }).validUntil).toBe(today);
      expect(issue({ cardType: 'community', validUntil: '2027-04-30' }).validUntil).toBe('2027-04-30');
    });

    it('may not be later than the default', () => {
      const error = thrown(() => issue({ ...personalBody, validUntil: '2027-05-01' }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([{ field: 'validUntil', problem: 'may not be later than 2027-04-30' }]);
      expect(fieldsOf(thrown(() => issue({ cardType: 'community', validUntil: '2030-01-01' })))).toEqual([
        'validUntil',
      ]);
    });

    it('may not be in the past', () => {
      expect(fieldsOf(thrown(() => issue({ ...personalBody, validUntil: '2026-04-30' })))).toEqual([
        'validUntil',
      ]);
    });

    it('reports a bad validUntil and a bad birth year together', () => {
      expect(
        fieldsOf(thrown(() => issue({ ...personalBody, birthYear: 2015, validUntil: '2027-06-01' }))),
      ).toEqual(['validUntil', 'birthYear']);
    });
  });

  it('needs the principal to belong to an area', () => {
    expect(() =>
      issue(personalBody, today, { kind: 'key', keyId: 'k', orgId: 'x', role: 'distributor' }),
    ).toThrow(/no area/);
  });
});

describe('cardStatus', () => {
  it('active through validUntil, expired the day after, revoked wins', () => {
    expect(cardStatus({ validUntil: '2026-05-01' }, '2026-04-01')).toBe('active');
    expect(cardStatus({ validUntil: '2026-05-01' }, '2026-05-01')).toBe('active');
    expect(cardStatus({ validUntil: '2026-05-01' }, '2026-05-02')).toBe('expired');
    expect(cardStatus({ validUntil: '2027-05-01', revokedAt: '2026-05-01T10:00:00Z' }, '2026-05-01')).toBe(
      'revoked',
    );
    expect(cardStatus({ validUntil: '2026-01-01', revokedAt: '2026-05-01T10:00:00Z' }, '2026-05-01')).toBe(
      'revoked',
    );
  });
});

describe('correction', () => {
  const personal = issue(personalBody);
  const community = issue({ cardType: 'community' });

  it('changes the holder data and follows minorChildren with the child allowance', () => {
    expect(correction(personal, validate(updateCard, { minorChildren: 4, postalCode: '33100' }))).toEqual({
      minorChildren: 4,
      postalCode: '33100',
      adultAllowance: 1,
      childAllowance: 4,
    });
    expect(correction(personal, validate(updateCard, { gender: 'male' }))).toEqual({
      gender: 'male',
      adultAllowance: 1,
      childAllowance: 2,
    });
    expect(correction(personal, validate(updateCard, { minorChildren: 0 }))).toMatchObject({
      childAllowance: 0,
    });
  });

  it('refuses an empty body', () => {
    const error = thrown(() => correction(personal, validate(updateCard, {})));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['(body)']);
  });

  it('a community card has no holder data to correct', () => {
    const error = thrown(() =>
      correction(community, validate(updateCard, { postalCode: '00100', gender: 'male' })),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['postalCode', 'gender']);
  });
});

describe('renewal and allowances', () => {
  it('renewal gives 12 months from today minus one day', () => {
    expect(renewal('2026-05-01')).toEqual({ validUntil: '2027-04-30' });
  });

  it('allowances: personal 1 adult and its children, community 10 and 10', () => {
    expect(allowances('personal', 3)).toEqual({ adultAllowance: 1, childAllowance: 3 });
    expect(allowances('personal', undefined)).toEqual({ adultAllowance: 1, childAllowance: 0 });
    expect(allowances('community', 3)).toEqual({ adultAllowance: 10, childAllowance: 10 });
  });
});

describe('views', () => {
  const card: Card = { ...issue(personalBody), useCount: 3, lastUsedAt: '2026-05-01T10:00:00.000Z' };

  it('distributors of the area see the whole card', () => {
    expect(viewFor(card, distributor, today)).toEqual(fullView(card, today));
    expect(fullView(card, today)).toMatchObject({
      birthYear: 1980,
      postalCode: '00100',
      useCount: 3,
      status: 'active',
    });
  });

  it('to distributors of another area the card does not exist', () => {
    expect(viewFor(card, { ...distributor, areaId: 'area2' }, today)).toBeUndefined();
  });

  it('venues and ticket agents see the door view only, nothing about the holder', () => {
    for (const role of ['venue', 'ticket-agent'] as const) {
      const view = viewFor(
        card,
        { kind: 'key', keyId: 'k', orgId: 'v', role, areaId: 'area9' },
        '2027-05-01',
      );
      expect(view).toEqual({
        cardNumber: card.cardNumber,
        cardType: 'personal',
        status: 'expired',
        validUntil: '2027-04-30',
        minorChildren: 2,
      });
    }
  });
});
