import { describe, expect, it } from 'vitest';
import type { Area } from '../../../shared/domain/organisations.ts';
import {
  activeOn,
  ageGroupOf,
  municipalitiesOn,
  rangeFigures,
  snapshotInput,
} from '../../../shared/stats/counting/assemble.ts';
import { buildSnapshot } from '../../../shared/stats/snapshot/files.ts';
import type { AggregateRows } from '../../../shared/store/stats.ts';

const area = (areaId: string, createdAt: string, status: 'active' | 'inactive' = 'active'): Area => ({
  areaId,
  name: `Area ${areaId}`,
  municipalityCodes: ['049', '092'],
  welfareArea: 'LU',
  status,
  createdAt,
});

describe('age groups', () => {
  it('take the age as the snapshot year minus the birth year', () => {
    const date = '2026-03-01';
    expect(ageGroupOf('2010', date)).toBe('16-17');
    expect(ageGroupOf('2009', date)).toBe('16-17');
    expect(ageGroupOf('2008', date)).toBe('18-29');
    expect(ageGroupOf('1997', date)).toBe('18-29');
    expect(ageGroupOf('1996', date)).toBe('30-44');
    expect(ageGroupOf('1982', date)).toBe('30-44');
    expect(ageGroupOf('1981', date)).toBe('45-64');
    expect(ageGroupOf('1962', date)).toBe('45-64');
    expect(ageGroupOf('1961', date)).toBe('65+');
    expect(ageGroupOf('unknown', date)).toBe('unknown');
  });
});

describe('states on a day', () => {
  it('counts municipalities of areas that are active and existed on the day (Helsinki day)', () => {
    // 22:30 UTC on 31 Jan is already 1 Feb in Helsinki.
    expect(municipalitiesOn(area('a', '2026-01-31T22:30:00.000Z'), '2026-01-31')).toBe(0);
    expect(municipalitiesOn(area('a', '2026-01-31T22:30:00.000Z'), '2026-02-01')).toBe(2);
    expect(municipalitiesOn(area('a', '2026-01-01T10:00:00.000Z', 'inactive'), '2026-02-01')).toBe(0);
  });

  it('sums active deltas up to the day', () => {
    const cards = [
      { day: '2026-01-01', registered: 2, registeredByBirthYear: {}, activeDelta: 2, takenIntoUse: 0 },
      { day: '2026-02-01', registered: 0, registeredByBirthYear: {}, activeDelta: -1, takenIntoUse: 0 },
      { day: '2027-01-01', registered: 0, registeredByBirthYear: {}, activeDelta: -1, takenIntoUse: 0 },
    ];
    expect(activeOn(cards, '2025-12-31')).toBe(0);
    expect(activeOn(cards, '2026-01-31')).toBe(2);
    expect(activeOn(cards, '2026-02-01')).toBe(1);
  });
});

describe('figures from counters', () => {
  const rows: AggregateRows = {
    cards: [
      {
        day: '2025-12-30',
        registered: 3,
        registeredByBirthYear: { '1980': 2, unknown: 1 },
        activeDelta: 3,
        takenIntoUse: 0,
      },
      {
        day: '2026-01-02',
        registered: 1,
        registeredByBirthYear: { '2009': 1 },
        activeDelta: 1,
        takenIntoUse: 0,
      },
    ],
    uses: [
      { day: '2025-12-31', sector: 'culture' as const, adultUses: 2, childUses: 1 },
      { day: '2026-01-02', sector: 'sport' as const, adultUses: 1, childUses: 0 },
      { day: '2026-01-03', sector: 'sport' as const, adultUses: 5, childUses: 5 },
    ],
    ages: [{ day: '2026-01-02', usesByBirthYear: { '1980': 1 } }],
  };

  it('sums events inside the range and counts states on its last day', () => {
    const figures = rangeFigures('2025-12-31', '2026-01-02', [
      { area: area('a', '2025-01-01T00:00:00Z'), rows, takenIntoUse: 2 },
    ]);
    expect(figures).toMatchObject({
      cardsRegistered: 1,
      cardsActive: 4,
      cardsTakenIntoUse: 2,
      uses: 4,
      adultUses: 3,
      childUses: 1,
      municipalities: 2,
    });
    expect(figures.bySector.culture).toEqual({ adultUses: 2, childUses: 1 });
    expect(figures.bySector.sport).toEqual({ adultUses: 1, childUses: 0 });
  });

  it('make a snapshot input that buildSnapshot accepts, national = sum of areas', async () => {
    const taken = { day: 1, month: 1, year: 1, all: 2 };
    const input = snapshotInput(
      '2026-01-02',
      [
        { area: area('b', '2025-01-01T00:00:00Z'), rows, takenIntoUse: taken },
        { area: area('a', '2025-01-01T00:00:00Z'), rows, takenIntoUse: taken },
        // Created later and nothing counted: not in this snapshot.
        {
          area: area('c', '2026-02-01T00:00:00Z'),
          rows: { cards: [], uses: [], ages: [] },
          takenIntoUse: { day: 0, month: 0, year: 0, all: 0 },
        },
      ],
      { table: 't' },
    );
    expect(input.areas.map((a) => a.areaId)).toEqual(['b', 'a']);
    expect(input.national.all).toMatchObject({
      cardsRegistered: 8,
      cardsActive: 8,
      uses: 8,
      municipalities: 4,
    });
    expect(input.national.year).toMatchObject({ cardsRegistered: 2, uses: 2, cardsTakenIntoUse: 2 });
    expect(input.monthly.map((m) => m.month)).toEqual(['2025-12', '2026-01']);
    const ages = input.ageGroups.filter((row) => row.areaId === 'a' && row.period === 'all');
    expect(ages.find((row) => row.ageGroup === '45-64')).toMatchObject({ cardsRegistered: 2, uses: 1 });
    expect(ages.find((row) => row.ageGroup === '16-17')).toMatchObject({ cardsRegistered: 1, uses: 0 });
    expect(ages.find((row) => row.ageGroup === 'unknown')).toMatchObject({ cardsRegistered: 1 });
    const snapshot = await buildSnapshot(input, { generatedAt: '2026-01-03T00:30:00.000Z' });
    expect(snapshot.objects.at(-1)!.key).toBe('snapshots/latest.json');
    // Periods closed 75 days after their last day, from January of the first year counted: up to
    // September and the third quarter, all zero (the first count is of 30 December).
    expect(input.closedPeriods!.map((period) => period.period).at(-1)).toBe('2025-Q3');
    expect(input.closedPeriods!.every((period) => period.areas.every((row) => row.counts.uses === 0))).toBe(
      true,
    );
    expect(snapshot.manifest.files.map((file) => file.name)).toContain('partner/areas/2025-Q3.csv');
  });

  it('give the figures of every period closed on the day, from January of the first year counted', () => {
    const taken = { day: 0, month: 0, year: 0, all: 0 };
    const withTaken: AggregateRows = {
      ...rows,
      cards: rows.cards.map((card) => ({ ...card, takenIntoUse: 1 })),
      ages: [{ day: '2025-12-01', usesByBirthYear: { '1980': 2, unknown: 1 } }, ...rows.ages],
    };
    const input = snapshotInput(
      '2026-03-16',
      [
        { area: area('a', '2025-01-01T00:00:00Z'), rows: withTaken, takenIntoUse: taken },
        {
          area: area('c', '2026-02-01T00:00:00Z'),
          rows: { cards: [], uses: [], ages: [] },
          takenIntoUse: taken,
        },
      ],
      { table: 't' },
    );
    const closed = input.closedPeriods!;
    expect(closed.map((period) => period.period)).toEqual([
      '2025-01',
      '2025-02',
      '2025-03',
      '2025-Q1',
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-Q2',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-Q3',
      '2025-10',
      '2025-11',
      '2025-12',
      '2025-Q4',
      '2025',
    ]);
    const december = closed.find((period) => period.period === '2025-12')!;
    // Area c did not exist in 2025 and counted nothing then.
    expect(december.areas.map((row) => row.areaId)).toEqual(['a']);
    expect(december.areas[0]!.counts).toMatchObject({
      cards_registered: 3,
      cards_taken_into_use: 1,
      uses: 3,
      adult_uses: 2,
      child_uses: 1,
      culture_adult_uses: 2,
      culture_child_uses: 1,
      sport_adult_uses: 0,
    });
    const year = closed.find((period) => period.period === '2025')!;
    expect(year.areas[0]!.counts).toEqual(december.areas[0]!.counts);
    // Ages as of the period's own year: born 1980 is 45 in 2025.
    const ages = Object.fromEntries(year.ageGroups.map((row) => [row.ageGroup, row]));
    expect(ages['45-64']).toMatchObject({ cards_registered: 2, uses: 2 });
    expect(ages.unknown).toMatchObject({ cards_registered: 1, uses: 1 });
    expect(closed.find((period) => period.period === '2025-Q3')!.areas[0]!.counts.uses).toBe(0);
  });
});
