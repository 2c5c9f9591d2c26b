import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../shared/csv.ts';
import type { SnapshotInput } from '../../../shared/stats/figures.ts';
import {
  ageGroupsHeader,
  areasHeader,
  buildSnapshot,
  monthlyHeader,
  partnerManifest,
  type Snapshot,
} from '../../../shared/stats/files.ts';
import { pinnedBy } from './derivable.ts';
import { prng, randomInt, sampleInput, shuffle } from './support.ts';

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

const countColumns = (header: string) =>
  header.split(',').filter((column) => !/^(period|area_id|area_name|month|age_group)$/.test(column));

describe('snapshot files', () => {
  const input = sampleInput(7);
  const snapshot = buildSnapshot(input, { generatedAt });

  it('writes every file, then the manifest, then latest.json', () => {
    expect(snapshot.objects.map((object) => object.key)).toEqual([
      ...['internal', 'partner'].flatMap((tier) =>
        [
          'national.json',
          'areas.csv',
          'monthly.csv',
          'age-groups.csv',
          'charts/monthly-uses.svg',
          'charts/sectors.svg',
        ].map((name) => `snapshots/2025-03-14/${tier}/${name}`),
      ),
      'snapshots/2025-03-14/manifest.json',
      'snapshots/latest.json',
    ]);
    expect(JSON.parse(snapshot.objects.at(-1)!.body.toString())).toEqual({
      date: '2025-03-14',
      manifest: 'snapshots/2025-03-14/manifest.json',
    });
    expect(snapshot.objects.map((object) => object.contentType)).toContain('text/csv; charset=utf-8');
  });

  it('has the contract headers, LF line endings and one row per period and area', () => {
    for (const tier of ['internal', 'partner']) {
      expect(body(snapshot, `${tier}/areas.csv`).split('\n')[0]).toBe(areasHeader);
      expect(body(snapshot, `${tier}/monthly.csv`).split('\n')[0]).toBe(monthlyHeader);
      expect(body(snapshot, `${tier}/age-groups.csv`).split('\n')[0]).toBe(ageGroupsHeader);
      const areas = table(snapshot, `${tier}/areas.csv`).slice(1);
      expect(areas.map((row) => `${row[0]} ${row[1]}`)).toEqual(
        ['day', 'month', 'year', 'all'].flatMap((period) =>
          input.areas.map((area) => `${period} ${area.areaId}`),
        ),
      );
      expect(areas[0]?.[2]).toBe(input.areas[0]?.areaName);
    }
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
    expect(manifest.files.map((file) => file.name)).toEqual([
      'partner/national.json',
      'partner/areas.csv',
      'partner/monthly.csv',
      'partner/age-groups.csv',
      'partner/charts/monthly-uses.svg',
      'partner/charts/sectors.svg',
    ]);
    expect(manifest.date).toBe(snapshot.manifest.date);
    // Nothing of the table or its key layout.
    expect(manifest.source).toEqual({});
    expect(
      JSON.stringify(partnerManifest({ ...snapshot.manifest, source: { asOf: 'D', table: 't' } }).source),
    ).toBe('{"asOf":"D"}');
  });
});

describe('determinism', () => {
  it('gives byte-identical files for the same data, whatever order it came in', () => {
    const input = sampleInput(11);
    const random = prng(3);
    const reordered: SnapshotInput = {
      ...input,
      areas: shuffle(random, input.areas),
      monthly: shuffle(random, input.monthly),
      ageGroups: shuffle(random, input.ageGroups),
      source: Object.fromEntries(Object.entries(input.source).reverse()),
    };
    const first = buildSnapshot(input, { generatedAt });
    const second = buildSnapshot(reordered, { generatedAt });
    expect(second.objects).toEqual(first.objects);
  });

  it('differs only in the manifest when generated at another time', () => {
    const input = sampleInput(12);
    const first = buildSnapshot(input, { generatedAt });
    const later = buildSnapshot(input, { generatedAt: '2025-03-16T08:00:00.000Z' });
    const differing = first.objects.filter(
      (object, index) => !object.body.equals(later.objects[index]!.body),
    );
    expect(differing.map((object) => object.key)).toEqual(['snapshots/2025-03-14/manifest.json']);
  });
});

/** Partner and exact values of one file's count cells, row by row. */
function cellsOf(snapshot: Snapshot, name: string) {
  const header = table(snapshot, `internal/${name}`)[0]!;
  const exact = table(snapshot, `internal/${name}`).slice(1);
  const partner = table(snapshot, `partner/${name}`).slice(1);
  const counts = countColumns(header.join(','));
  return exact.map((row, r) => ({
    key: row.slice(0, header.length - counts.length),
    cells: Object.fromEntries(
      counts.map((column) => {
        const at = header.indexOf(column);
        const shown = partner[r]![at]!;
        return [column, { value: Number(row[at]), hidden: shown === '..', shown }];
      }),
    ),
  }));
}

function sampleCase(index: number) {
  const random = prng(1000 + index);
  const dates = ['2025-03-14', '2025-03-01', '2025-01-01', '2024-12-31', '2025-06-30'];
  return {
    seed: 1000 + index,
    options: {
      date: dates[index % dates.length]!,
      areas: 1 + randomInt(random, 7),
      history: randomInt(random, 700),
      activity: 0.05 + random() * 0.6,
    },
  };
}

// Case 123 is one where an area's figures are equal in two nested periods only for some columns.
const sampleCases = [...Array.from({ length: 40 }, (_, index) => sampleCase(index)), sampleCase(123)];

describe('partner tier disclosure control', () => {
  it.each(sampleCases)('seed $seed: no count 1 to 4 and every zero stays 0', ({ seed, options }) => {
    const snapshot = buildSnapshot(sampleInput(seed, options), { generatedAt });
    for (const name of ['areas.csv', 'age-groups.csv'])
      for (const row of cellsOf(snapshot, name))
        for (const cell of Object.values(row.cells)) {
          if (cell.hidden) expect(cell.value).toBeGreaterThan(0);
          else expect(Number(cell.shown)).toBe(cell.value);
          if (!cell.hidden) expect(cell.value === 0 || cell.value >= 5).toBe(true);
        }
  });

  // A reader of partner/ rebuilds every sum the files publish and tries each on its own.
  it.each(sampleCases)('seed $seed: no published sum gives a hidden count away', ({ seed, options }) => {
    const input = sampleInput(seed, options);
    const snapshot = buildSnapshot(input, { generatedAt });
    const values: number[] = [];
    const hidden: boolean[] = [];
    const fixed: boolean[] = [];
    const cell = (value: number, isHidden: boolean, isFixed = false) => {
      values.push(value);
      hidden.push(isHidden);
      fixed.push(isFixed);
      return values.length - 1;
    };
    const national = JSON.parse(body(snapshot, 'partner/national.json')).periods;
    const nationalCell = (period: string, column: string) => {
      const figures = national[period];
      const [sector, kind] = column.split('_');
      const value =
        {
          cards_registered: figures.cardsRegistered,
          cards_active: figures.cardsActive,
          cards_taken_into_use: figures.cardsTakenIntoUse,
          uses: figures.uses,
          adult_uses: figures.adultUses,
          child_uses: figures.childUses,
        }[column] ?? figures.bySector[sector!][`${kind}Uses`];
      return cell(value, false, true);
    };
    const equations: { total: number; members: number[] }[] = [];
    const areaRows = cellsOf(snapshot, 'areas.csv').map((row) => ({
      period: row.key[0]!,
      areaId: row.key[1]!,
      cells: Object.fromEntries(
        Object.entries(row.cells).map(([column, c]) => [column, cell(c.value, c.hidden)]),
      ) as Record<string, number>,
    }));
    const columns = countColumns(areasHeader);
    for (const row of areaRows) {
      const c = row.cells;
      equations.push({ total: c.uses!, members: [c.adult_uses!, c.child_uses!] });
      for (const kind of ['adult', 'child'])
        equations.push({
          total: c[`${kind}_uses`]!,
          members: ['culture', 'education', 'science', 'sport'].map((sector) => c[`${sector}_${kind}_uses`]!),
        });
    }
    const periods = ['day', 'month', 'year', 'all'];
    for (const period of periods)
      for (const column of columns)
        equations.push({
          total: nationalCell(period, column),
          members: areaRows.filter((row) => row.period === period).map((row) => row.cells[column]!),
        });
    for (let p = 0; p < 3; p++)
      for (const column of columns) {
        const inner = nationalCell(periods[p]!, column);
        const outer = nationalCell(periods[p + 1]!, column);
        if (column !== 'cards_active' && values[inner] !== values[outer]) continue;
        for (const area of input.areas) {
          const find = (period: string) =>
            areaRows.find((row) => row.period === period && row.areaId === area.areaId)!;
          equations.push({
            total: find(periods[p + 1]!).cells[column]!,
            members: [find(periods[p]!).cells[column]!],
          });
        }
      }
    const ageRows = cellsOf(snapshot, 'age-groups.csv').map((row) => ({
      period: row.key[0]!,
      areaId: row.key[1]!,
      ageGroup: row.key[2]!,
      cards_registered: cell(row.cells.cards_registered!.value, row.cells.cards_registered!.hidden),
      uses: cell(row.cells.uses!.value, row.cells.uses!.hidden),
    }));
    for (const row of areaRows)
      for (const measure of ['cards_registered', 'uses'] as const) {
        const groups = ageRows.filter((age) => age.period === row.period && age.areaId === row.areaId);
        equations.push({ total: row.cells[measure]!, members: groups.map((age) => age[measure]) });
        const outer = periods[periods.indexOf(row.period) + 1];
        const outerRow = areaRows.find((other) => other.period === outer && other.areaId === row.areaId);
        if (!outerRow || values[outerRow.cells[measure]!] !== values[row.cells[measure]!]) continue;
        for (const age of groups) {
          const same = ageRows.find(
            (o) => o.period === outer && o.areaId === age.areaId && o.ageGroup === age.ageGroup,
          )!;
          equations.push({ total: same[measure], members: [age[measure]] });
        }
      }

    const ceiling = values.reduce((sum, value) => sum + value, 0) + 10;
    let exposedSums = 0;
    for (const equation of equations) {
      const sum = equation.members.reduce((acc, member) => acc + values[member]!, 0);
      expect(sum).toBe(values[equation.total]);
      if (pinnedBy(equation, values, hidden, ceiling).length === 0) continue;
      exposedSums++;
      // Only where nothing else could be hidden: the rest of the sum is national, zero or hidden.
      const open = [equation.total, ...equation.members].filter(
        (c) => !hidden[c] && !fixed[c] && values[c]! > 0,
      );
      expect(open).toEqual([]);
    }
    expect(exposedSums > 0).toBe(snapshot.disclosure.exposed.length > 0);
  });

  it('reports counts that the national figures give away when an area stands alone', () => {
    const snapshot = buildSnapshot(sampleInput(5, { areas: 1, history: 40 }), { generatedAt });
    expect(snapshot.disclosure.primary).toBeGreaterThan(0);
    expect(snapshot.disclosure.exposed.length).toBeGreaterThan(0);
    expect(snapshot.disclosure.exposed[0]).toMatch(/^areas\.csv /);
  });

  it('handles the whole country in reasonable time', () => {
    const input = sampleInput(99, { areas: 309, history: 400, activity: 0.5 });
    const started = performance.now();
    const snapshot = buildSnapshot(input, { generatedAt });
    expect(snapshot.objects).toHaveLength(14);
    expect(snapshot.manifest.files.find((file) => file.name === 'partner/areas.csv')?.rows).toBe(4 * 309);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
