import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { changesOf } from '../../functions/jobs/count-from-stream.ts';
import {
  areasTally,
  cardDayKeptDays,
  dayChanges,
  type FlagLimits,
  isTally,
  staleTallies,
  tallyDay,
  tallyRemovalDays,
  tallyRemovals,
  usesTally,
} from '../../shared/domain/flags.ts';
import {
  type Change,
  type CounterKeys,
  markAttribute,
  markPrefix,
  markValue,
  notCovered,
  paddedSequence,
  planBatch,
  sequenceRange,
  staleMarks,
  sumAdds,
} from '../../shared/domain/stream-batch.ts';
import type { Usage } from '../../shared/domain/usages.ts';
import { addDays } from '../../shared/lib/dates.ts';

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
    const cards = new Map([['c0', { birthYear: 1980 }]]);
    const plan = planBatch(changes, cards, keys, limits);
    // One area-day, one age day, one age month, one taken-into-use (a use's card day is in its card).
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
    expect(plan.flags).toEqual([]);
    expect(plan.prunes).toEqual([]);
  });

  it('ignores records that change no counter', () => {
    expect(planBatch([{ seq: seq(1), change: { kind: 'none' } }], new Map(), keys, limits)).toEqual({
      sums: [],
      flags: [],
      prunes: [],
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
    // A mark as written (`<seq>@<time>`) covers by its sequence number alone.
    expect(notCovered(contributions, markValue(seq(2), Date.now())).map((c) => c.value.x)).toEqual([3, 4]);
    expect(markValue(seq(3), Date.now()) < seq(4)).toBe(true);
    expect(markValue(seq(3), Date.now()) < seq(3)).toBe(false);
  });

  it('takes the range of contributions delivered in any order', () => {
    const shuffled = [5, 3, 9, 4].map((n) => ({ seq: seq(n), value: {} }));
    expect(sequenceRange(shuffled)).toEqual({ first: seq(3), last: seq(9) });
  });

  it('names a shard briefly whatever the form of its id, and finds the marks no record can need any more', () => {
    const now = Date.parse('2026-03-10T00:00:00Z');
    const names = ['shardId-00000001741564800000-abcdef12', 'shard-local', 'x'].map(markAttribute);
    for (const name of names) {
      expect(name.startsWith(markPrefix)).toBe(true);
      expect(name.length).toBeLessThanOrEqual(12);
    }
    const [lastWeek, anHourAgo, legacy] = names as [string, string, string];
    const item = {
      [lastWeek]: markValue(seq(1), now - 7 * 86_400_000),
      [anHourAgo]: markValue(seq(2), now - 3_600_000),
      // Written by an older consumer, without a time: nothing says it is recent.
      [legacy]: seq(3),
      uses_1980: 4,
    };
    expect(staleMarks(item, now, anHourAgo).sort()).toEqual([lastWeek, legacy].sort());
    expect(staleMarks(item, now, lastWeek)).toEqual([legacy]);
    // Written just inside the stream's day of retention (plus an hour): kept.
    expect(staleMarks({ [lastWeek]: markValue(seq(1), now - 24 * 3_600_000) }, now, anHourAgo)).toEqual([]);
  });
});

describe("a card's days, tallied in the card", () => {
  const day = '2026-03-10';
  const card = (tallies: Record<string, [number, string[]]>, extra: Record<string, unknown> = {}) => ({
    pk: 'CARD#c',
    sk: 'CARD',
    entity: 'card',
    cardNumber: 'c',
    areaId: 'home',
    useCount: 1,
    ...extra,
    ...Object.fromEntries(
      Object.entries(tallies).flatMap(([d, [uses, areas]]) => [
        [usesTally(d), uses],
        [areasTally(d), new Set(areas)],
      ]),
    ),
  });
  const record = (before: Record<string, unknown>, after: Record<string, unknown>, today = day) =>
    changesOf(
      'MODIFY',
      marshall(before, { convertEmptyValues: false }) as never,
      marshall(after) as never,
      today,
    );
  const plan = (changes: ReturnType<typeof record>[]) =>
    planBatch(
      changes.flatMap((found, i) => found.map((change) => ({ seq: seq(i + 1), change }))),
      new Map(),
      keys,
      limits,
    );

  it('names tallies by the day, without placeholders, and reads the day back', () => {
    expect(usesTally(day)).toBe('du_20260310');
    expect(areasTally(day)).toBe('da_20260310');
    expect(tallyDay('da_20260310')).toBe(day);
    expect(isTally('useCount')).toBe(false);
    expect(isTally('du_2026031')).toBe(false);
  });

  it('raises many-uses when a use passes the limit, and nothing up to it', () => {
    expect(plan([record(card({ [day]: [4, ['a']] }), card({ [day]: [5, ['a']] }))]).flags).toEqual([]);
    expect(plan([record(card({ [day]: [5, ['a']] }), card({ [day]: [6, ['a']] }))]).flags).toEqual([
      {
        seq: seq(1),
        listed: true,
        flag: { cardNumber: 'c', day, reason: 'many-uses', uses: 6, areas: 1, areaId: 'home' },
      },
    ]);
  });

  it('withdraws it when a void takes the day back to the limit', () => {
    expect(plan([record(card({ [day]: [6, ['a']] }), card({ [day]: [5, ['a']] }))]).flags).toEqual([
      expect.objectContaining({
        listed: false,
        flag: expect.objectContaining({ reason: 'many-uses', uses: 5 }),
      }),
    ]);
  });

  it('raises many-areas in a third area; areas are never taken back', () => {
    const third = plan([record(card({ [day]: [2, ['a', 'b']] }), card({ [day]: [3, ['a', 'b', 'c']] }))]);
    expect(third.flags.map((write) => [write.flag.reason, write.flag.areas, write.listed])).toEqual([
      ['many-areas', 3, true],
    ]);
    const voided = plan([
      record(card({ [day]: [3, ['a', 'b', 'c']] }), card({ [day]: [2, ['a', 'b', 'c']] })),
    ]);
    expect(voided.flags.map((write) => [write.flag.reason, write.flag.uses, write.listed])).toEqual([
      ['many-areas', 2, true],
    ]);
  });

  it('judges each day on its own: a late entry counts in its own day only', () => {
    const late = addDays(day, -45);
    const found = record(
      card({ [day]: [5, ['a']], [late]: [5, ['a']] }),
      card({ [day]: [5, ['a']], [late]: [6, ['a']] }),
    );
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'cardDays',
        days: [{ day: late, before: { uses: 5, areas: ['a'] }, after: { uses: 6, areas: ['a'] } }],
      }),
    ]);
    expect(plan([found]).flags.map((write) => write.flag.day)).toEqual([late]);
  });

  it('keeps per flag the last outcome of the batch', () => {
    const batch = plan([
      record(card({ [day]: [5, ['a']] }), card({ [day]: [6, ['a']] })),
      record(card({ [day]: [6, ['a']] }), card({ [day]: [5, ['a']] })),
    ]);
    expect(batch.flags).toEqual([expect.objectContaining({ seq: seq(2), listed: false })]);
  });

  it('sees no change in a change of anything else, or in a day removed', () => {
    expect(record(card({ [day]: [6, ['a']] }), card({ [day]: [6, ['a']] }, { useCount: 9 }))).toEqual([]);
    expect(
      record(card({ [day]: [6, ['a']], '2026-01-01': [1, ['a']] }), card({ [day]: [6, ['a']] })),
    ).toEqual([]);
    // A void of a use never tallied (a bulk load's) reads as no use.
    expect(dayChanges(card({}), card({ [day]: [-1, []] }))).toEqual([]);
  });

  it('counts a first use and its day from one record', () => {
    const found = record(card({}), card({ [day]: [1, ['a']] }, { firstUsedOn: day }));
    expect(found.map((change) => change.kind)).toEqual(['firstUse', 'cardDays']);
  });

  it("removes days too old to change: a use's write the month before the kept days, the consumer the rest", () => {
    const oldest = addDays(day, -cardDayKeptDays);
    const removals = tallyRemovals(day);
    expect(removals).toHaveLength(2 * tallyRemovalDays);
    expect(removals).toContain(usesTally(addDays(oldest, -1)));
    expect(removals).not.toContain(usesTally(oldest));
    expect(removals).toContain(areasTally(addDays(oldest, -tallyRemovalDays)));
    // A use may be recorded 60 days late and voided 14 days after: its day is never removed before.
    expect(cardDayKeptDays).toBeGreaterThan(60 + 14);
    const item = card({ [oldest]: [1, ['a']], [addDays(oldest, -1)]: [1, ['a']], '2025-01-01': [2, ['a']] });
    expect(staleTallies(item, day).sort()).toEqual(
      [usesTally(addDays(oldest, -1)), areasTally(addDays(oldest, -1)), 'da_20250101', 'du_20250101'].sort(),
    );
    const found = record(card({}), { ...item, useCount: 2 });
    expect(plan([found]).prunes).toEqual([{ seq: seq(1), cardNumber: 'c', names: staleTallies(item, day) }]);
  });

  it('keeps an ordinary card small: ten days of the kept window', () => {
    const tallies = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [
        addDays(day, -7 * i),
        [2, ['a0123456789abcdefghijk']] as [number, string[]],
      ]),
    );
    const bytes = Object.entries(card(tallies))
      .filter(([name]) => isTally(name))
      .reduce(
        (sum, [name, value]) =>
          sum + name.length + (value instanceof Set ? [...value].join('').length + 1 : 2),
        0,
      );
    // The card item the bench measures is about 354 bytes; with ten days it stays under 1 KB.
    expect(354 + bytes).toBeLessThan(1024);
  });
});
