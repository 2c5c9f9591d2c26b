import { describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../shared/contract/card-number.ts';
import {
  batchCsvColumns,
  batchUsageRow,
  batchUsages,
  issueCard,
  issueCommunityCard,
  issuePersonalCard,
  listUsagesQuery,
  recordUsage,
  replaceCard,
  revokeCard,
  updateCard,
} from '../../shared/contract/schemas.ts';
import { ApiError, maxDetails } from '../../shared/lib/errors.ts';
import {
  array,
  check,
  containsPersonalIdentityCode,
  integer,
  object,
  oneOf,
  optional,
  string,
  validate,
} from '../../shared/lib/schema.ts';
import { fieldsOf, thrown } from './helpers.ts';

const cardNumber = withCheckCharacter('7KQ3XW9AM2H');
const personal = { cardType: 'personal', birthYear: 1980, postalCode: '00100', minorChildren: 2 };
const use = { cardNumber, sector: 'culture', adults: 1, children: 0 };

describe('the schema library', () => {
  const contact = object({
    name: string({ min: 1, max: 5 }),
    phone: optional(string({ pattern: /^\+?\d+$/ })),
  });
  const shape = object({
    count: integer({ min: 1, max: 3 }),
    kind: oneOf(['a', 'b']),
    contacts: object({ culture: contact }),
    list: array(integer({ min: 0, max: 9 }), { min: 1, max: 2 }),
  });
  const good = { count: 2, kind: 'a', contacts: { culture: { name: 'Anna' } }, list: [1] };

  it('parses a good value, leaving out absent optional fields', () => {
    expect(validate(shape, good)).toEqual(good);
    expect(validate(shape, { ...good, contacts: { culture: { name: 'Anna', phone: null } } })).toEqual(good);
  });

  it('names nested fields and array items by path', () => {
    const error = thrown(() =>
      validate(shape, { ...good, contacts: { culture: { name: 'Annabella', x: 1 } }, list: [1, 10] }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(fieldsOf(error).sort()).toEqual(['contacts.culture.name', 'contacts.culture.x', 'list[1]']);
  });

  it('reports every bad field at once', () => {
    const error = thrown(() => validate(shape, { count: 0, kind: 'c', list: [], extra: true }));
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'extra', problem: 'is not a known field' },
        { field: 'count', problem: 'must be between 1 and 3' },
        { field: 'kind', problem: 'must be one of a, b' },
        { field: 'contacts', problem: 'is required' },
        { field: 'list', problem: 'must have at least 1 items' },
      ]),
    );
    expect(error.details).toHaveLength(5);
  });

  it.each([
    [null, 'must be a JSON object'],
    [[], 'must be a JSON object'],
    ['text', 'must be a JSON object'],
    [42, 'must be a JSON object'],
  ])('a body of %j is refused as (body)', (body, problem) => {
    expect(thrown(() => validate(shape, body)).details).toEqual([{ field: '(body)', problem }]);
  });

  it('integers: whole numbers in range only, no strings', () => {
    const n = integer({ min: -2, max: 2 });
    for (const ok of [-2, 0, 2]) expect(validate(n, ok)).toBe(ok);
    for (const bad of [-3, 3, 1.5, '1', true, Number.NaN, Number.POSITIVE_INFINITY])
      expect(thrown(() => validate(n, bad)).code).toBe('VALIDATION_FAILED');
  });

  it('strings: type, length and pattern', () => {
    const s = string({ min: 2, max: 3, pattern: /^[a-z]+$/ });
    expect(validate(s, 'abc')).toBe('abc');
    expect(thrown(() => validate(s, 'a')).details?.[0]?.problem).toBe('must be at least 2 characters');
    expect(thrown(() => validate(s, 'abcd')).details?.[0]?.problem).toBe('must be at most 3 characters');
    expect(thrown(() => validate(s, 'A1')).details?.[0]?.problem).toMatch(/^must match/);
    expect(thrown(() => validate(s, 12)).details?.[0]?.problem).toBe('must be a string');
  });

  it('check() hands the error back instead of throwing', () => {
    expect(check(shape, good)).toEqual({ value: good });
    const result = check(shape, { ...good, count: 9 });
    expect('error' in result && result.error instanceof ApiError && result.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('describes an object as JSON Schema that refuses unknown fields', () => {
    expect(contact.json()).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 5 },
        phone: { type: 'string', pattern: '^\\+?\\d+$' },
      },
      required: ['name'],
    });
    expect(integer({ min: 0, max: 20 }).json()).toEqual({ type: 'integer', minimum: 0, maximum: 20 });
    expect(oneOf(['x', 'y']).json()).toEqual({ type: 'string', enum: ['x', 'y'] });
    expect(array(oneOf(['x']), { max: 4 }).json()).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['x'] },
      minItems: 0,
      maxItems: 4,
    });
  });
});

describe('personal identity codes in free text', () => {
  it.each([
    '131052-308T',
    '010190-123A',
    '131052A308T', // 2000s
    '010105B1234', // new century signs since 2023
    '010195Y123A',
    '010180+1234',
    'Konsertti, asiakas 131052-308t',
    '131052 - 308T',
  ])('%j is recognised', (text) => {
    expect(containsPersonalIdentityCode(text)).toBe(true);
  });

  it.each(['Jazz-ilta 2026', 'Ryhmä 12', '2026-05-01', 'ticket 12345', 'Sali A-123'])('%j is not', (text) => {
    expect(containsPersonalIdentityCode(text)).toBe(false);
  });

  it('a use whose eventName holds one is refused with PERSONAL_DATA_NOT_ALLOWED, without echoing it', () => {
    const error = thrown(() => validate(recordUsage, { ...use, eventName: 'Matti V. 131052-308T' }));
    expect(error.code).toBe('PERSONAL_DATA_NOT_ALLOWED');
    expect(error.status).toBe(400);
    expect(error.details).toEqual([
      { field: 'eventName', problem: 'must not contain a personal identity code' },
    ]);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('131052');
  });

  it('PERSONAL_DATA_NOT_ALLOWED wins over other problems in the same body', () => {
    const error = thrown(() =>
      validate(recordUsage, { ...use, adults: 99, unknown: 1, eventName: '131052-308T' }),
    );
    expect(error.code).toBe('PERSONAL_DATA_NOT_ALLOWED');
    expect(fieldsOf(error)).toEqual(['eventName']);
  });

  it('also in a batch row', () => {
    const error = thrown(() =>
      validate(batchUsageRow, { clientRef: 'r1', ...use, eventName: '010190-123A' }),
    );
    expect(error.code).toBe('PERSONAL_DATA_NOT_ALLOWED');
  });
});

describe('issueCard', () => {
  it('parses a personal card and canonicalises its card number', () => {
    const lower = cardNumber.toLowerCase().replace(/-/g, ' ');
    expect(
      validate(issueCard, {
        ...personal,
        cardNumber: lower,
        validUntil: '2026-12-31',
        gender: 'female',
        lifeSituation: 'retired',
      }),
    ).toEqual({
      ...personal,
      cardNumber,
      validUntil: '2026-12-31',
      gender: 'female',
      lifeSituation: 'retired',
    });
  });

  it('parses a community card', () => {
    expect(validate(issueCard, { cardType: 'community' })).toEqual({ cardType: 'community' });
  });

  it('a community card takes no holder data: those fields are unknown', () => {
    const error = thrown(() =>
      validate(issueCard, { cardType: 'community', birthYear: 1980, postalCode: '00100', minorChildren: 1 }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error).sort()).toEqual(['birthYear', 'minorChildren', 'postalCode']);
    for (const detail of error.details ?? []) expect(detail.problem).toBe('is not a known field');
  });

  it('refuses unknown fields on a personal card and names them', () => {
    const error = thrown(() => validate(issueCard, { ...personal, name: 'Matti', hetu: 'x' }));
    expect(error.details).toEqual([
      { field: 'name', problem: 'is not a known field' },
      { field: 'hetu', problem: 'is not a known field' },
    ]);
  });

  it.each([undefined, 'other', 'Personal', 1])('cardType %j is refused', (cardType) => {
    const error = thrown(() => validate(issueCard, { ...personal, cardType }));
    expect(error.details).toEqual([{ field: 'cardType', problem: 'must be one of personal, community' }]);
  });

  it('requires birthYear, postalCode and minorChildren on a personal card', () => {
    const error = thrown(() => validate(issueCard, { cardType: 'personal' }));
    expect(error.details).toEqual([
      { field: 'birthYear', problem: 'is required' },
      { field: 'postalCode', problem: 'is required' },
      { field: 'minorChildren', problem: 'is required' },
    ]);
  });

  it.each([
    ['postalCode', '0010'],
    ['postalCode', '001000'],
    ['postalCode', 100],
    ['postalCode', '00 100'],
    ['minorChildren', -1],
    ['minorChildren', 21],
    ['minorChildren', 1.5],
    ['birthYear', 1899],
    ['birthYear', '1980'],
    ['gender', 'unknown'],
    ['lifeSituation', 'rich'],
    ['validUntil', '2026-02-29'],
    ['validUntil', '31.12.2026'],
    ['cardNumber', 'ABCD'],
    ['cardNumber', withCheckCharacter('7KQ3XW9AM2H').replace(/.$/, (c) => (c === '0' ? '1' : '0'))],
  ])('%s = %j is refused', (field, value) => {
    const error = thrown(() => validate(issueCard, { ...personal, [field]: value }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual([field]);
  });

  it('accepts the edges of the ranges', () => {
    expect(validate(issueCard, { ...personal, minorChildren: 0 })).toMatchObject({ minorChildren: 0 });
    expect(validate(issueCard, { ...personal, minorChildren: 20 })).toMatchObject({ minorChildren: 20 });
    expect(validate(issueCard, { ...personal, postalCode: '99999' })).toMatchObject({ postalCode: '99999' });
  });

  it('is described as oneOf the two card objects, both closed', () => {
    const json = issueCard.json() as { oneOf: Record<string, unknown>[] };
    expect(json.oneOf).toEqual([issuePersonalCard.json(), issueCommunityCard.json()]);
    expect(issuePersonalCard.json()).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['cardType', 'birthYear', 'postalCode', 'minorChildren'],
    });
    expect(Object.keys((issuePersonalCard.json() as { properties: object }).properties)).toEqual([
      'cardNumber',
      'cardType',
      'birthYear',
      'postalCode',
      'minorChildren',
      'validUntil',
      'gender',
      'lifeSituation',
    ]);
    expect(issueCommunityCard.json()).toMatchObject({
      additionalProperties: false,
      required: ['cardType'],
      properties: { cardType: { type: 'string', enum: ['community'] }, validUntil: { format: 'date' } },
    });
  });
});

describe('updateCard, revokeCard, replaceCard', () => {
  it('updateCard: all fields optional, none unknown', () => {
    expect(validate(updateCard, {})).toEqual({});
    expect(validate(updateCard, { minorChildren: 3 })).toEqual({ minorChildren: 3 });
    expect(fieldsOf(thrown(() => validate(updateCard, { birthYear: 1990 })))).toEqual(['birthYear']);
    expect(fieldsOf(thrown(() => validate(updateCard, { validUntil: '2027-01-01' })))).toEqual([
      'validUntil',
    ]);
    expect(updateCard.json()).toMatchObject({ additionalProperties: false, required: [] });
  });

  it('revokeCard: a reason from the list; replaced is not one a client may give', () => {
    for (const reason of ['lost', 'misuse', 'other'])
      expect(validate(revokeCard, { reason })).toEqual({ reason });
    expect(fieldsOf(thrown(() => validate(revokeCard, { reason: 'replaced' })))).toEqual(['reason']);
    expect(fieldsOf(thrown(() => validate(revokeCard, {})))).toEqual(['reason']);
    expect(revokeCard.json()).toMatchObject({ required: ['reason'] });
  });

  it('replaceCard: an optional new card number, canonicalised', () => {
    expect(validate(replaceCard, {})).toEqual({});
    expect(validate(replaceCard, { newCardNumber: cardNumber.toLowerCase() })).toEqual({
      newCardNumber: cardNumber,
    });
  });
});

describe('recordUsage and batches', () => {
  it('parses a use: canonical card number, occurredAt as a Date', () => {
    const parsed = validate(recordUsage, {
      ...use,
      cardNumber: cardNumber.replace(/-/g, '').toLowerCase(),
      occurredAt: '2026-05-01T12:00:00+03:00',
      venueId: 'org1',
      eventName: 'Jazz-ilta',
    });
    expect(parsed).toEqual({
      ...use,
      occurredAt: new Date('2026-05-01T09:00:00Z'),
      venueId: 'org1',
      eventName: 'Jazz-ilta',
    });
  });

  it.each([
    ['sector', 'music'],
    ['adults', 11],
    ['adults', -1],
    ['children', 21],
    ['occurredAt', '2026-05-01T12:00:00'],
    ['occurredAt', 1777636800000],
    ['venueId', ''],
    ['eventName', 'x'.repeat(201)],
  ])('%s = %j is refused', (field, value) => {
    expect(fieldsOf(thrown(() => validate(recordUsage, { ...use, [field]: value })))).toEqual([field]);
  });

  it('accepts every sector of the national statistics', () => {
    for (const sector of ['culture', 'education', 'science', 'sport'])
      expect(validate(recordUsage, { ...use, sector })).toMatchObject({ sector });
  });

  it('requires cardNumber, sector, adults, children', () => {
    expect(recordUsage.json()).toMatchObject({
      additionalProperties: false,
      required: ['cardNumber', 'sector', 'adults', 'children'],
    });
    expect(fieldsOf(thrown(() => validate(recordUsage, {})))).toEqual([
      'cardNumber',
      'sector',
      'adults',
      'children',
    ]);
  });

  it('a batch row needs a clientRef; the CSV columns are the row fields', () => {
    expect(fieldsOf(thrown(() => validate(batchUsageRow, use)))).toEqual(['clientRef']);
    expect(batchCsvColumns).toEqual([
      'clientRef',
      'cardNumber',
      'sector',
      'adults',
      'children',
      'occurredAt',
      'venueId',
      'eventName',
    ]);
  });

  it('a batch checks only the shape of its rows, 1 to 500 of them', () => {
    const row = { clientRef: 'r', nonsense: true };
    expect(validate(batchUsages, { items: [row] })).toEqual({ items: [row] });
    expect(fieldsOf(thrown(() => validate(batchUsages, { items: [] })))).toEqual(['items']);
    expect(fieldsOf(thrown(() => validate(batchUsages, { items: Array(501).fill(row) })))).toEqual(['items']);
    expect(fieldsOf(thrown(() => validate(batchUsages, { items: [row, 'x'] })))).toEqual(['items[1]']);
    expect(batchUsages.json()).toMatchObject({
      required: ['items'],
      properties: { items: { type: 'array', minItems: 1, maxItems: 500, items: batchUsageRow.json() } },
    });
  });
});

describe('listUsagesQuery', () => {
  it('turns limit into a number between 1 and 500', () => {
    expect(validate(listUsagesQuery, { limit: '1' })).toEqual({ limit: 1 });
    expect(validate(listUsagesQuery, { limit: '500' })).toEqual({ limit: 500 });
    for (const limit of ['0', '501', '999', '1000', '-1', 'ten', '2.5'])
      expect(fieldsOf(thrown(() => validate(listUsagesQuery, { limit })))).toEqual(['limit']);
  });

  it('from/to must be real days, format json or csv', () => {
    expect(validate(listUsagesQuery, { from: '2026-01-01', to: '2026-01-31', format: 'csv' })).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      format: 'csv',
    });
    expect(fieldsOf(thrown(() => validate(listUsagesQuery, { from: '2026-02-30' })))).toEqual(['from']);
    expect(fieldsOf(thrown(() => validate(listUsagesQuery, { format: 'xml' })))).toEqual(['format']);
    expect(fieldsOf(thrown(() => validate(listUsagesQuery, { page: '2' })))).toEqual(['page']);
  });
});

describe('error details', () => {
  it('are capped: an answer never grows with the input', () => {
    const fields = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`unknown${'x'.repeat(500)}${i}`, i]),
    );
    const error = thrown(() => validate(object({ name: string() }), { name: 'a', ...fields }));
    expect(error.details).toHaveLength(maxDetails + 1);
    expect(error.details?.at(-1)).toEqual({ field: '(more)', problem: '4980 more problems are not listed' });
    expect(JSON.stringify(error.details).length).toBeLessThan(6000);
  });
});

describe('free text', () => {
  const text = object({ name: string({ max: 200, freeText: true }) });
  it.each([
    ['a line break', 'Konsertti\nklo 18'],
    ['a tab', 'Konsertti\tklo 18'],
    ['a NUL', 'Konsertti\u0000'],
    ['a right-to-left override', 'Konsertti \u202Egnp.exe'],
    ['a right-to-left mark', 'Konsertti\u200F'],
    ['a first-strong isolate', 'Konsertti \u2068x\u2069'],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field', (_, value) => {
    const error = thrown(() => validate(text, { name: value }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['name']);
  });

  it('takes letters of any script, emoji with joiners, and punctuation', () => {
    for (const value of ['Åbo Akademi – konsert 5 €', 'مرحبا', '👨‍👩‍👧 perhe', 'Kello 18.00 (ovet 17.30)'])
      expect(validate(text, { name: value })).toEqual({ name: value });
  });
});
