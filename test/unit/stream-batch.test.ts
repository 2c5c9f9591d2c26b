import { describe, expect, it } from 'vitest';
import type { FlagLimits } from '../../shared/domain/flags.ts';
import {
  type Change,
  type CounterKeys,
  markAttribute,
  markPrefix,
  notCovered,
  paddedSequence,
  planBatch,
  staleMarks,
  stepsOfDay,
  sumAdds,
  unflaggedRoom,
} from '../../shared/domain/stream-batch.ts';
import type { Usage } from '../../shared/domain/usages.ts';

const keys: CounterKeys = {
  useAggregate: (areaId, day) => ({ pk: `AGG#${areaId}`, sk: `USES#${day}` }),
  useCounters: (sector) => ({
    adultUses: `${sector}AdultUses`,
    childUses: `${sector}ChildUses`,
    records: `${sector}Records`,
  }),
  ageDay: (areaId, day) => ({ pk: `AGG#${areaId}`, sk: `AGES#${day}` }),
  ageMonth: (areaId, month) => ({ pk: `AGG#${areaId}`, sk: `AGEMONTH#${month}` }),
  cardAggregate: (areaId, day) => ({ pk: `AGG#${areaId}`, sk: `CARDS#${day}` }),
  cardDay: (cardNumber, day) => ({ pk: `CARDDAY#${cardNumber}`, sk: day }),
};
const limits: FlagLimits = { usesPerDay: 5, areasPerDay: 2 };

const use = (n: number, over: Partial<Usage> = {}): Usage =>
  ({
    usageId: `u${n}`,
    cardNumber: `c${n % 3}`,
    venueId: 'v',
    areaId: 'a',
    occurredAt: '2026-03-10T10:00:00.000Z',
    day: '2026-03-10',
    sector: 'culture',
    adults: 1,
    children: 1,
    recordedAt: '2026-03-10T10:00:00.000Z',
    recordedBy: 'v',
    fingerprint: 'f',
    voided: false,
    ...over,
  }) as Usage;

const seq = (n: number) => paddedSequence(String(n));

describe('planBatch', () => {
  it('gives each counter item one plan with every contribution of the batch, in stream order', () => {
    const changes: { seq: string; change: Change }[] = Array.from({ length: 30 }, (_, i) => ({
      seq: seq(100 + i),
      change: { kind: 'use', sign: 1, usage: use(i) },
    }));
    changes.push({ seq: seq(200), change: { kind: 'use', sign: -1, usage: use(0) } });
    changes.push({
      seq: seq(201),
      change: { kind: 'firstUse', card: { cardNumber: 'c0', areaId: 'a', firstUsedOn: '2026-03-10' } },
    });
    const cards = new Map([['c0', { birthYear: 1980, areaId: 'home' }]]);
    const plan = planBatch(changes, cards, keys);
    // One area-day, one age day, one age month, one taken-into-use; three card days.
    expect(plan.sums.map((item) => item.key.sk).sort()).toEqual([
      'AGEMONTH#2026-03',
      'AGES#2026-03-10',
      'CARDS#2026-03-10',
      'USES#2026-03-10',
    ]);
    const uses = plan.sums.find((item) => item.key.sk === 'USES#2026-03-10')!;
    expect(sumAdds(uses.contributions)).toEqual({
      cultureAdultUses: 29,
      cultureChildUses: 29,
      cultureRecords: 29,
    });
    const ages = plan.sums.find((item) => item.key.sk === 'AGES#2026-03-10')!;
    expect(sumAdds(ages.contributions)).toEqual({ uses_1980: 18, uses_unknown: 40 });
    expect(plan.cardDays).toHaveLength(3);
    const c0 = plan.cardDays.find((day) => day.card.cardNumber === 'c0')!;
    expect(c0.card.areaId).toBe('home');
    expect(c0.contributions.map((c) => c.value.sign)).toEqual([...Array(10).fill(1), -1]);
    expect(c0.contributions.map((c) => c.seq)).toEqual([...c0.contributions.map((c) => c.seq)].sort());
  });

  it('ignores records that change no counter', () => {
    expect(planBatch([{ seq: seq(1), change: { kind: 'none' } }], new Map(), keys)).toEqual({
      sums: [],
      cardDays: [],
    });
  });
});

describe('high-water marks', () => {
  it('pads sequence numbers so that they sort as strings', () => {
    expect(paddedSequence('9') < paddedSequence('10')).toBe(true);
    expect(paddedSequence('9')).toHaveLength(40);
    expect(() => paddedSequence('12a')).toThrow();
  });

  it('re-applies only the contributions above the mark', () => {
    const contributions = [1, 2, 3, 4].map((n) => ({ seq: seq(n), value: { x: n } }));
    expect(notCovered(contributions, undefined)).toHaveLength(4);
    expect(notCovered(contributions, seq(2)).map((c) => c.value.x)).toEqual([3, 4]);
    expect(notCovered(contributions, seq(4))).toEqual([]);
  });

  it('names a shard briefly, dated by its creation, and finds the marks of shards long gone', () => {
    const now = Date.parse('2026-03-10T00:00:00Z');
    const old = markAttribute(`shardId-${String(now - 3 * 86_400_000).padStart(20, '0')}-abcdef12`);
    const recent = markAttribute(`shardId-${String(now - 3_600_000).padStart(20, '0')}-abcdef12`);
    const undated = markAttribute('shard-local');
    for (const name of [old, recent, undated]) {
      expect(name.startsWith(markPrefix)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(20);
    }
    const item = { [old]: seq(1), [recent]: seq(2), [undated]: seq(3), uses_1980: 4 };
    expect(staleMarks(item, now, recent)).toEqual([old]);
    expect(staleMarks(item, now, old)).toEqual([]);
  });
});

describe('card days', () => {
  const card = { cardNumber: 'c', day: '2026-03-10', areaId: 'home' };
  const step = (sign: 1 | -1, areaId = 'a') => ({ sign, areaId });

  it('raises a flag once the day passes the limit, with the last counts', () => {
    const { after, flags } = stepsOfDay({ uses: 4, areas: ['a'] }, [step(1), step(1), step(1)], card, limits);
    expect(after).toEqual({ uses: 7, areas: ['a'] });
    expect(flags).toEqual([
      { flag: expect.objectContaining({ reason: 'many-uses', uses: 7 }), listed: true },
    ]);
  });

  it('withdraws a flag a void takes back, and passes over a void of a day never counted', () => {
    expect(stepsOfDay({ uses: 6, areas: ['a'] }, [step(-1)], card, limits).flags).toEqual([
      { flag: expect.objectContaining({ reason: 'many-uses', uses: 5 }), listed: false },
    ]);
    expect(stepsOfDay(undefined, [step(-1)], card, limits)).toEqual({ after: undefined, flags: [] });
    expect(stepsOfDay(undefined, [step(1), step(-1)], card, limits).after).toEqual({ uses: 0, areas: ['a'] });
  });

  it('raises many-areas in a third area', () => {
    const { flags } = stepsOfDay(undefined, [step(1, 'a'), step(1, 'b'), step(1, 'c')], card, limits);
    expect(flags.map((f) => f.flag.reason)).toEqual(['many-areas']);
  });

  it('says how full a day may be for the steps to touch no flag', () => {
    expect(unflaggedRoom([step(1), step(1)], limits)).toEqual({ maxUsesBefore: 3, newAreas: ['a'] });
    expect(unflaggedRoom([step(1), step(-1), step(1)], limits)).toEqual({
      maxUsesBefore: 4,
      newAreas: ['a'],
    });
    expect(unflaggedRoom(Array(6).fill(step(1)), limits)).toBeUndefined();
    expect(unflaggedRoom([step(1, 'a'), step(1, 'b'), step(1, 'c')], limits)).toBeUndefined();
  });
});
