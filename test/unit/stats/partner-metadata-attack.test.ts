// Issue 18: the attacks around the tables. A year of five areas published night by night (January,
// February, March and the first quarter, each the night it closes), one area joining on 20 March, and an
// attacker (attacker.ts) with every partner file, the disclosure records and the daily national files:
// - the disclosure records must say how many counts are hidden, that the audit passed and which rows are
//   left out, and nothing from which a value, a range or the split of small and other hidden counts
//   could be read;
// - an area's row left out of January stays inside the first quarter's sums: its counts must keep their
//   range there too;
// - the area that joined on 20 March counted in March at most what the country counted from that day on
//   (national.json of 19 March gives the month so far): its hidden counts must keep their range under
//   that bound as well.
import { describe, expect, it } from 'vitest';
import type { ArchivedFile } from '../../../shared/stats/files/archive.ts';
import { archivePrefix } from '../../../shared/stats/files/archive.ts';
import {
  type ClosedPeriodFigures,
  type CountColumn,
  type Counts,
  countColumns,
} from '../../../shared/stats/model/closed-figures.ts';
import { closesOn } from '../../../shared/stats/model/closed-periods.ts';
import { sectors } from '../../../shared/stats/model/figures.ts';
import { buildSnapshot } from '../../../shared/stats/snapshot/files.ts';
import { attack } from './attacker.ts';
import { partnerFiles, schemeInput } from './schemes.ts';

type Sectors = Partial<Record<`${(typeof sectors)[number]}_${'adult' | 'child'}`, number>>;

/** An area's counts from its registrations, first uses and uses by sector. */
function counts(registered: number, takenIntoUse: number, bySector: Sectors): Counts {
  const all = Object.fromEntries(countColumns.map((column) => [column, 0])) as Record<CountColumn, number>;
  all.cards_registered = registered;
  all.cards_taken_into_use = takenIntoUse;
  for (const sector of sectors)
    for (const kind of ['adult', 'child'] as const) {
      const value = bySector[`${sector}_${kind}`] ?? 0;
      all[`${sector}_${kind}_uses`] = value;
      all[`${kind}_uses`] += value;
      all.uses += value;
    }
  return all;
}

const names: Record<string, string> = { H: 'Iso', T: 'Keski', U: 'Pieni', V: 'Toinen', S: 'Uusi' };
const months: Record<string, Record<string, Counts>> = {
  // Only T registered cards in January: its row cannot be protected and is left out.
  '2025-01': {
    H: counts(0, 30, { culture_adult: 40, culture_child: 7 }),
    T: counts(3, 12, { sport_adult: 2 }),
    U: counts(0, 4, { culture_adult: 20, culture_child: 6 }),
    V: counts(0, 6, { science_adult: 15, science_child: 5 }),
  },
  '2025-02': {
    H: counts(8, 25, { culture_adult: 50, culture_child: 9 }),
    T: counts(6, 10, { sport_adult: 20 }),
    U: counts(7, 3, { culture_adult: 22, culture_child: 5 }),
    V: counts(9, 7, { science_adult: 11, science_child: 6 }),
  },
  // S joins on 20 March.
  '2025-03': {
    H: counts(10, 30, { culture_adult: 45, culture_child: 8 }),
    T: counts(7, 12, { sport_adult: 18 }),
    U: counts(6, 4, { culture_adult: 25, culture_child: 6 }),
    V: counts(8, 3, { science_adult: 14, science_child: 7 }),
    S: counts(6, 3, { sport_adult: 6, education_child: 2 }),
  },
};
const joinDay = '2025-03-20';
/** What the other areas counted from 20 March on (a share of their month; two cards taken into use). */
const othersFrom = (figures: Counts): Counts => {
  const sectorShare = Object.fromEntries(
    sectors.flatMap((sector) =>
      (['adult', 'child'] as const).map((kind) => [
        `${sector}_${kind}`,
        Math.floor(figures[`${sector}_${kind}_uses`] * 0.3),
      ]),
    ),
  ) as Sectors;
  return counts(Math.floor(figures.cards_registered * 0.3), 0, sectorShare);
};

const add = (a: Counts, b: Counts) =>
  Object.fromEntries(countColumns.map((column) => [column, a[column] + b[column]])) as Counts;
const sum = (rows: readonly Counts[]) => rows.reduce(add, counts(0, 0, {}));

function figuresOf(period: string): ClosedPeriodFigures {
  const parts = period === '2025-Q1' ? ['2025-01', '2025-02', '2025-03'] : [period];
  const ids = [...new Set(parts.flatMap((part) => Object.keys(months[part]!)))];
  const areas = ids.map((areaId) => ({
    areaId,
    areaName: names[areaId]!,
    counts: sum(parts.flatMap((part) => (months[part]![areaId] ? [months[part]![areaId]!] : []))),
  }));
  if (period !== '2025-03') return { period, areas, ageGroups: [] };
  const march = months['2025-03']!;
  const others = sum(Object.entries(march).flatMap(([id, row]) => (id === 'S' ? [] : [othersFrom(row)])));
  // Two of the 52 cards taken into use in March were by other areas after the 19th.
  const nationalFrom = add(add(march.S!, others), counts(0, 2, {}));
  return { period, areas, ageGroups: [], lateJoins: [{ day: joinDay, areaIds: ['S'], nationalFrom }] };
}

/** partner/national.json of 19 March: the month so far is the month minus what came from the 20th on. */
function nationalJsonOf19March(): string {
  const march = figuresOf('2025-03');
  const whole = sum(march.areas.map((area) => area.counts));
  const from = march.lateJoins![0]!.nationalFrom;
  const soFar = Object.fromEntries(countColumns.map((column) => [column, whole[column] - from[column]]));
  const month = {
    cardsRegistered: soFar.cards_registered,
    cardsTakenIntoUse: soFar.cards_taken_into_use,
    uses: soFar.uses,
    adultUses: soFar.adult_uses,
    childUses: soFar.child_uses,
    bySector: Object.fromEntries(
      sectors.map((sector) => [
        sector,
        { adultUses: soFar[`${sector}_adult_uses`], childUses: soFar[`${sector}_child_uses`] },
      ]),
    ),
  };
  return `${JSON.stringify({ date: '2025-03-19', periods: { month } }, null, 2)}\n`;
}

async function publishNightByNight() {
  const periods = ['2025-01', '2025-02', '2025-03', '2025-Q1'];
  const nights = [...new Set(periods.map(closesOn))];
  let archive: ArchivedFile[] = [];
  let files = new Map<string, string>();
  for (const night of nights) {
    const closed = periods.filter((period) => closesOn(period) <= night).map(figuresOf);
    const snapshot = await buildSnapshot(
      {
        ...schemeInput(
          {
            areas: [],
            months: new Map(),
            firstMonth: '2025-01',
            joined: new Map(),
            nationalBefore: new Map(),
          },
          night,
        ),
        closedPeriods: closed,
      },
      { generatedAt: `${night}T23:59:00.000Z`, archived: archive },
    );
    archive = [
      ...archive,
      ...snapshot.archive.map((object) => ({
        name: object.key.slice(archivePrefix.length),
        body: object.body,
      })),
    ];
    files = partnerFiles(snapshot);
  }
  return files;
}

const files = await publishNightByNight();

describe('issue 18: what lies around the tables', () => {
  it('disclosure records say how many counts are hidden, that the audit passed, which rows are left out', () => {
    for (const [name, body] of files) {
      if (!name.startsWith('partner/disclosure/')) continue;
      const record = JSON.parse(body);
      expect(Object.keys(record).sort(), name).toEqual(
        ['audit', 'files', 'firstPublished', 'hidden', 'leftOut', 'period', 'rule', 'threshold'].sort(),
      );
      const period = record.period as string;
      const hidden = [...files]
        .filter(([file]) => record.files.includes(file) && file.endsWith('.csv'))
        .flatMap(([, text]) => text.split(/[,\n]/))
        .filter((cell) => cell === '..').length;
      expect(record.hidden, period).toBe(hidden);
      expect(record.audit).toEqual({ periods: expect.any(Array), result: 'passed' });
      for (const entry of record.leftOut) expect(Object.keys(entry).sort()).toEqual(['areaId', 'file']);
      // No number in the record but the period's, the threshold, the hidden count and dates.
      expect(body.replace(/\d{4}(-(Q\d|\d\d))?(-\d\d)?/g, '')).not.toMatch(/\.\.\s*\d|\d+\s*\.\.\s*\d+/);
    }
    // T alone registered cards in January (3 in the country): its row is left out, and one more, for
    // with every other area's 0 shown the national 3 would still be T's.
    const january = JSON.parse(files.get('partner/disclosure/2025-01.json')!).leftOut;
    expect(january).toContainEqual({ file: 'partner/areas/2025-01.csv', areaId: 'T' });
    expect(january.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves no hidden count and no count of a row left out narrower than the rule allows', async () => {
    const result = await attack(files, 5, {
      joined: new Map([['S', joinDay]]),
      dailyNational: new Map([['2025-03-19', nationalJsonOf19March()]]),
    });
    expect(result.leftOut).toBeGreaterThan(0);
    expect(result.narrowed).toEqual([]);
  }, 120_000);
});
