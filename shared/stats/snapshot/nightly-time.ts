// When the nightly snapshot runs: 02:30 Europe/Helsinki, the same wall-clock time in summer and winter
// (EET, UTC+2, and EEST, UTC+3). Computed with Intl's time-zone data; no cron library.
import { addDays, helsinkiDate } from '../../lib/dates.ts';

export const nightlyAt = { hour: 2, minute: 30 } as const;

let wallClock: Intl.DateTimeFormat | undefined;

/** How far Helsinki's wall clock is ahead of UTC at `instant`, in milliseconds. */
function helsinkiOffset(instant: number): number {
  wallClock ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Helsinki',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts = Object.fromEntries(
    wallClock.formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant when Helsinki's clocks show `hour:minute` on `day`. */
export function helsinkiInstant(day: string, hour: number, minute: number): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  // The offset at the wall time read as UTC is right except within hours of a change; a second look fixes that.
  const first = wall - helsinkiOffset(wall);
  return new Date(wall - helsinkiOffset(first));
}

/** The first nightly run strictly after `now`. */
export function nextNightlyRun(now: Date, at: { hour: number; minute: number } = nightlyAt): Date {
  const day = helsinkiDate(now);
  const tonight = helsinkiInstant(day, at.hour, at.minute);
  return tonight.getTime() > now.getTime() ? tonight : helsinkiInstant(addDays(day, 1), at.hour, at.minute);
}
