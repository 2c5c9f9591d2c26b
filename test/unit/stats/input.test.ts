import { describe, expect, it } from 'vitest';
import { sumMonths, sumPeriods } from '../../../shared/stats/counting/counters.ts';
import type { SnapshotInput } from '../../../shared/stats/model/input.ts';
import { prepareInput, SnapshotInputError } from '../../../shared/stats/model/input.ts';
import { sampleInput } from './support.ts';

const uses = (culture: [number, number], sport: [number, number] = [0, 0]) => ({
  culture: { adultUses: culture[0], childUses: culture[1] },
  sport: { adultUses: sport[0], childUses: sport[1] },
});

describe('per-day counters', () => {
  const days = [
    { day: '2024-12-31', cardsRegistered: 5, cardsTakenIntoUse: 1, bySector: uses([2, 1]) },
    { day: '2025-02-10', cardsRegistered: 2, cardsTakenIntoUse: 2, bySector: uses([1, 0], [0, 3]) },
    { day: '2025-03-01', cardsRegistered: 1, cardsTakenIntoUse: 0, bySector: uses([4, 4]) },
    { day: '2025-03-14', cardsRegistered: 3, cardsTakenIntoUse: 1, bySector: uses([0, 0], [1, 1]) },
    { day: '2025-03-15', cardsRegistered: 9, cardsTakenIntoUse: 9, bySector: uses([9, 9]) },
  ];

  it('add up events inside each period and count states on D', () => {
    const periods = sumPeriods('2025-03-14', days, { cardsActive: 30, municipalities: 4 });
    expect(periods.day).toMatchObject({
      cardsRegistered: 3,
      uses: 2,
      adultUses: 1,
      childUses: 1,
      cardsActive: 30,
    });
    expect(periods.month).toMatchObject({ cardsRegistered: 4, cardsTakenIntoUse: 1, uses: 10 });
    expect(periods.year).toMatchObject({ cardsRegistered: 6, cardsTakenIntoUse: 3, uses: 14 });
    expect(periods.all).toMatchObject({ cardsRegistered: 11, uses: 17, municipalities: 4 });
    expect(periods.all.bySector.culture).toEqual({ adultUses: 7, childUses: 5 });
    expect(periods.all.bySector.education).toEqual({ adultUses: 0, childUses: 0 });
  });

  it('give national uses per month up to D', () => {
    expect(sumMonths('2025-03-14', days).map((row) => [row.month, row.adultUses, row.childUses])).toEqual([
      ['2024-12', 2, 1],
      ['2025-02', 1, 3],
      ['2025-03', 5, 5],
    ]);
  });
});

describe('snapshot input', () => {
  const input = sampleInput(3, { areas: 3 });

  it('fills months without uses and every age group', () => {
    const prepared = prepareInput({ ...input, monthly: input.monthly.filter((_, index) => index % 2 === 0) });
    expect(prepared.monthly.map((row) => row.month)).toEqual(input.monthly.map((row) => row.month));
    expect(prepared.ageGroups).toHaveLength(4 * 3 * 6);
    const sparse = prepareInput({ ...input, ageGroups: [] });
    expect(sparse.ageGroups.every((row) => row.cardsRegistered === 0 && row.uses === 0)).toBe(true);
  });

  const broken: [string, (input: SnapshotInput) => SnapshotInput, RegExp][] = [
    ['a day that does not exist', (i) => ({ ...i, date: '2025-02-29' }), /date/],
    [
      'uses that are not adult plus child uses',
      (i) => ({
        ...i,
        national: { ...i.national, day: { ...i.national.day, uses: i.national.day.uses + 1 } },
      }),
      /national day: uses is not/,
    ],
    [
      'a negative count',
      (i) => ({ ...i, national: { ...i.national, all: { ...i.national.all, cardsActive: -1 } } }),
      /whole numbers/,
    ],
    ['the same area twice', (i) => ({ ...i, areas: [...i.areas, i.areas[0]!] }), /unique/],
    [
      'a month after D',
      (i) => ({ ...i, monthly: [...i.monthly, { ...i.monthly[0]!, month: '2025-04' }] }),
      /not after/,
    ],
    [
      'an age group of an unknown area',
      (i) => ({
        ...i,
        ageGroups: [{ period: 'day', areaId: 'X', ageGroup: '65+', cardsRegistered: 1, uses: 0 }],
      }),
      /unknown period, age group or area/,
    ],
  ];

  it.each(broken)('refuses %s', (_, change, message) => {
    expect(() => prepareInput(change(input))).toThrow(SnapshotInputError);
    expect(() => prepareInput(change(input))).toThrow(message);
  });
});
