import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../shared/lib/csv.ts';
import { nationalAgeGroupsHeader, nationalPeriodsHeader } from '../../../shared/stats/files/closed-files.ts';
import type { SnapshotInput } from '../../../shared/stats/model/input.ts';
import {
  ageGroupsHeader,
  areasHeader,
  buildSnapshot,
  monthlyHeader,
  partnerManifest,
  type Snapshot,
} from '../../../shared/stats/snapshot/files.ts';
import { prng, sampleInput, shuffle } from './support.ts';

const generatedAt = '2025-03-15T00:30:00.000Z';

function body(snapshot: Snapshot, name: string): string {
  const object = snapshot.objects.find(
    (candidate) => candidate.key === `snapshots/${snapshot.manifest.date}/${name}`,
  );
  if (!object) throw new Error(`no ${name}`);
  return object.body.toString('utf8');
}

function table(snapshot: Snapshot, name: string): string[][] {
  return parseCsv(body(snapshot, name));
}

const internalFiles = [
  'national.json',
  'areas.csv',
  'monthly.csv',
  'age-groups.csv',
  'charts/monthly-uses.svg',
  'charts/sectors.svg',
].map((name) => `internal/${name}`);
/** The partner tier before any period has closed: national figures only. */
const partnerFiles = [
  'national.json',
  'monthly.csv',
  'charts/monthly-uses.svg',
  'charts/sectors.svg',
  'national-periods.csv',
  'national-age-groups.csv',
].map((name) => `partner/${name}`);

describe('snapshot files', async () => {
  const input = sampleInput(7);
  const snapshot = await buildSnapshot(input, { generatedAt });

  it('writes every file, then the manifest, then latest.json', () => {
    expect(snapshot.objects.map((object) => object.key)).toEqual([
      ...[...internalFiles, ...partnerFiles].map((name) => `snapshots/2025-03-14/${name}`),
      'snapshots/2025-03-14/manifest.json',
      'snapshots/latest.json',
    ]);
    expect(snapshot.archive).toEqual([]);
    expect(JSON.parse(snapshot.objects.at(-1)!.body.toString())).toEqual({
      date: '2025-03-14',
      manifest: 'snapshots/2025-03-14/manifest.json',
    });
    expect(snapshot.objects.map((object) => object.contentType)).toContain('text/csv; charset=utf-8');
  });

  it('has the contract headers, LF line endings and one row per period and area', () => {
    expect(body(snapshot, 'internal/areas.csv').split('\n')[0]).toBe(areasHeader);
    expect(body(snapshot, 'internal/age-groups.csv').split('\n')[0]).toBe(ageGroupsHeader);
    for (const tier of ['internal', 'partner'])
      expect(body(snapshot, `${tier}/monthly.csv`).split('\n')[0]).toBe(monthlyHeader);
    const areas = table(snapshot, 'internal/areas.csv').slice(1);
    expect(areas.map((row) => `${row[0]} ${row[1]}`)).toEqual(
      ['day', 'month', 'year', 'all'].flatMap((period) =>
        input.areas.map((area) => `${period} ${area.areaId}`),
      ),
    );
    expect(areas[0]?.[2]).toBe(input.areas[0]?.areaName);
    // No period has closed in this input: the national files of closed periods have their header only.
    expect(body(snapshot, 'partner/national-periods.csv')).toBe(`${nationalPeriodsHeader}\n`);
    expect(body(snapshot, 'partner/national-age-groups.csv')).toBe(`${nationalAgeGroupsHeader}\n`);
    expect(areasHeader).toBe(
      'period,area_id,area_name,cards_registered,cards_active,cards_taken_into_use,uses,adult_uses,child_uses,culture_adult_uses,culture_child_uses,education_adult_uses,education_child_uses,science_adult_uses,science_child_uses,sport_adult_uses,sport_child_uses',
    );
    expect(monthlyHeader).toBe(
      'month,uses,adult_uses,child_uses,culture_uses,education_uses,science_uses,sport_uses',
    );
    expect(ageGroupsHeader).toBe('period,area_id,age_group,cards_registered,uses');
    for (const object of snapshot.objects) {
      expect(object.body.includes('\r')).toBe(false);
      expect(object.body.toString().endsWith('\n')).toBe(true);
    }
  });

  it('publishes the exact figures in internal/ and national.json in both tiers', () => {
    const national = JSON.parse(body(snapshot, 'internal/national.json'));
    expect(national).toEqual({ date: input.date, periods: input.national });
    expect(body(snapshot, 'partner/national.json')).toBe(body(snapshot, 'internal/national.json'));
    expect(body(snapshot, 'partner/monthly.csv')).toBe(body(snapshot, 'internal/monthly.csv'));
    const first = input.areas[0]!.periods.year;
    const row = table(snapshot, 'internal/areas.csv').find(
      (cells) => cells[0] === 'year' && cells[1] === 'A001',
    );
    expect(row?.slice(3, 9).map(Number)).toEqual([
      first.cardsRegistered,
      first.cardsActive,
      first.cardsTakenIntoUse,
      first.uses,
      first.adultUses,
      first.childUses,
    ]);
  });

  it('lists every data file in the manifest with its size, hash and rows', () => {
    const manifest = JSON.parse(body(snapshot, 'manifest.json'));
    expect(manifest).toEqual(JSON.parse(JSON.stringify(snapshot.manifest)));
    expect(Object.keys(manifest)).toEqual(['date', 'generatedAt', 'schemaVersion', 'source', 'files']);
    expect(manifest).toMatchObject({ date: '2025-03-14', generatedAt, schemaVersion: 1 });
    expect(manifest.source).toEqual({ counters: 'daily', seed: 7, table: 'kaiku-test' });
    expect(manifest.files).toHaveLength(12);
    expect(manifest.files.map((file: { name: string }) => file.name)).toEqual([
      ...internalFiles,
      ...partnerFiles,
    ]);
    for (const file of manifest.files) {
      const object = snapshot.objects.find(
        (candidate) => candidate.key === `snapshots/2025-03-14/${file.name}`,
      )!;
      expect(file.bytes).toBe(object.body.length);
      expect(file.sha256).toBe(createHash('sha256').update(object.body).digest('hex'));
      const text = object.body.toString();
      if (file.name.endsWith('.csv')) expect(file.rows).toBe(text.split('\n').length - 2);
      else if (file.name.endsWith('.json')) expect(file.rows).toBe(4);
      else expect(file.rows).toBe(text.match(/<rect [^>]*><title>/g)?.length);
    }
  });

  it("shows a partner only the partner tier's files", () => {
    const manifest = partnerManifest(snapshot.manifest);
    // Figures by area are not in the daily partner files: partners get them by closed period only.
    expect(manifest.files.map((file) => file.name)).toEqual(partnerFiles);
    expect(manifest.date).toBe(snapshot.manifest.date);
    // Nothing of the table or its key layout.
    expect(manifest.source).toEqual({});
    expect(
      JSON.stringify(partnerManifest({ ...snapshot.manifest, source: { asOf: 'D', table: 't' } }).source),
    ).toBe('{"asOf":"D"}');
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same data, whatever order it came in', async () => {
    const input = sampleInput(11);
    const random = prng(3);
    const reordered: SnapshotInput = {
      ...input,
      areas: shuffle(random, input.areas),
      monthly: shuffle(random, input.monthly),
      ageGroups: shuffle(random, input.ageGroups),
      source: Object.fromEntries(Object.entries(input.source).reverse()),
    };
    const first = await buildSnapshot(input, { generatedAt });
    const second = await buildSnapshot(reordered, { generatedAt });
    expect(second.objects).toEqual(first.objects);
  });

  it('differs only in the manifest when generated at another time', async () => {
    const input = sampleInput(12);
    const first = await buildSnapshot(input, { generatedAt });
    const later = await buildSnapshot(input, { generatedAt: '2025-03-16T08:00:00.000Z' });
    const differing = first.objects.filter(
      (object, index) => !object.body.equals(later.objects[index]!.body),
    );
    expect(differing.map((object) => object.key)).toEqual(['snapshots/2025-03-14/manifest.json']);
  });
});

describe('the whole country', () => {
  it('takes little time for 309 areas and a long history (no period closing that day)', async () => {
    const input = sampleInput(99, { areas: 309, history: 400, activity: 0.5 });
    const started = performance.now();
    const snapshot = await buildSnapshot(input, { generatedAt });
    expect(snapshot.objects).toHaveLength(14);
    expect(snapshot.manifest.files.find((file) => file.name === 'internal/areas.csv')?.rows).toBe(4 * 309);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
