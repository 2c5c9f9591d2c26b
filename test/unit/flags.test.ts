// The rules of the flags of abnormal use: limits, reasons, what a use and a void do, who sees what.
import { describe, expect, it } from 'vitest';
import { bySpecificity } from '../../infra/local/gateway.ts';
import { listFlagsQuery } from '../../shared/contract/schemas.ts';
import {
  areasPerDay,
  type CardDay,
  cardDayExpiry,
  cardDayKeptDays,
  defaultUsesPerDay,
  flagLimits,
  flagScopeOf,
  flagsAfter,
  flagView,
  noUses,
  reasonsOf,
  withChange,
} from '../../shared/domain/flags.ts';
import { lateEntryDays, voidWindowDays } from '../../shared/domain/usages.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { addDays } from '../../shared/lib/dates.ts';
import { validate } from '../../shared/lib/schema.ts';
import { fieldsOf, thrown } from './helpers.ts';

const limits = { usesPerDay: 3, areasPerDay: 2 };
const use = (areaId: string) => ({ sign: 1 as const, areaId });
const voided = { sign: -1 as const, areaId: 'ignored' };
const daysOf = (...areas: string[]): CardDay =>
  areas.reduce((day, area) => withChange(day, use(area)), noUses);

describe('the limits', () => {
  it('default to 5 uses a day and are at most two areas a day', () => {
    expect(flagLimits({})).toEqual({ usesPerDay: defaultUsesPerDay, areasPerDay: 2 });
    expect(defaultUsesPerDay).toBe(5);
    expect(areasPerDay).toBe(2);
  });

  it('take FLAG_USES_PER_DAY, and refuse a value that is not a whole number from 1 to 1000', () => {
    expect(flagLimits({ FLAG_USES_PER_DAY: '8' }).usesPerDay).toBe(8);
    expect(flagLimits({ FLAG_USES_PER_DAY: '' }).usesPerDay).toBe(5);
    for (const bad of ['0', '-1', '2.5', 'five', '1001', ' 3'])
      expect(() => flagLimits({ FLAG_USES_PER_DAY: bad }), bad).toThrow(/FLAG_USES_PER_DAY/);
  });
});

describe('a card day', () => {
  it('counts each recorded use and the distinct areas they were in', () => {
    expect(daysOf('a', 'a', 'b')).toEqual({ uses: 3, areas: ['a', 'b'] });
  });

  it('loses a voided use but keeps its area (another use may have been there), never below zero', () => {
    expect(withChange(daysOf('a', 'b'), voided)).toEqual({ uses: 1, areas: ['a', 'b'] });
    expect(withChange(noUses, voided)).toEqual({ uses: 0, areas: [] });
  });

  it('is abnormal with more uses than the limit, or more than two areas', () => {
    expect(reasonsOf(daysOf('a', 'a', 'a'), limits)).toEqual([]);
    expect(reasonsOf(daysOf('a', 'a', 'a', 'a'), limits)).toEqual(['many-uses']);
    expect(reasonsOf(daysOf('a', 'b'), limits)).toEqual([]);
    expect(reasonsOf(daysOf('a', 'b', 'c'), limits)).toEqual(['many-areas']);
    expect(reasonsOf(daysOf('a', 'b', 'c', 'c'), limits)).toEqual(['many-uses', 'many-areas']);
  });

  it('is kept until its uses can no longer change: 60 days of late entry, then 14 of voiding', () => {
    expect(cardDayKeptDays).toBeGreaterThan(lateEntryDays + voidWindowDays);
    expect(cardDayExpiry('2026-05-01')).toBe(
      Date.parse(`${addDays('2026-05-01', cardDayKeptDays)}T00:00:00Z`) / 1000,
    );
  });
});

describe('the flags after a change', () => {
  const card = { cardNumber: 'C1', day: '2026-05-01', areaId: 'home' };

  it('are the reasons that hold, with the day’s counts and the card’s own area', () => {
    const before = daysOf('a', 'b', 'c');
    const after = withChange(before, use('c'));
    expect(flagsAfter(card, before, after, limits)).toEqual([
      {
        flag: { cardNumber: 'C1', day: '2026-05-01', reason: 'many-uses', uses: 4, areas: 3, areaId: 'home' },
        listed: true,
      },
      {
        flag: {
          cardNumber: 'C1',
          day: '2026-05-01',
          reason: 'many-areas',
          uses: 4,
          areas: 3,
          areaId: 'home',
        },
        listed: true,
      },
    ]);
  });

  it('after a void: lower counts, and a reason that no longer holds withdrawn (unlisted, not deleted)', () => {
    const before = daysOf('a', 'b', 'c', 'c');
    const after = withChange(before, voided);
    expect(flagsAfter(card, before, after, limits)).toEqual([
      { flag: expect.objectContaining({ reason: 'many-areas', uses: 3, areas: 3 }), listed: true },
      { flag: expect.objectContaining({ reason: 'many-uses', uses: 3, areas: 3 }), listed: false },
    ]);
  });

  it('none for a day within the limits; no area when the card names none', () => {
    expect(flagsAfter(card, daysOf('a'), daysOf('a', 'a'), limits)).toEqual([]);
    const [first] = flagsAfter(
      { cardNumber: 'C1', day: '2026-05-01' },
      noUses,
      daysOf('a', 'b', 'c'),
      limits,
    );
    expect(first?.flag).not.toHaveProperty('areaId');
  });

  it('are shown as the contract says, without the area or anything else', () => {
    const flag = {
      cardNumber: 'C1',
      day: '2026-05-01',
      reason: 'many-uses' as const,
      uses: 6,
      areas: 1,
      areaId: 'x',
    };
    expect(flagView(flag)).toEqual({
      cardNumber: 'C1',
      date: '2026-05-01',
      reason: 'many-uses',
      uses: 6,
      areas: 1,
    });
  });
});

describe('who sees which flags', () => {
  it('admin: every area; area-admin: the cards of its own area', () => {
    expect(flagScopeOf({ role: 'admin' })).toEqual({ national: true });
    expect(flagScopeOf({ role: 'area-admin', areaId: 'a1' })).toEqual({ areaId: 'a1' });
  });

  it('only admin and area-admin may ask', () => {
    const route = (routes as readonly Route[]).find((candidate) => candidate.path === '/v1/cards/flags');
    expect(route?.roles).toEqual(['admin', 'area-admin']);
  });
});

describe('the query', () => {
  it('takes days, a limit and a cursor, and nothing else', () => {
    expect(validate(listFlagsQuery, { from: '2026-05-01', to: '2026-05-31', limit: '500' })).toEqual({
      from: '2026-05-01',
      to: '2026-05-31',
      limit: 500,
    });
    expect(fieldsOf(thrown(() => validate(listFlagsQuery, { from: '2026-02-30' })))).toEqual(['from']);
    expect(fieldsOf(thrown(() => validate(listFlagsQuery, { limit: '501' })))).toEqual(['limit']);
    expect(fieldsOf(thrown(() => validate(listFlagsQuery, { card: 'x' })))).toEqual(['card']);
  });
});

describe('the local gateway, like API Gateway, prefers literal segments to parameters', () => {
  it('puts /v1/cards/flags before /v1/cards/{cardNumber}, whatever the route table order', () => {
    const flags = { path: '/v1/cards/flags' };
    const card = { path: '/v1/cards/{cardNumber}' };
    expect([card, flags].sort(bySpecificity)).toEqual([flags, card]);
    expect([flags, card].sort(bySpecificity)).toEqual([flags, card]);
    expect(bySpecificity({ path: '/v1/a/{x}/b' }, { path: '/v1/a/{x}/{y}' })).toBeLessThan(0);
    expect(bySpecificity({ path: '/v1/usages' }, { path: '/v1/usages' })).toBe(0);
  });
});
