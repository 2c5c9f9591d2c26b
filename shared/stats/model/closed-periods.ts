// Closed periods: the calendar months, quarters and years whose figures by area partners get
// (docs/api.md, "Snapshot files"). A period is closed 75 days after its last day: 60 days of late entry
// and 14 of voiding have passed, and one to spare, so its counters no longer change.
import { addDays, nextMonth } from '../../lib/dates.ts';
import { byCodeUnits } from './figures.ts';

/** Days after a period's last day until it is closed. */
export const closingDelayDays = 75;

export type PeriodKind = 'month' | 'quarter' | 'year';

const patterns: Record<PeriodKind, RegExp> = {
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarter: /^\d{4}-Q[1-4]$/,
  year: /^\d{4}$/,
};

export function periodKind(period: string): PeriodKind {
  for (const kind of ['month', 'quarter', 'year'] as const) if (patterns[kind].test(period)) return kind;
  throw new Error(`${period} is not a closed period (YYYY-MM, YYYY-Qn or YYYY)`);
}

export function isClosedPeriodKey(period: string): boolean {
  return Object.values(patterns).some((pattern) => pattern.test(period));
}

/** The calendar year a period belongs to: the unit the audit works in (no sum crosses a year). */
export function yearOf(period: string): string {
  return period.slice(0, 4);
}

/** The months of a period, in order. */
export function monthsOf(period: string): string[] {
  const year = yearOf(period);
  const kind = periodKind(period);
  if (kind === 'month') return [period];
  const first = kind === 'year' ? 1 : (Number(period.slice(6)) - 1) * 3 + 1;
  const count = kind === 'year' ? 12 : 3;
  return Array.from({ length: count }, (_, index) => `${year}-${String(first + index).padStart(2, '0')}`);
}

/** A period's parts a reader can add up to it: a quarter's months, a year's quarters. */
export function partsOf(period: string): string[] {
  const kind = periodKind(period);
  if (kind === 'quarter') return monthsOf(period);
  if (kind === 'year') return [1, 2, 3, 4].map((quarter) => `${period}-Q${quarter}`);
  return [];
}

export function lastDayOf(period: string): string {
  return addDays(`${nextMonth(monthsOf(period).at(-1)!)}-01`, -1);
}

/** The first day on which the period is closed (its figures may be published). */
export function closesOn(period: string): string {
  return addDays(lastDayOf(period), closingDelayDays);
}

const kindOrder: Record<PeriodKind, number> = { month: 0, quarter: 1, year: 2 };

/** Chronological by last day; a month before the quarter and the year that end with it. */
export function byPeriod(a: string, b: string): number {
  return byCodeUnits(lastDayOf(a), lastDayOf(b)) || kindOrder[periodKind(a)] - kindOrder[periodKind(b)];
}

/**
 * Every period closed on `date`, from January of the year of `firstDay` (the first day anything was
 * counted): whole years, so that a reader can add months up to each quarter and year published.
 */
export function closedPeriodsOn(date: string, firstDay: string | undefined): string[] {
  if (firstDay === undefined || firstDay > date) return [];
  const found: string[] = [];
  for (let month = `${yearOf(firstDay)}-01`; closesOn(month) <= date; month = nextMonth(month)) {
    found.push(month);
    const number = Number(month.slice(5));
    if (number % 3 === 0) found.push(`${yearOf(month)}-Q${number / 3}`);
    if (number === 12) found.push(yearOf(month));
  }
  return found.filter((period) => closesOn(period) <= date).sort(byPeriod);
}
