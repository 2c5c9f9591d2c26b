import { describe, expect, it } from 'vitest';
import { withCheckCharacter } from '../../shared/contract/card-number.ts';
import type { Principal } from '../../shared/contract/roles.ts';
import { batchUsageRow, issueCard, recordUsage } from '../../shared/contract/schemas.ts';
import { type Card, newCard } from '../../shared/domain/cards.ts';
import {
  batchUsageIdFor,
  checkVoidable,
  explainRefusal,
  fingerprintOf,
  listedUsageView,
  newUsage,
  parseIdempotencyKey,
  type Refusal,
  type Usage,
  usageIdFor,
  usageView,
  venueIdFor,
} from '../../shared/domain/usages.ts';
import { validate } from '../../shared/lib/schema.ts';
import { fieldsOf, thrown } from './helpers.ts';

const cardNumber = withCheckCharacter('7KQ3XW9AM2H');
const venue: Principal = { kind: 'key', keyId: 'kv', orgId: 'venue1', role: 'venue', areaId: 'area1' };
const agent: Principal = { kind: 'key', keyId: 'ka', orgId: 'agent1', role: 'ticket-agent' };
const venueRef = { venueId: 'venue1', areaId: 'area1' };
const ids = { usageId: 'u1', fingerprint: 'f1', recordedBy: 'kv' };
const now = new Date('2026-05-01T09:00:00Z'); // 12:00 in Helsinki
const body = { cardNumber, sector: 'culture', adults: 1, children: 0 };
const input = (extra: Record<string, unknown> = {}) => validate(recordUsage, { ...body, ...extra });

describe('newUsage', () => {
  it('builds the use to write, occurredAt defaulting to now', () => {
    expect(newUsage(input({ children: 2, eventName: 'Jazz' }), ids, venueRef, now)).toEqual({
      usageId: 'u1',
      cardNumber,
      venueId: 'venue1',
      areaId: 'area1',
      occurredAt: '2026-05-01T09:00:00.000Z',
      day: '2026-05-01',
      sector: 'culture',
      adults: 1,
      children: 2,
      eventName: 'Jazz',
      recordedAt: '2026-05-01T09:00:00.000Z',
      recordedBy: 'kv',
      fingerprint: 'f1',
      voided: false,
    });
  });

  it('the day of a use is its Helsinki day', () => {
    const late = newUsage(input({ occurredAt: '2026-03-29T21:30:00Z' }), ids, venueRef, now);
    expect(late.day).toBe('2026-03-30');
    expect(late.occurredAt).toBe('2026-03-29T21:30:00.000Z');
    const winter = newUsage(input({ occurredAt: '2026-03-02T22:30:00Z' }), ids, venueRef, now);
    expect(winter.day).toBe('2026-03-03');
  });

  it('needs at least one person: adults + children >= 1', () => {
    const error = thrown(() => newUsage(input({ adults: 0, children: 0 }), ids, venueRef, now));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['adults']);
    expect(newUsage(input({ adults: 0, children: 1 }), ids, venueRef, now).children).toBe(1);
  });

  it('refuses a use in the future', () => {
    for (const occurredAt of ['2026-05-01T09:05:00Z', '2026-05-01T12:00:00Z', '2026-05-02T09:00:00+03:00']) {
      const error = thrown(() => newUsage(input({ occurredAt }), ids, venueRef, now));
      expect(fieldsOf(error), occurredAt).toEqual(['occurredAt']);
      expect(error.details?.[0]?.problem).toBe('may not be in the future');
    }
    expect(newUsage(input({ occurredAt: '2026-05-01T12:00:00+03:00' }), ids, venueRef, now).day).toBe(
      '2026-05-01',
    );
  });

  it('takes late entries up to 60 Helsinki days back', () => {
    // today in Helsinki is 2026-05-01; 60 days back is 2026-03-02.
    const ok = newUsage(input({ occurredAt: '2026-03-01T22:00:00Z' }), ids, venueRef, now); // 00:00 on 2 March
    expect(ok.day).toBe('2026-03-02');
    const error = thrown(() => newUsage(input({ occurredAt: '2026-03-01T21:59:59Z' }), ids, venueRef, now));
    expect(error.details).toEqual([
      { field: 'occurredAt', problem: 'may be at most 60 days back (2026-03-02 or later)' },
    ]);
  });

  it('counts the 60 days from the Helsinki day of now, not the UTC day', () => {
    const lateEvening = new Date('2026-05-01T21:30:00Z'); // already 2 May 00:30 in Helsinki
    expect(newUsage(input({ occurredAt: '2026-03-02T22:00:00Z' }), ids, venueRef, lateEvening).day).toBe(
      '2026-03-03',
    );
    expect(
      fieldsOf(
        thrown(() => newUsage(input({ occurredAt: '2026-03-02T21:59:00Z' }), ids, venueRef, lateEvening)),
      ),
    ).toEqual(['occurredAt']);
  });

  it('reports several problems together', () => {
    const error = thrown(() =>
      newUsage(input({ adults: 0, children: 0, occurredAt: '2026-06-01T00:00:00Z' }), ids, venueRef, now),
    );
    expect(fieldsOf(error)).toEqual(['adults', 'occurredAt']);
  });
});

describe('venueIdFor', () => {
  it('a venue records its own uses', () => {
    expect(venueIdFor(venue, {})).toBe('venue1');
    expect(venueIdFor(venue, { venueId: 'venue1' })).toBe('venue1');
  });

  it('a venue cannot name another venue', () => {
    const error = thrown(() => venueIdFor(venue, { venueId: 'venue2' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['venueId']);
  });

  it('a ticket agent must name the venue', () => {
    expect(venueIdFor(agent, { venueId: 'venue7' })).toBe('venue7');
    expect(fieldsOf(thrown(() => venueIdFor(agent, {})))).toEqual(['venueId']);
    expect(fieldsOf(thrown(() => venueIdFor(agent, { venueId: '' })))).toEqual(['venueId']);
  });
});

describe('usage ids', () => {
  const scope = { callerId: 'kv', venueId: 'venue1' };

  it('usageIdFor is deterministic and shaped like an id', () => {
    expect(usageIdFor(scope, 'key-1')).toBe(usageIdFor({ ...scope }, 'key-1'));
    expect(usageIdFor(scope, 'key-1')).toMatch(/^u[A-Za-z0-9_-]{26}$/);
  });

  it('usageIdFor is scoped by caller, venue and key', () => {
    const base = usageIdFor(scope, 'key-1');
    expect(usageIdFor(scope, 'key-2')).not.toBe(base);
    expect(usageIdFor({ ...scope, callerId: 'kx' }, 'key-1')).not.toBe(base);
    expect(usageIdFor({ ...scope, venueId: 'venue2' }, 'key-1')).not.toBe(base);
  });

  it('batchUsageIdFor is deterministic, scoped by venue, recorder and clientRef, apart from single ids', () => {
    const own = (venueId: string) => ({ callerId: venueId, venueId });
    const base = batchUsageIdFor(own('venue1'), 'row-1');
    expect(batchUsageIdFor(own('venue1'), 'row-1')).toBe(base);
    expect(base).toMatch(/^u[A-Za-z0-9_-]{26}$/);
    expect(batchUsageIdFor(own('venue2'), 'row-1')).not.toBe(base);
    expect(batchUsageIdFor(own('venue1'), 'row-2')).not.toBe(base);
    expect(usageIdFor(own('venue1'), 'row-1')).not.toBe(base);
    // A ticket agent's row for the venue is its own: it can neither block nor find the venue's row.
    const agent = batchUsageIdFor({ callerId: 'agent1', venueId: 'venue1' }, 'row-1');
    expect(agent).not.toBe(base);
    expect(batchUsageIdFor({ callerId: 'agent2', venueId: 'venue1' }, 'row-1')).not.toBe(agent);
  });

  it('ids do not collide over many keys', () => {
    const many = new Set<string>();
    for (let n = 0; n < 5000; n++) {
      many.add(usageIdFor(scope, `key-${n}`));
      many.add(batchUsageIdFor({ callerId: 'venue1', venueId: 'venue1' }, `key-${n}`));
    }
    expect(many.size).toBe(10_000);
  });
});

describe('parseIdempotencyKey', () => {
  it('takes 1 to 64 characters', () => {
    expect(parseIdempotencyKey('a')).toBe('a');
    expect(parseIdempotencyKey('x'.repeat(64))).toBe('x'.repeat(64));
    for (const header of [undefined, '', 'x'.repeat(65)])
      expect(fieldsOf(thrown(() => parseIdempotencyKey(header)))).toEqual(['Idempotency-Key']);
  });
});

describe('fingerprintOf', () => {
  it('is the same for bodies that parse to the same use', () => {
    const a = validate(recordUsage, {
      cardNumber,
      sector: 'sport',
      adults: 1,
      children: 2,
      occurredAt: '2026-05-01T12:00:00+03:00',
      eventName: 'Ottelu',
    });
    const b = validate(recordUsage, {
      eventName: 'Ottelu',
      occurredAt: '2026-05-01T09:00:00.000Z',
      children: 2,
      adults: 1,
      sector: 'sport',
      cardNumber: cardNumber.toLowerCase().replace(/-/g, ' '),
    });
    expect(fingerprintOf(a)).toBe(fingerprintOf(b));
    expect(fingerprintOf(validate(recordUsage, { ...body, venueId: null }))).toBe(
      fingerprintOf(validate(recordUsage, body)),
    );
  });

  it('ignores clientRef: batch rows are idempotent by clientRef, compared by content', () => {
    const row1 = validate(batchUsageRow, { clientRef: 'r1', ...body });
    const row2 = validate(batchUsageRow, { clientRef: 'r2', ...body });
    expect(fingerprintOf(row1)).toBe(fingerprintOf(row2));
    expect(fingerprintOf(row1)).toBe(fingerprintOf(validate(recordUsage, body)));
  });

  it('differs when any field of the use differs', () => {
    const base = fingerprintOf(validate(recordUsage, body));
    for (const change of [
      { cardNumber: withCheckCharacter('7KQ3XW9AM2J') },
      { sector: 'sport' },
      { adults: 0, children: 1 },
      { children: 1 },
      { occurredAt: '2026-05-01T09:00:00Z' },
      { venueId: 'venue1' },
      { eventName: 'Jazz' },
    ]) {
      expect(fingerprintOf(validate(recordUsage, { ...body, ...change })), JSON.stringify(change)).not.toBe(
        base,
      );
    }
  });
});

describe('explainRefusal', () => {
  const distributor: Principal = {
    kind: 'key',
    keyId: 'kd',
    orgId: 'dist1',
    role: 'distributor',
    areaId: 'area1',
  };
  const card: Card = newCard(
    validate(issueCard, {
      cardNumber,
      cardType: 'personal',
      birthYear: 1980,
      postalCode: '00100',
      minorChildren: 1,
    }),
    distributor,
    new Date('2026-01-10T10:00:00Z'),
    '2026-01-10',
  );
  const usage = newUsage(input({ children: 1 }), { ...ids, fingerprint: 'fp-A' }, venueRef, now);
  const refusal = (extra: Partial<Refusal>): Refusal => ({
    usageConflict: false,
    cardFailed: false,
    limitFailed: false,
    ...extra,
  });
  const errorOf = (outcome: ReturnType<typeof explainRefusal>) => {
    if (!('error' in outcome)) throw new Error(`expected an error, got ${JSON.stringify(outcome)}`);
    return outcome.error;
  };

  it('the same key with the same body is a replay of the first use', () => {
    const first: Usage = { ...usage, usageId: 'u-first', recordedAt: '2026-05-01T08:00:00.000Z' };
    expect(
      explainRefusal(refusal({ existingUsage: first, usageConflict: true, cardFailed: true }), usage),
    ).toEqual({
      replay: first,
    });
  });

  it('the same key with another body is IDEMPOTENCY_KEY_REUSED (422)', () => {
    const other: Usage = { ...usage, fingerprint: 'fp-B', children: 0 };
    const error = errorOf(explainRefusal(refusal({ existingUsage: other, usageConflict: true }), usage));
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(error.status).toBe(422);
  });

  it('a card that does not exist is NOT_FOUND', () => {
    const error = errorOf(explainRefusal(refusal({ cardFailed: true }), usage));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
  });

  it('a revoked card is CARD_REVOKED, even when it has also expired', () => {
    const revoked: Card = { ...card, validUntil: '2026-02-01', revokedAt: '2026-01-20T10:00:00.000Z' };
    const error = errorOf(explainRefusal(refusal({ cardFailed: true, card: revoked }), usage));
    expect(error.code).toBe('CARD_REVOKED');
    expect(error.status).toBe(422);
  });

  it('a use before the issue day is a validation error on occurredAt', () => {
    const issuedLater: Card = { ...card, issuedOn: '2026-05-02' };
    const error = errorOf(explainRefusal(refusal({ cardFailed: true, card: issuedLater }), usage));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['occurredAt']);
  });

  it('a card not valid on the day of the use is CARD_EXPIRED', () => {
    const expired: Card = { ...card, validUntil: '2026-04-30' };
    const error = errorOf(explainRefusal(refusal({ cardFailed: true, card: expired }), usage));
    expect(error.code).toBe('CARD_EXPIRED');
    expect(error.status).toBe(422);
    expect(error.message).toContain('2026-04-30');
  });

  it('more adults than the card admits is a validation error on adults', () => {
    const two = newUsage(input({ adults: 2 }), ids, venueRef, now);
    const error = errorOf(explainRefusal(refusal({ cardFailed: true, card }), two));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(error)).toEqual(['adults']);
  });

  it('more children than the card admits is TOO_MANY_CHILDREN', () => {
    const many = newUsage(input({ children: 2 }), ids, venueRef, now);
    const error = errorOf(explainRefusal(refusal({ cardFailed: true, card }), many));
    expect(error.code).toBe('TOO_MANY_CHILDREN');
    expect(error.status).toBe(422);
  });

  it("the venue's daily limit is VENUE_LIMIT_REACHED", () => {
    const error = errorOf(explainRefusal(refusal({ limitFailed: true }), usage));
    expect(error.code).toBe('VENUE_LIMIT_REACHED');
    expect(error.status).toBe(422);
    expect(errorOf(explainRefusal(refusal({ limitFailed: true, cardFailed: true, card }), usage)).code).toBe(
      'VENUE_LIMIT_REACHED',
    );
  });

  it('a refusal no rule explains is CONFLICT (the card changed meanwhile)', () => {
    expect(errorOf(explainRefusal(refusal({ cardFailed: true, card }), usage)).code).toBe('CONFLICT');
    expect(errorOf(explainRefusal(refusal({}), usage)).code).toBe('CONFLICT');
  });
});

describe('checkVoidable', () => {
  const usage = newUsage(input(), ids, venueRef, now);

  it('the recording venue may void within 14 days of recording', () => {
    expect(() => checkVoidable(usage, venue, now)).not.toThrow();
    expect(() => checkVoidable(usage, venue, new Date('2026-05-15T09:00:00Z'))).not.toThrow();
  });

  it('after 14 days it is CONFLICT', () => {
    const error = thrown(() => checkVoidable(usage, venue, new Date('2026-05-15T09:00:00.001Z')));
    expect(error.code).toBe('CONFLICT');
    expect(error.status).toBe(409);
  });

  it('another venue gets NOT_FOUND, not FORBIDDEN', () => {
    const error = thrown(() => checkVoidable(usage, { ...venue, orgId: 'venue2' }, now));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
  });
});

describe('views of a use', () => {
  it('the answer of POST /v1/usages and the listed form', () => {
    const usage = newUsage(input({ eventName: 'Jazz' }), ids, venueRef, now);
    expect(usageView(usage)).toEqual({
      usageId: 'u1',
      cardNumber,
      venueId: 'venue1',
      occurredAt: '2026-05-01T09:00:00.000Z',
      sector: 'culture',
      adults: 1,
      children: 0,
    });
    expect(listedUsageView(usage)).toEqual({
      ...usageView(usage),
      areaId: 'area1',
      eventName: 'Jazz',
      voided: false,
    });
  });
});
