// "Today" is the Europe/Helsinki calendar day, as the API counts it.
const helsinkiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export const helsinkiToday = (now = new Date()): string => helsinkiDay.format(now);

/** The months of a year up to (and including) the month of `until`, as [first day, last day]. */
export function monthsOf(year: number, until: string): { month: string; from: string; to: string }[] {
  const months = [];
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    const from = `${month}-01`;
    if (from > until) break;
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    const to = `${month}-${String(last).padStart(2, '0')}`;
    months.push({ month, from, to: to < until ? to : until });
  }
  return months;
}

export function formatDate(value: string, localeName: string): string {
  const date = value.length === 10 ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString(localeName);
}

export function formatTime(value: string, localeName: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleTimeString(localeName, {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'Europe/Helsinki',
      });
}

export function formatInstant(value: string, localeName: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleString(localeName, { timeZone: 'Europe/Helsinki' });
}
