// From per-day counters to the periods of a snapshot. Events (registrations, first uses, uses) add up
// over the days of a period; cards active and municipalities are states, counted on the period's last
// day, which is D for all four periods of a snapshot.
import type { Figures, MonthlyUses, Period, PeriodFigures, Sector, SectorUses } from '../model/figures.ts';
import { sectors } from '../model/figures.ts';

export interface DayCounters {
  readonly day: string;
  readonly cardsRegistered: number;
  readonly cardsTakenIntoUse: number;
  readonly bySector: Readonly<Partial<Record<Sector, SectorUses>>>;
}

export interface StateOnDay {
  readonly cardsActive: number;
  readonly municipalities: number;
}

/** The first day of a snapshot period ending on `date` (`''` for `all`: no first day). */
export function periodStart(date: string, period: Period): string {
  if (period === 'day') return date;
  if (period === 'month') return `${date.slice(0, 7)}-01`;
  if (period === 'year') return `${date.slice(0, 4)}-01-01`;
  return '';
}

export function inPeriod(date: string, period: Period, day: string): boolean {
  return day >= periodStart(date, period) && day <= date;
}

function emptySectors(): Record<Sector, { adultUses: number; childUses: number }> {
  return {
    culture: { adultUses: 0, childUses: 0 },
    education: { adultUses: 0, childUses: 0 },
    science: { adultUses: 0, childUses: 0 },
    sport: { adultUses: 0, childUses: 0 },
  };
}

/** Days after `date` are left out: a snapshot of D never counts what happened later. */
export function sumPeriod(
  date: string,
  period: Period,
  days: readonly DayCounters[],
  state: StateOnDay,
): Figures {
  return sumRange(periodStart(date, period), date, days, state);
}

/**
 * The figures of the days `from` to `to` (`from` '' for everything up to `to`): events summed over
 * those days, states (cards active, municipalities) as given for `to`.
 */
export function sumRange(from: string, to: string, days: readonly DayCounters[], state: StateOnDay): Figures {
  const bySector = emptySectors();
  let cardsRegistered = 0;
  let cardsTakenIntoUse = 0;
  for (const counters of days) {
    if (counters.day < from || counters.day > to) continue;
    cardsRegistered += counters.cardsRegistered;
    cardsTakenIntoUse += counters.cardsTakenIntoUse;
    for (const sector of sectors) {
      bySector[sector].adultUses += counters.bySector[sector]?.adultUses ?? 0;
      bySector[sector].childUses += counters.bySector[sector]?.childUses ?? 0;
    }
  }
  const adultUses = sectors.reduce((sum, sector) => sum + bySector[sector].adultUses, 0);
  const childUses = sectors.reduce((sum, sector) => sum + bySector[sector].childUses, 0);
  return {
    cardsRegistered,
    cardsActive: state.cardsActive,
    cardsTakenIntoUse,
    uses: adultUses + childUses,
    adultUses,
    childUses,
    bySector,
    municipalities: state.municipalities,
  };
}

export function sumPeriods(date: string, days: readonly DayCounters[], state: StateOnDay): PeriodFigures {
  return {
    day: sumPeriod(date, 'day', days, state),
    month: sumPeriod(date, 'month', days, state),
    year: sumPeriod(date, 'year', days, state),
    all: sumPeriod(date, 'all', days, state),
  };
}

/** National uses per month up to D; months without uses in between are filled in by the snapshot. */
export function sumMonths(date: string, days: readonly DayCounters[]): MonthlyUses[] {
  const months = new Map<string, Record<Sector, { adultUses: number; childUses: number }>>();
  for (const counters of days) {
    if (counters.day > date) continue;
    const month = counters.day.slice(0, 7);
    const totals = months.get(month) ?? emptySectors();
    months.set(month, totals);
    for (const sector of sectors) {
      totals[sector].adultUses += counters.bySector[sector]?.adultUses ?? 0;
      totals[sector].childUses += counters.bySector[sector]?.childUses ?? 0;
    }
  }
  return [...months.entries()]
    .filter(([, totals]) => sectors.some((s) => totals[s].adultUses + totals[s].childUses > 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, totals]) => ({
      month,
      adultUses: sectors.reduce((sum, sector) => sum + totals[sector].adultUses, 0),
      childUses: sectors.reduce((sum, sector) => sum + totals[sector].childUses, 0),
      bySector: {
        culture: totals.culture.adultUses + totals.culture.childUses,
        education: totals.education.adultUses + totals.education.childUses,
        science: totals.science.adultUses + totals.science.childUses,
        sport: totals.sport.adultUses + totals.sport.childUses,
      },
    }));
}

/** Cards taken into use on the days `from` ('' = ever) to `to`, from the card counters. */
export function takenIntoUseIn(
  cards: readonly { day: string; takenIntoUse: number }[],
  from: string,
  to: string,
): number {
  return cards.reduce((sum, card) => (card.day >= from && card.day <= to ? sum + card.takenIntoUse : sum), 0);
}
