// The exact figures of every period closed on D, from the counters of each area: summed by month once,
// then months into quarters and years. Pure, like assemble.ts.
import { helsinkiDate } from '../../lib/dates.ts';
import {
  type ClosedAgeFigures,
  type ClosedPeriodFigures,
  type CountColumn,
  type Counts,
  countColumns,
  type LateJoin,
} from '../model/closed-figures.ts';
import { closedPeriodsOn, lastDayOf, monthsOf, yearOf } from '../model/closed-periods.ts';
import { type AgeGroup, ageGroupOf, ageGroups } from '../model/figures.ts';
import type { AreaSnapshotRows } from './area-rows.ts';

interface MonthTotals {
  readonly counts: Record<CountColumn, number>;
  readonly registeredByBirthYear: Map<string, number>;
  readonly usesByBirthYear: Map<string, number>;
}

function emptyMonth(): MonthTotals {
  return {
    counts: Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<CountColumn, number>,
    registeredByBirthYear: new Map(),
    usesByBirthYear: new Map(),
  };
}

function addTo(map: Map<string, number>, entries: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(entries)) map.set(key, (map.get(key) ?? 0) + value);
}

/** An area's counters summed by month (YYYY-MM); months without any counter are absent. */
function monthTotals(area: AreaSnapshotRows): Map<string, MonthTotals> {
  const months = new Map<string, MonthTotals>();
  const month = (day: string) => {
    const key = day.slice(0, 7);
    const found = months.get(key) ?? emptyMonth();
    months.set(key, found);
    return found;
  };
  for (const cards of area.rows.cards) {
    const totals = month(cards.day);
    totals.counts.cards_registered += cards.registered;
    totals.counts.cards_taken_into_use += cards.takenIntoUse;
    addTo(totals.registeredByBirthYear, cards.registeredByBirthYear);
  }
  for (const uses of area.rows.uses) {
    const { counts } = month(uses.day);
    counts[`${uses.sector}_adult_uses`] += uses.adultUses;
    counts[`${uses.sector}_child_uses`] += uses.childUses;
    counts.adult_uses += uses.adultUses;
    counts.child_uses += uses.childUses;
    counts.uses += uses.adultUses + uses.childUses;
  }
  for (const ages of area.rows.ages) addTo(month(ages.day).usesByBirthYear, ages.usesByBirthYear);
  return months;
}

function firstCountedDay(areas: readonly AreaSnapshotRows[]): string | undefined {
  const days = areas.flatMap((area) => [
    ...area.rows.cards.map((row) => row.day),
    ...area.rows.uses.map((row) => row.day),
    ...area.rows.ages.map((row) => row.day),
  ]);
  return days.length === 0 ? undefined : days.sort()[0];
}

/** The figures of every period closed on `date`, for every area that existed in it or counted in it. */
export function closedPeriodFigures(date: string, areas: readonly AreaSnapshotRows[]): ClosedPeriodFigures[] {
  const periods = closedPeriodsOn(date, firstCountedDay(areas));
  if (periods.length === 0) return [];
  const totals = areas.map((area) => ({ area, months: monthTotals(area) }));
  return periods.map((period) => {
    const months = monthsOf(period);
    const rows = totals.map(({ area, months: byMonth }) => {
      const parts = months.map((month) => byMonth.get(month) ?? emptyMonth());
      const counts = Object.fromEntries(
        countColumns.map((column) => [column, parts.reduce((sum, part) => sum + part.counts[column], 0)]),
      ) as Counts;
      return { area, parts, counts };
    });
    const included = rows.filter(
      ({ area, counts }) =>
        helsinkiDate(new Date(area.area.createdAt)) <= lastDayOf(period) ||
        countColumns.some((column) => counts[column] > 0),
    );
    const ageRows: ClosedAgeFigures[] =
      period === yearOf(period) ? included.flatMap(({ area, parts }) => ageFigures(period, area, parts)) : [];
    const lateJoins = months.length === 1 ? lateJoinsOf(period, areas) : [];
    return {
      period,
      areas: included.map(({ area, counts }) => ({
        areaId: area.area.areaId,
        areaName: area.area.name,
        counts,
      })),
      ageGroups: ageRows,
      ...(lateJoins.length > 0 && { lateJoins }),
    };
  });
}

/**
 * Areas that joined in `month` after its first day, by join day, with the national figures from that
 * day to the month's end: what the daily national files (national.json of each night) let a reader
 * work out, and so what the disclosure audit must hold against their first month's counts.
 */
function lateJoinsOf(month: string, areas: readonly AreaSnapshotRows[]): LateJoin[] {
  const byDay = new Map<string, string[]>();
  for (const { area } of areas) {
    const day = helsinkiDate(new Date(area.createdAt));
    if (day.slice(0, 7) !== month || day === `${month}-01`) continue;
    byDay.set(day, [...(byDay.get(day) ?? []), area.areaId]);
  }
  return [...byDay.keys()].sort().map((day) => {
    const counts = Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<
      CountColumn,
      number
    >;
    const inside = (other: string) => other >= day && other.slice(0, 7) === month;
    for (const area of areas) {
      for (const cards of area.rows.cards)
        if (inside(cards.day)) {
          counts.cards_registered += cards.registered;
          counts.cards_taken_into_use += cards.takenIntoUse;
        }
      for (const uses of area.rows.uses)
        if (inside(uses.day)) {
          counts[`${uses.sector}_adult_uses`] += uses.adultUses;
          counts[`${uses.sector}_child_uses`] += uses.childUses;
          counts.adult_uses += uses.adultUses;
          counts.child_uses += uses.childUses;
          counts.uses += uses.adultUses + uses.childUses;
        }
    }
    return { day, areaIds: byDay.get(day)!.sort(), nationalFrom: counts };
  });
}

/** Age = the period's year minus the birth year, so that a year's file never changes once published. */
function ageFigures(year: string, area: AreaSnapshotRows, parts: readonly MonthTotals[]): ClosedAgeFigures[] {
  const totals = Object.fromEntries(
    ageGroups.map((group) => [group, { cards_registered: 0, uses: 0 }]),
  ) as Record<AgeGroup, { cards_registered: number; uses: number }>;
  const lastDay = `${year}-12-31`;
  for (const part of parts) {
    for (const [birthYear, count] of part.registeredByBirthYear)
      totals[ageGroupOf(birthYear, lastDay)].cards_registered += count;
    for (const [birthYear, count] of part.usesByBirthYear)
      totals[ageGroupOf(birthYear, lastDay)].uses += count;
  }
  return ageGroups.map((ageGroup) => ({ areaId: area.area.areaId, ageGroup, ...totals[ageGroup] }));
}
