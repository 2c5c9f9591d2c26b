// Consistent snapshot inputs made from random per-day counters: the same seed always gives the same
// input, so a failing case can be replayed from its seed.

import { mulberry32 } from '../../../infra/local/seeded-random.ts';
import { addDays } from '../../../shared/lib/dates.ts';
import {
  type DayCounters,
  inPeriod,
  sumMonths,
  sumPeriods,
} from '../../../shared/stats/counting/counters.ts';
import {
  type AgeGroup,
  type AgeGroupFigures,
  type AreaFigures,
  ageGroups,
  periods,
  sectors,
} from '../../../shared/stats/model/figures.ts';
import type { SnapshotInput } from '../../../shared/stats/model/input.ts';

/** mulberry32: small, seedable, good enough to spread test cases. */
export function prng(seed: number): () => number {
  return mulberry32(seed);
}

export function randomInt(random: () => number, max: number): number {
  return Math.floor(random() * (max + 1));
}

export function shuffle<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(random, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

interface AreaDay extends DayCounters {
  readonly byAge: Record<AgeGroup, { cardsRegistered: number; uses: number }>;
}

function split(random: () => number, total: number): Record<AgeGroup, number> {
  const parts = Object.fromEntries(ageGroups.map((group) => [group, 0])) as Record<AgeGroup, number>;
  for (let i = 0; i < total; i++) parts[ageGroups[randomInt(random, ageGroups.length - 1)]!]++;
  return parts;
}

function areaDays(random: () => number, date: string, history: number, activity: number): AreaDay[] {
  const days: AreaDay[] = [];
  // A few days after D too: the snapshot of D must leave them out.
  for (let back = history; back >= -3; back--) {
    if (random() > activity) continue;
    const day = addDays(date, -back);
    const bySector = Object.fromEntries(
      sectors.map((sector) => [
        sector,
        {
          adultUses: randomInt(random, 3) * randomInt(random, 1),
          childUses: randomInt(random, 2) * randomInt(random, 1),
        },
      ]),
    ) as DayCounters['bySector'];
    const cardsRegistered = randomInt(random, 3);
    const uses = sectors.reduce((sum, s) => sum + bySector[s]!.adultUses + bySector[s]!.childUses, 0);
    const registered = split(random, cardsRegistered);
    const used = split(random, uses);
    days.push({
      day,
      cardsRegistered,
      cardsTakenIntoUse: randomInt(random, Math.min(cardsRegistered, 2)),
      bySector,
      byAge: Object.fromEntries(
        ageGroups.map((group) => [group, { cardsRegistered: registered[group], uses: used[group] }]),
      ) as AreaDay['byAge'],
    });
  }
  return days;
}

export interface SampleOptions {
  readonly date?: string;
  readonly areas?: number;
  /** Days of history before D. */
  readonly history?: number;
  /** Chance that an area has any events on a day. */
  readonly activity?: number;
}

export function sampleInput(seed: number, options: SampleOptions = {}): SnapshotInput {
  const random = prng(seed);
  const date = options.date ?? '2025-03-14';
  const count = options.areas ?? 6;
  const allDays: AreaDay[] = [];
  const areas: AreaFigures[] = [];
  const rows: AgeGroupFigures[] = [];
  let cardsActive = 0;
  let municipalities = 0;
  for (let index = 0; index < count; index++) {
    const areaId = `A${String(index + 1).padStart(3, '0')}`;
    const days = areaDays(random, date, options.history ?? 500, options.activity ?? 0.3);
    allDays.push(...days);
    const state = {
      cardsActive: randomInt(random, 40) * randomInt(random, 1),
      municipalities: 1 + randomInt(random, 4),
    };
    cardsActive += state.cardsActive;
    municipalities += state.municipalities;
    areas.push({
      areaId,
      areaName: `Alue ${index + 1}, "Pohjois-Savo" & Co`,
      periods: sumPeriods(date, days, state),
    });
    for (const period of periods)
      for (const ageGroup of ageGroups) {
        const inside = days.filter((day) => inPeriod(date, period, day.day));
        rows.push({
          period,
          areaId,
          ageGroup,
          cardsRegistered: inside.reduce((sum, day) => sum + day.byAge[ageGroup].cardsRegistered, 0),
          uses: inside.reduce((sum, day) => sum + day.byAge[ageGroup].uses, 0),
        });
      }
  }
  return {
    date,
    areas,
    national: sumPeriods(date, allDays, { cardsActive, municipalities }),
    monthly: sumMonths(date, allDays),
    ageGroups: rows,
    source: { table: 'kaiku-test', counters: 'daily', seed },
  };
}
