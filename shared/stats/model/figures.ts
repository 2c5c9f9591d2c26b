// The figures a statistics snapshot is made of, already aggregated. The snapshot code is pure: whoever
// reads the counters builds a SnapshotInput, and everything after that is deterministic.
import { type Sector, sectors } from '../../contract/roles.ts';

export { type Sector, sectors };

export const periods = ['day', 'month', 'year', 'all'] as const;
export type Period = (typeof periods)[number];

export const ageGroups = ['16-17', '18-29', '30-44', '45-64', '65+', 'unknown'] as const;
export type AgeGroup = (typeof ageGroups)[number];

/** Age = the year of `date` minus the birth year; community cards have no holder, so no age. */
export function ageGroupOf(birthYear: string, date: string): AgeGroup {
  const year = Number(birthYear);
  if (!/^\d{4}$/.test(birthYear)) return 'unknown';
  const age = Number(date.slice(0, 4)) - year;
  if (age < 18) return '16-17';
  if (age < 30) return '18-29';
  if (age < 45) return '30-44';
  if (age < 65) return '45-64';
  return '65+';
}

export interface SectorUses {
  readonly adultUses: number;
  readonly childUses: number;
}

/** The shape of `GET /v1/stats/summary`; `uses = adultUses + childUses`, each the sum over sectors. */
export interface Figures {
  readonly cardsRegistered: number;
  readonly cardsActive: number;
  readonly cardsTakenIntoUse: number;
  readonly uses: number;
  readonly adultUses: number;
  readonly childUses: number;
  readonly bySector: Readonly<Record<Sector, SectorUses>>;
  readonly municipalities: number;
}

export type PeriodFigures = Readonly<Record<Period, Figures>>;

export interface AreaFigures {
  readonly areaId: string;
  readonly areaName: string;
  readonly periods: PeriodFigures;
}

/** National uses of one calendar month; `bySector` holds adult plus child uses of each sector. */
export interface MonthlyUses {
  readonly month: string;
  readonly adultUses: number;
  readonly childUses: number;
  readonly bySector: Readonly<Record<Sector, number>>;
}

export interface AgeGroupFigures {
  readonly period: Period;
  readonly areaId: string;
  readonly ageGroup: AgeGroup;
  readonly cardsRegistered: number;
  readonly uses: number;
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { [key: string]: JsonValue };

/** A published count: `null` where disclosure control hides it (`..` in CSV). */
export type Count = number | null;

/** The same shape with every count possibly hidden. */
export type Published<T> = {
  readonly [K in keyof T]: T[K] extends number ? Count : T[K] extends object ? Published<T[K]> : T[K];
};

/** What one tier publishes: national figures are exact in both tiers. */
export interface TierFigures {
  readonly date: string;
  readonly national: PeriodFigures;
  readonly areas: readonly {
    readonly areaId: string;
    readonly areaName: string;
    readonly periods: Readonly<Record<Period, Published<Figures>>>;
  }[];
  readonly monthly: readonly MonthlyUses[];
  readonly ageGroups: readonly Published<AgeGroupFigures>[];
}

/** A tier before disclosure control: the internal tier, and what the partner tier is made from. */
export interface ExactTier extends TierFigures {
  readonly areas: readonly AreaFigures[];
  readonly ageGroups: readonly AgeGroupFigures[];
}

/** Plain code-unit order: locale-independent, so the same on every machine. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
