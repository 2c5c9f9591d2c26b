// The old design's leak: figures by area published every night, so that subtracting the day before's
// file from today's gives each area's counts of the day, however they are suppressed. Kept as a test: on
// the exact files (internal/, what the old partner files were made from) the subtraction works; on the
// partner files of consecutive nights it gives nothing by area, since figures by area change only when
// a closed period is published for the first time, and then only by new files.
import { describe, expect, it } from 'vitest';
import type { Area } from '../../../shared/domain/organisations.ts';
import { addDays } from '../../../shared/lib/dates.ts';
import type { AreaSnapshotRows } from '../../../shared/stats/counting/area-rows.ts';
import { snapshotInput } from '../../../shared/stats/counting/assemble.ts';
import { archivePrefix } from '../../../shared/stats/files/archive.ts';
import { sectors } from '../../../shared/stats/model/figures.ts';
import { buildSnapshot, type Snapshot } from '../../../shared/stats/snapshot/files.ts';
import type { AggregateRows } from '../../../shared/store/stats.ts';
import { partnerFiles } from './schemes.ts';
import { prng, randomInt } from './support.ts';

const first = '2024-01-01';
// January 2024 closes on 15 April: the nights around it.
const nights = ['2024-04-12', '2024-04-13', '2024-04-14', '2024-04-15', '2024-04-16', '2024-04-17'];

/** Six areas' counters from 1 January to the last night, a few uses on most days. */
function counters(): AreaSnapshotRows[] {
  const random = prng(2024);
  return Array.from({ length: 6 }, (_, index) => {
    const areaId = `A${index + 1}`;
    const rows: AggregateRows = { cards: [], uses: [], ages: [] };
    for (let day = first; day <= nights.at(-1)!; day = addDays(day, 1)) {
      if (random() < 0.5) continue;
      const registered = randomInt(random, 2 + index);
      rows.cards.push({
        day,
        registered,
        registeredByBirthYear: { '1980': registered },
        activeDelta: registered,
        takenIntoUse: randomInt(random, 1),
      });
      let persons = 0;
      for (const sector of sectors) {
        const adultUses = randomInt(random, 1 + index);
        const childUses = randomInt(random, 1);
        persons += adultUses + childUses;
        rows.uses.push({ day, sector, adultUses, childUses });
      }
      rows.ages.push({ day, usesByBirthYear: { '1980': persons } });
    }
    const area: Area = {
      areaId,
      name: `Alue ${areaId}`,
      municipalityCodes: ['049'],
      welfareArea: 'LU',
      status: 'active',
      createdAt: '2023-12-01T00:00:00.000Z',
    };
    return { area, rows, takenIntoUse: { day: 0, month: 0, year: 0, all: 0 } };
  });
}

/** What the job reads on the night of `date`: the counters of days up to it. */
function upTo(areas: readonly AreaSnapshotRows[], date: string): AreaSnapshotRows[] {
  return areas.map((area) => ({
    ...area,
    rows: {
      cards: area.rows.cards.filter((row) => row.day <= date),
      uses: area.rows.uses.filter((row) => row.day <= date),
      ages: area.rows.ages.filter((row) => row.day <= date),
    },
  }));
}

const areas = counters();
const snapshots: Snapshot[] = [];
let archive: { name: string; body: Buffer }[] = [];
for (const night of nights) {
  const snapshot = await buildSnapshot(snapshotInput(night, upTo(areas, night), { test: 'differences' }), {
    generatedAt: `${night}T23:30:00.000Z`,
    archived: archive,
  });
  archive = [
    ...archive,
    ...snapshot.archive.map((object) => ({
      name: object.key.slice(archivePrefix.length),
      body: object.body,
    })),
  ];
  snapshots.push(snapshot);
}

function body(snapshot: Snapshot, name: string): string {
  const key = `snapshots/${snapshot.manifest.date}/${name}`;
  return snapshot.objects.find((object) => object.key === key)!.body.toString('utf8');
}

describe('two consecutive nights', () => {
  it('give each area’s counts of the day away when figures by area are published nightly (the old leak)', () => {
    const [before, after] = [snapshots[0]!, snapshots[1]!];
    const all = (snapshot: Snapshot, areaId: string) =>
      body(snapshot, 'internal/areas.csv')
        .split('\n')
        .find((line) => line.startsWith(`all,${areaId},`))!
        .split(',')
        .slice(3)
        .map(Number);
    for (const { area } of areas) {
      const day = body(after, 'internal/areas.csv')
        .split('\n')
        .find((line) => line.startsWith(`day,${area.areaId},`))!
        .split(',')
        .slice(3)
        .map(Number);
      const difference = all(after, area.areaId).map((value, at) => value - all(before, area.areaId)[at]!);
      // cards_active (index 1) is a state, not an event: the rest subtract exactly.
      expect(difference.filter((_, at) => at !== 1)).toEqual(day.filter((_, at) => at !== 1));
    }
  });

  it('change no partner file that holds figures by area: they only appear, on the day a period is published', () => {
    const areaIds = areas.map(({ area }) => area.areaId);
    for (let night = 1; night < nights.length; night++) {
      const [before, after] = [partnerFiles(snapshots[night - 1]!), partnerFiles(snapshots[night]!)];
      for (const [name, text] of after) {
        const byArea = areaIds.some((areaId) => text.includes(`,${areaId},`));
        if (before.has(name) && before.get(name) !== text) {
          // Only national files change from night to night, and none names an area.
          expect(byArea, name).toBe(false);
          if (name === 'partner/national-periods.csv') expect(text.startsWith(before.get(name)!)).toBe(true);
        }
        if (!before.has(name)) {
          expect(name).toMatch(/^partner\/(areas|disclosure)\/2024-01\./);
          expect(nights[night]).toBe('2024-04-15');
        }
      }
      expect([...before.keys()].every((name) => after.has(name))).toBe(true);
    }
    const published = partnerFiles(snapshots.at(-1)!).get('partner/areas/2024-01.csv')!;
    expect(published.split('\n').length - 2).toBe(6);
    expect(partnerFiles(snapshots[2]!).has('partner/areas/2024-01.csv')).toBe(false);
  });
});
