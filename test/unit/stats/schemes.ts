// Simulated schemes for the closed-period tests: areas of very different sizes (a city next to villages),
// monthly counts drawn around each area's size, so that many counts are small. The same seed always gives
// the same scheme.
import { addDays, daysBetween, nextMonth } from '../../../shared/lib/dates.ts';
import { type ArchivedFile, archivePrefix } from '../../../shared/stats/files/archive.ts';
import {
  type ClosedAgeFigures,
  type ClosedPeriodFigures,
  type CountColumn,
  type Counts,
  countColumns,
} from '../../../shared/stats/model/closed-figures.ts';
import { closedPeriodsOn, monthsOf } from '../../../shared/stats/model/closed-periods.ts';
import { type AgeGroup, ageGroups, type Figures, sectors } from '../../../shared/stats/model/figures.ts';
import type { SnapshotInput } from '../../../shared/stats/model/input.ts';
import { buildSnapshot, type Snapshot } from '../../../shared/stats/snapshot/files.ts';
import { prng, shuffle } from './support.ts';

interface AreaMonth {
  readonly counts: Counts;
  readonly ages: Readonly<Record<AgeGroup, { cards_registered: number; uses: number }>>;
}

export interface Scheme {
  readonly areas: readonly { readonly areaId: string; readonly areaName: string }[];
  /** By month (YYYY-MM), then by area id; an area that had not joined yet is absent. */
  readonly months: ReadonlyMap<string, ReadonlyMap<string, AreaMonth>>;
  readonly firstMonth: string;
  /** Areas that joined after the first month: the day they did. */
  readonly joined: ReadonlyMap<string, string>;
  /** For each join day: the national figures of its month up to the day before (what that night published). */
  readonly nationalBefore: ReadonlyMap<string, Counts>;
}

export interface SchemeOptions {
  readonly areas: number;
  readonly firstMonth: string;
  readonly months: number;
  /** Scales every area's activity: below 1 gives more small counts. */
  readonly activity?: number;
  /** How many areas join on a day after the first month (each in a month of its own). */
  readonly lateJoins?: number;
}

/** Knuth's method for small means, a rounded normal for large ones: counts around `mean`. */
function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 40) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random(); product > limit; product *= random()) count++;
  return count;
}

/** Splits `total` over the age groups with the given weights. */
function split(random: () => number, total: number, weights: readonly number[]): number[] {
  const parts = weights.map(() => 0);
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  for (let i = 0; i < total; i++) {
    let pick = random() * sum;
    let at = 0;
    while (at < weights.length - 1 && pick >= weights[at]!) pick -= weights[at++]!;
    parts[at]!++;
  }
  return parts;
}

export function randomScheme(seed: number, options: SchemeOptions): Scheme {
  const random = prng(seed);
  const areas = Array.from({ length: options.areas }, (_, index) => ({
    areaId: `A${String(index + 1).padStart(3, '0')}`,
    areaName: `Alue ${index + 1}`,
    // Log-uniform sizes from a village (0.05) to a city (50): most counts small, a few large.
    size: Math.exp(Math.log(0.05) + random() * Math.log(1000)) * (options.activity ?? 1),
    sectorWeights: sectors.map(() => random() ** 2),
    ageWeights: ageGroups.map(() => 0.1 + random()),
  }));
  const months = new Map<string, Map<string, AreaMonth>>();
  // Joins drawn from a stream of their own, so that schemes without them stay as they were.
  const joinRandom = prng(seed + 7919);
  const joins = new Map<string, { index: number; day: number }>();
  const joinMonths = shuffle(
    joinRandom,
    Array.from({ length: Math.max(0, options.months - 1) }, (_, index) => index + 1),
  );
  const joiners = shuffle(
    joinRandom,
    areas.map((area) => area.areaId),
  );
  for (let at = 0; at < Math.min(options.lateJoins ?? 0, joinMonths.length); at++)
    joins.set(joiners[at]!, { index: joinMonths[at]!, day: 2 + Math.floor(joinRandom() * 26) });
  const joined = new Map<string, string>();
  const nationalBefore = new Map<string, Counts>();
  let month = options.firstMonth;
  for (let index = 0; index < options.months; index++, month = nextMonth(month)) {
    const byArea = new Map<string, AreaMonth>();
    const length = daysBetween(`${month}-01`, `${nextMonth(month)}-01`);
    const joining = [...joins].find(([, join]) => join.index === index);
    for (const area of areas) {
      const join = joins.get(area.areaId);
      if (join !== undefined && join.index > index) continue;
      // The month it joins, an area counts only from its first day on.
      const share = join?.index === index ? (length - join.day + 1) / length : 1;
      const counts = Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<
        CountColumn,
        number
      >;
      const size = area.size * share;
      counts.cards_registered = poisson(random, size * 2);
      counts.cards_taken_into_use = poisson(random, size * 1.5);
      sectors.forEach((sector, at) => {
        const weight = area.sectorWeights[at]!;
        counts[`${sector}_adult_uses`] = poisson(random, size * 4 * weight);
        counts[`${sector}_child_uses`] = poisson(random, size * 1.5 * weight);
      });
      counts.adult_uses = sectors.reduce((sum, sector) => sum + counts[`${sector}_adult_uses`], 0);
      counts.child_uses = sectors.reduce((sum, sector) => sum + counts[`${sector}_child_uses`], 0);
      counts.uses = counts.adult_uses + counts.child_uses;
      const cards = split(random, counts.cards_registered, area.ageWeights);
      const uses = split(random, counts.uses, area.ageWeights);
      const ages = Object.fromEntries(
        ageGroups.map((group, at) => [group, { cards_registered: cards[at]!, uses: uses[at]! }]),
      ) as AreaMonth['ages'];
      byArea.set(area.areaId, { counts, ages });
    }
    months.set(month, byArea);
    if (joining !== undefined) {
      const [areaId, join] = joining;
      const day = addDays(`${month}-01`, join.day - 1);
      joined.set(areaId, day);
      nationalBefore.set(day, countsBefore(joinRandom, byArea, areaId, (join.day - 1) / length));
    }
  }
  return {
    areas: areas.map(({ areaId, areaName }) => ({ areaId, areaName })),
    months,
    firstMonth: options.firstMonth,
    joined,
    nationalBefore,
  };
}

/** The national figures of the days before a join: each other area's month split at random by days. */
function countsBefore(
  random: () => number,
  byArea: ReadonlyMap<string, AreaMonth>,
  joiner: string,
  share: number,
): Counts {
  const before = Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<CountColumn, number>;
  const binomial = (count: number) => Array.from({ length: count }).filter(() => random() < share).length;
  for (const [areaId, { counts }] of byArea) {
    if (areaId === joiner) continue;
    before.cards_registered += binomial(counts.cards_registered);
    before.cards_taken_into_use += binomial(counts.cards_taken_into_use);
    for (const sector of sectors)
      for (const kind of ['adult', 'child'] as const) {
        const part = binomial(counts[`${sector}_${kind}_uses`]);
        before[`${sector}_${kind}_uses`] += part;
        before[`${kind}_uses`] += part;
        before.uses += part;
      }
  }
  return before;
}

/** The exact figures of every period of the scheme closed on `date` (what snapshotInput would give). */
export function closedFigures(scheme: Scheme, date: string): ClosedPeriodFigures[] {
  return closedPeriodsOn(date, `${scheme.firstMonth}-01`)
    .filter((period) => monthsOf(period).every((month) => scheme.months.has(month)))
    .map((period) => {
      const parts = monthsOf(period).map((month) => scheme.months.get(month)!);
      // An area that had not joined by the period's end has no row (it did not exist).
      const present = scheme.areas.filter((area) => parts.some((part) => part.has(area.areaId)));
      const areas = present.map((area) => {
        const counts = Object.fromEntries(
          countColumns.map((column) => [
            column,
            parts.reduce((sum, part) => sum + (part.get(area.areaId)?.counts[column] ?? 0), 0),
          ]),
        ) as Counts;
        return { ...area, counts };
      });
      const ages: ClosedAgeFigures[] = /^\d{4}$/.test(period)
        ? present.flatMap((area) =>
            ageGroups.map((ageGroup) => ({
              areaId: area.areaId,
              ageGroup,
              cards_registered: parts.reduce(
                (sum, part) => sum + (part.get(area.areaId)?.ages[ageGroup].cards_registered ?? 0),
                0,
              ),
              uses: parts.reduce((sum, part) => sum + (part.get(area.areaId)?.ages[ageGroup].uses ?? 0), 0),
            })),
          )
        : [];
      const lateJoins = [...scheme.joined]
        .filter(([, day]) => day.slice(0, 7) === period)
        .map(([areaId, day]) => {
          const before = scheme.nationalBefore.get(day)!;
          const total = (column: CountColumn) => areas.reduce((sum, area) => sum + area.counts[column], 0);
          return {
            day,
            areaIds: [areaId],
            nationalFrom: Object.fromEntries(
              countColumns.map((column) => [column, total(column) - before[column]]),
            ) as Counts,
          };
        });
      return { period, areas, ageGroups: ages, ...(lateJoins.length > 0 && { lateJoins }) };
    });
}

const zeroFigures = {
  cardsRegistered: 0,
  cardsActive: 0,
  cardsTakenIntoUse: 0,
  uses: 0,
  adultUses: 0,
  childUses: 0,
  bySector: Object.fromEntries(sectors.map((sector) => [sector, { adultUses: 0, childUses: 0 }])),
  municipalities: 0,
} as Figures;

/** A snapshot input of `date` with the scheme's closed periods (its daily figures are beside the point). */
export function schemeInput(scheme: Scheme, date: string): SnapshotInput {
  return {
    date,
    areas: [],
    national: { day: zeroFigures, month: zeroFigures, year: zeroFigures, all: zeroFigures },
    monthly: [],
    ageGroups: [],
    source: { scheme: 'simulated' },
    closedPeriods: closedFigures(scheme, date),
  };
}

export interface Published {
  readonly date: string;
  readonly snapshot: Snapshot;
  /** The archive after this snapshot. */
  readonly archive: readonly ArchivedFile[];
}

/** Snapshots of the scheme on each date in turn, each given the archive the ones before it left. */
export async function publishSeries(scheme: Scheme, dates: readonly string[]): Promise<Published[]> {
  let archive: ArchivedFile[] = [];
  const series: Published[] = [];
  for (const date of dates) {
    const snapshot = await buildSnapshot(schemeInput(scheme, date), {
      generatedAt: `${date}T23:59:00.000Z`,
      archived: archive,
    });
    archive = [
      ...archive,
      ...snapshot.archive.map((object) => ({
        name: object.key.slice(archivePrefix.length),
        body: object.body,
      })),
    ];
    series.push({ date, snapshot, archive });
  }
  return series;
}

/**
 * What the daily national files tell of the scheme's joins: for each join day, partner/national.json of
 * the night before (only its month so far matters here), by day.
 */
export function dailyNationalFiles(scheme: Scheme): Map<string, string> {
  const files = new Map<string, string>();
  for (const [day, before] of scheme.nationalBefore) {
    const month = {
      cardsRegistered: before.cards_registered,
      cardsTakenIntoUse: before.cards_taken_into_use,
      uses: before.uses,
      adultUses: before.adult_uses,
      childUses: before.child_uses,
      bySector: Object.fromEntries(
        sectors.map((sector) => [
          sector,
          { adultUses: before[`${sector}_adult_uses`], childUses: before[`${sector}_child_uses`] },
        ]),
      ),
    };
    const date = addDays(day, -1);
    files.set(date, `${JSON.stringify({ date, periods: { month } }, null, 2)}\n`);
  }
  return files;
}

/** The partner files of a snapshot, by name relative to its folder. */
export function partnerFiles(snapshot: Snapshot): Map<string, string> {
  const prefix = `snapshots/${snapshot.manifest.date}/`;
  return new Map(
    snapshot.objects
      .filter((object) => object.key.startsWith(`${prefix}partner/`))
      .map((object) => [object.key.slice(prefix.length), object.body.toString('utf8')]),
  );
}
