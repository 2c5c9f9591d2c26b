// Simulated schemes for the closed-period tests: areas of very different sizes (a city next to villages),
// monthly counts drawn around each area's size, so that many counts are small. The same seed always gives
// the same scheme.
import { nextMonth } from '../../../shared/dates.ts';
import { type ArchivedFile, archivePrefix } from '../../../shared/stats/archive.ts';
import {
  type ClosedAgeFigures,
  type ClosedPeriodFigures,
  type CountColumn,
  type Counts,
  countColumns,
} from '../../../shared/stats/closed-figures.ts';
import { closedPeriodsOn, monthsOf } from '../../../shared/stats/closed-periods.ts';
import {
  type AgeGroup,
  ageGroups,
  type Figures,
  type SnapshotInput,
  sectors,
} from '../../../shared/stats/figures.ts';
import { buildSnapshot, type Snapshot } from '../../../shared/stats/files.ts';
import { prng } from './support.ts';

interface AreaMonth {
  readonly counts: Counts;
  readonly ages: Readonly<Record<AgeGroup, { cards_registered: number; uses: number }>>;
}

export interface Scheme {
  readonly areas: readonly { readonly areaId: string; readonly areaName: string }[];
  /** By month (YYYY-MM), then by area id. */
  readonly months: ReadonlyMap<string, ReadonlyMap<string, AreaMonth>>;
  readonly firstMonth: string;
}

export interface SchemeOptions {
  readonly areas: number;
  readonly firstMonth: string;
  readonly months: number;
  /** Scales every area's activity: below 1 gives more small counts. */
  readonly activity?: number;
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
  let month = options.firstMonth;
  for (let index = 0; index < options.months; index++, month = nextMonth(month)) {
    const byArea = new Map<string, AreaMonth>();
    for (const area of areas) {
      const counts = Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<
        CountColumn,
        number
      >;
      counts.cards_registered = poisson(random, area.size * 2);
      counts.cards_taken_into_use = poisson(random, area.size * 1.5);
      sectors.forEach((sector, at) => {
        const weight = area.sectorWeights[at]!;
        counts[`${sector}_adult_uses`] = poisson(random, area.size * 4 * weight);
        counts[`${sector}_child_uses`] = poisson(random, area.size * 1.5 * weight);
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
  }
  return {
    areas: areas.map(({ areaId, areaName }) => ({ areaId, areaName })),
    months,
    firstMonth: options.firstMonth,
  };
}

/** The exact figures of every period of the scheme closed on `date` (what snapshotInput would give). */
export function closedFigures(scheme: Scheme, date: string): ClosedPeriodFigures[] {
  return closedPeriodsOn(date, `${scheme.firstMonth}-01`)
    .filter((period) => monthsOf(period).every((month) => scheme.months.has(month)))
    .map((period) => {
      const parts = monthsOf(period).map((month) => scheme.months.get(month)!);
      const areas = scheme.areas.map((area) => {
        const counts = Object.fromEntries(
          countColumns.map((column) => [
            column,
            parts.reduce((sum, part) => sum + part.get(area.areaId)!.counts[column], 0),
          ]),
        ) as Counts;
        return { ...area, counts };
      });
      const ages: ClosedAgeFigures[] = /^\d{4}$/.test(period)
        ? scheme.areas.flatMap((area) =>
            ageGroups.map((ageGroup) => ({
              areaId: area.areaId,
              ageGroup,
              cards_registered: parts.reduce(
                (sum, part) => sum + part.get(area.areaId)!.ages[ageGroup].cards_registered,
                0,
              ),
              uses: parts.reduce((sum, part) => sum + part.get(area.areaId)!.ages[ageGroup].uses, 0),
            })),
          )
        : [];
      return { period, areas, ageGroups: ages };
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

/** The partner files of a snapshot, by name relative to its folder. */
export function partnerFiles(snapshot: Snapshot): Map<string, string> {
  const prefix = `snapshots/${snapshot.manifest.date}/`;
  return new Map(
    snapshot.objects
      .filter((object) => object.key.startsWith(`${prefix}partner/`))
      .map((object) => [object.key.slice(prefix.length), object.body.toString('utf8')]),
  );
}
