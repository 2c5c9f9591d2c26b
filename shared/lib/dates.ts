// Calendar days are Europe/Helsinki days ("today" in the contract), handled as YYYY-MM-DD strings.
import { now } from './clock.ts';

// Made on first use: building a time-zone formatter costs milliseconds that a cold start should not pay.
let helsinkiDay: Intl.DateTimeFormat | undefined;

export const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

export function helsinkiDate(instant: Date): string {
  helsinkiDay ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Helsinki',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return helsinkiDay.format(instant);
}

/**
 * The UTC instant a Helsinki day begins: 21:00 or 22:00 UTC the day before, by the season (the clocks
 * change at 03:00 and 04:00, never at midnight). Lists bound their UTC time keys by it exactly.
 */
export function helsinkiDayStart(day: string): Date {
  for (const hour of [21, 22]) {
    const start = new Date(`${addDays(day, -1)}T${hour}:00:00.000Z`);
    if (helsinkiDate(start) === day && helsinkiDate(new Date(start.getTime() - 1)) !== day) return start;
  }
  throw new Error(`no Helsinki midnight found for ${day}`);
}

export function today(instant: Date = now()): string {
  return helsinkiDate(instant);
}

export function isRealDay(day: string): boolean {
  if (!dayPattern.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Twelve months on, minus one day: the contract's card validity (from 29 Feb: to 28 Feb next year). */
export function oneYearValidity(from: string): string {
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  // 29 Feb + 12 months is 1 Mar in a common year, so the day before is 28 Feb: a full year either way.
  const next = new Date(Date.UTC(year + 1, month - 1, day));
  return addDays(next.toISOString().slice(0, 10), -1);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant that names its zone; answers it normalised to UTC milliseconds. */
export function parseInstant(text: string): Date | undefined {
  // The pattern checks the shape; a 30 February or a 24:00 must not roll over into another day.
  if (!instantPattern.test(text) || !isRealDay(text.slice(0, 10)) || Number(text.slice(11, 13)) > 23)
    return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The calendar month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/** The calendar month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}
