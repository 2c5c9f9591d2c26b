// From the counters read for each area to the figures of the summary and of a snapshot. Pure: the
// reading is in shared/store/stats.ts, the orchestration in summary.ts and ../snapshot/snapshot-job.ts.

import type { Area } from '../../domain/organisations.ts';
import { helsinkiDate } from '../../lib/dates.ts';
import type { AggregateRows, CardDay } from '../../store/stats.ts';
import {
  type AgeGroup,
  type AgeGroupFigures,
  type AreaFigures,
  ageGroupOf,
  ageGroups,
  type Figures,
  type JsonValue,
  type PeriodFigures,
  periods,
  sectors,
} from '../model/figures.ts';
import type { SnapshotInput } from '../model/input.ts';
import type { AreaSnapshotRows } from './area-rows.ts';
import { closedPeriodFigures } from './assemble-closed.ts';
import {
  type DayCounters,
  periodStart,
  type StateOnDay,
  sumMonths,
  sumPeriod,
  sumRange,
} from './counters.ts';

export { ageGroupOf };

/** Municipalities count on `day` when their area is active and already existed that day. */
export function municipalitiesOn(area: Area, day: string): number {
  if (area.status !== 'active') return 0;
  return helsinkiDate(new Date(area.createdAt)) <= day ? area.municipalityCodes.length : 0;
}

/** Cards active on `day`: every activity change on or before it, summed. */
export function activeOn(cards: readonly CardDay[], day: string): number {
  return cards.reduce((sum, counters) => (counters.day <= day ? sum + counters.activeDelta : sum), 0);
}

/** One DayCounters per day that has any counter; cards taken into use are counted apart. */
export function dayCounters(rows: AggregateRows): DayCounters[] {
  const days = new Map<string, { cardsRegistered: number; bySector: DayCounters['bySector'] }>();
  const entry = (day: string) => {
    let found = days.get(day);
    if (!found) {
      found = { cardsRegistered: 0, bySector: {} };
      days.set(day, found);
    }
    return found;
  };
  for (const cards of rows.cards) entry(cards.day).cardsRegistered += cards.registered;
  for (const uses of rows.uses)
    entry(uses.day).bySector = {
      ...entry(uses.day).bySector,
      [uses.sector]: { adultUses: uses.adultUses, childUses: uses.childUses },
    };
  return [...days.entries()].map(([day, counters]) => ({ day, cardsTakenIntoUse: 0, ...counters }));
}

export function addFigures(a: Figures, b: Figures): Figures {
  const sum = (pick: (figures: Figures) => number) => pick(a) + pick(b);
  return {
    cardsRegistered: sum((f) => f.cardsRegistered),
    cardsActive: sum((f) => f.cardsActive),
    cardsTakenIntoUse: sum((f) => f.cardsTakenIntoUse),
    uses: sum((f) => f.uses),
    adultUses: sum((f) => f.adultUses),
    childUses: sum((f) => f.childUses),
    bySector: Object.fromEntries(
      sectors.map((sector) => [
        sector,
        {
          adultUses: sum((f) => f.bySector[sector].adultUses),
          childUses: sum((f) => f.bySector[sector].childUses),
        },
      ]),
    ) as unknown as Figures['bySector'],
    municipalities: sum((f) => f.municipalities),
  };
}

export const zeroFigures: Figures = sumRange('', '', [], { cardsActive: 0, municipalities: 0 });

/** What the live summary needs of one area, read for the days `from` to `to`. */
export interface AreaRange {
  readonly area: Area;
  readonly rows: AggregateRows;
  readonly takenIntoUse: number;
}

/** `GET /v1/stats/summary`: events inside [from, to], states on `to`, summed over the areas given. */
export function rangeFigures(from: string, to: string, areas: readonly AreaRange[]): Figures {
  return areas.reduce((total, { area, rows, takenIntoUse }) => {
    const state: StateOnDay = {
      cardsActive: activeOn(rows.cards, to),
      municipalities: municipalitiesOn(area, to),
    };
    const figures = sumRange(from, to, dayCounters(rows), state);
    return addFigures(total, { ...figures, cardsTakenIntoUse: takenIntoUse });
  }, zeroFigures);
}

/** An area belongs in the snapshot of D once it exists on D, or once anything was counted for it. */
export function inSnapshot(date: string, area: AreaSnapshotRows): boolean {
  const { rows } = area;
  return (
    helsinkiDate(new Date(area.area.createdAt)) <= date ||
    rows.cards.length + rows.uses.length + rows.ages.length > 0 ||
    area.takenIntoUse.all > 0
  );
}

function ageRows(date: string, area: AreaSnapshotRows): AgeGroupFigures[] {
  const rows: AgeGroupFigures[] = [];
  for (const period of periods) {
    const from = periodStart(date, period);
    const inside = (day: string) => day >= from && day <= date;
    const totals = Object.fromEntries(ageGroups.map((group) => [group, { cards: 0, uses: 0 }])) as Record<
      AgeGroup,
      { cards: number; uses: number }
    >;
    for (const cards of area.rows.cards)
      if (inside(cards.day))
        for (const [year, count] of Object.entries(cards.registeredByBirthYear))
          totals[ageGroupOf(year, date)].cards += count;
    for (const ages of area.rows.ages)
      if (inside(ages.day))
        for (const [year, count] of Object.entries(ages.usesByBirthYear))
          totals[ageGroupOf(year, date)].uses += count;
    for (const ageGroup of ageGroups)
      rows.push({
        period,
        areaId: area.area.areaId,
        ageGroup,
        cardsRegistered: totals[ageGroup].cards,
        uses: totals[ageGroup].uses,
      });
  }
  return rows;
}

/** The SnapshotInput of day D from every area's counters; `buildSnapshot` does the rest. */
export function snapshotInput(
  date: string,
  areas: readonly AreaSnapshotRows[],
  source: { readonly [key: string]: JsonValue },
): SnapshotInput {
  const included = areas.filter((area) => inSnapshot(date, area));
  const allDays: DayCounters[] = [];
  const areaFigures: AreaFigures[] = included.map((area) => {
    const days = dayCounters(area.rows);
    allDays.push(...days);
    const state: StateOnDay = {
      cardsActive: activeOn(area.rows.cards, date),
      municipalities: municipalitiesOn(area.area, date),
    };
    const figures = Object.fromEntries(
      periods.map((period) => [
        period,
        { ...sumPeriod(date, period, days, state), cardsTakenIntoUse: area.takenIntoUse[period] },
      ]),
    ) as unknown as PeriodFigures;
    return { areaId: area.area.areaId, areaName: area.area.name, periods: figures };
  });
  const national = Object.fromEntries(
    periods.map((period) => [
      period,
      areaFigures.reduce((total, area) => addFigures(total, area.periods[period]), zeroFigures),
    ]),
  ) as unknown as PeriodFigures;
  return {
    date,
    areas: areaFigures,
    national,
    monthly: sumMonths(date, allDays),
    ageGroups: included.flatMap((area) => ageRows(date, area)),
    source,
    closedPeriods: closedPeriodFigures(date, included),
  };
}
