// Partner files of closed periods through buildSnapshot: what a period's files hold, that they are
// computed once and carried byte for byte, and what happens to an area that cannot be protected.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../shared/lib/csv.ts';
import { closedAreasHeader, nationalPeriodsHeader } from '../../../shared/stats/files/closed-files.ts';
import type { ClosedPeriodFigures, Counts } from '../../../shared/stats/model/closed-figures.ts';
import { countColumns } from '../../../shared/stats/model/closed-figures.ts';
import { type PeriodDisclosure, protectionRule } from '../../../shared/stats/model/disclosure.ts';
import { buildSnapshot, partnerManifest } from '../../../shared/stats/snapshot/files.ts';
import { closedFigures, partnerFiles, publishSeries, randomScheme, schemeInput } from './schemes.ts';

const scheme = randomScheme(7, { areas: 8, firstMonth: '2024-01', months: 6 });
// January 2024 closes on 15 April, February on 14 May, March and the first quarter on 14 June.
const dates = ['2024-04-15', '2024-04-16', '2024-05-14', '2024-06-14'];
const series = await publishSeries(scheme, dates);
const files = (index: number) => partnerFiles(series[index]!.snapshot);

describe('a closed period', () => {
  it('is published the day it closes, with its files listed with the day they were first published', () => {
    const manifest = partnerManifest(series[0]!.snapshot.manifest);
    expect(manifest.files.map((file) => file.name)).toEqual([
      'partner/national.json',
      'partner/monthly.csv',
      'partner/charts/monthly-uses.svg',
      'partner/charts/sectors.svg',
      'partner/national-periods.csv',
      'partner/national-age-groups.csv',
      'partner/areas/2024-01.csv',
      'partner/disclosure/2024-01.json',
    ]);
    const entry = manifest.files.find((file) => file.name === 'partner/areas/2024-01.csv')!;
    expect(entry).toMatchObject({ firstPublished: '2024-04-15', rows: 8 });
    expect(manifest.files.find((file) => file.name === 'partner/national.json')).not.toHaveProperty(
      'firstPublished',
    );
    const later = partnerManifest(series[3]!.snapshot.manifest);
    expect(later.files.find((file) => file.name === 'partner/areas/2024-01.csv')).toEqual(entry);
    expect(
      later.files.filter((file) => file.name.startsWith('partner/areas/')).map((file) => file.name),
    ).toEqual([
      'partner/areas/2024-01.csv',
      'partner/areas/2024-02.csv',
      'partner/areas/2024-03.csv',
      'partner/areas/2024-Q1.csv',
    ]);
  });

  it('hides counts 1 to 4 as .., keeps zeros, and adds up to the exact national row', () => {
    const exact = closedFigures(scheme, '2024-06-14');
    for (const period of ['2024-01', '2024-Q1']) {
      const figures = exact.find((candidate) => candidate.period === period)!;
      const [header, ...rows] = parseCsv(files(3).get(`partner/areas/${period}.csv`)!);
      expect(header!.join(',')).toBe(closedAreasHeader(period));
      const columns = header!.slice(3);
      for (const row of rows) {
        const area = figures.areas.find((candidate) => candidate.areaId === row[1])!;
        columns.forEach((column, at) => {
          const value = area.counts[column as keyof Counts];
          const shown = row[at + 3]!;
          if (shown === '..') expect(value).toBeGreaterThan(0);
          else expect(Number(shown)).toBe(value);
          if (value >= 1 && value <= 4) expect(shown).toBe('..');
        });
      }
      const national = parseCsv(files(3).get('partner/national-periods.csv')!).find(
        (row) => row[0] === period,
      )!;
      expect(national.slice(1).map(Number)).toEqual(
        countColumns.map((column) => figures.areas.reduce((sum, area) => sum + area.counts[column], 0)),
      );
    }
    expect(files(3).get('partner/national-periods.csv')!.split('\n')[0]).toBe(nationalPeriodsHeader);
  });

  it('is carried byte for byte by every later snapshot, and only new periods enter the archive', () => {
    for (const index of [1, 2, 3])
      for (const [name, body] of files(index - 1))
        if (/^partner\/(areas|age-groups|disclosure)\//.test(name))
          expect(files(index).get(name), name).toBe(body);
    expect(series[1]!.snapshot.archive).toEqual([]);
    expect(series[3]!.snapshot.archive.map((object) => object.key)).toEqual([
      'snapshots/closed-periods/national/2024-03.csv',
      'snapshots/closed-periods/partner/areas/2024-03.csv',
      'snapshots/closed-periods/partner/disclosure/2024-03.json',
      'snapshots/closed-periods/national/2024-Q1.csv',
      'snapshots/closed-periods/partner/areas/2024-Q1.csv',
      'snapshots/closed-periods/partner/disclosure/2024-Q1.json',
    ]);
  });

  it('is never computed again: the archive’s bytes are what later snapshots carry', async () => {
    const archive = series[0]!.archive.map((file) =>
      file.name === 'partner/areas/2024-01.csv'
        ? { ...file, body: Buffer.from(file.body.toString().replace('Alue 1,', 'Alue 1 (as published),')) }
        : file,
    );
    const snapshot = await buildSnapshot(schemeInput(scheme, '2024-04-20'), {
      generatedAt: '2024-04-20T23:59:00.000Z',
      archived: archive,
    });
    expect(partnerFiles(snapshot).get('partner/areas/2024-01.csv')).toContain('Alue 1 (as published),');
    expect(snapshot.archive).toEqual([]);
  });

  it('records its disclosure control and the audit in disclosure/P.json', () => {
    const disclosure = JSON.parse(files(3).get('partner/disclosure/2024-Q1.json')!) as PeriodDisclosure;
    expect(disclosure).toMatchObject({
      period: '2024-Q1',
      firstPublished: '2024-06-14',
      files: ['partner/areas/2024-Q1.csv'],
      threshold: 5,
      rule: protectionRule,
      audit: { periods: ['2024-01', '2024-02', '2024-03', '2024-Q1'], result: 'passed' },
    });
    const body = files(3).get('partner/areas/2024-Q1.csv')!;
    // Areas the audit could not protect are left out (here: alone with a count in a sector column).
    const rows = body.split('\n').length - 2;
    expect(rows + disclosure.leftOut.length).toBe(8);
    // How many are hidden, and nothing that tells which of them are small.
    const hidden = body.split(/[,\n]/).filter((cell) => cell === '..').length;
    expect(disclosure.hidden).toBe(hidden);
  });

  it('comes out byte-identical when computed again from the same figures and archive', async () => {
    const again = await publishSeries(scheme, dates);
    for (const [index, published] of series.entries()) {
      expect(
        again[index]!.snapshot.objects.filter((object) => !object.key.endsWith('manifest.json')),
      ).toEqual(published.snapshot.objects.filter((object) => !object.key.endsWith('manifest.json')));
      expect(again[index]!.snapshot.archive).toEqual(published.snapshot.archive);
    }
  });

  it('is left out of an older day’s snapshot when it closed after that day', async () => {
    const snapshot = await buildSnapshot(schemeInput(scheme, '2024-05-01'), {
      generatedAt: '2024-05-01T23:59:00.000Z',
      archived: series[3]!.archive,
    });
    const names = [...partnerFiles(snapshot).keys()].filter((name) => name.startsWith('partner/areas/'));
    expect(names).toEqual(['partner/areas/2024-01.csv']);
  });
});

/** A month of two areas; only the first registered any cards, so the national figure is its own. */
function lonelyMonth(): ClosedPeriodFigures {
  const counts = (values: Partial<Counts>): Counts =>
    Object.fromEntries(countColumns.map((column) => [column, values[column] ?? 0])) as Counts;
  return {
    period: '2025-01',
    areas: [
      {
        areaId: 'A1',
        areaName: 'Pieni',
        counts: counts({
          cards_registered: 3,
          uses: 30,
          adult_uses: 20,
          child_uses: 10,
          culture_adult_uses: 20,
          culture_child_uses: 10,
        }),
      },
      {
        areaId: 'A2',
        areaName: 'Iso',
        counts: counts({
          cards_taken_into_use: 9,
          uses: 300,
          adult_uses: 200,
          child_uses: 100,
          sport_adult_uses: 200,
          sport_child_uses: 100,
        }),
      },
    ],
    ageGroups: [],
  };
}

describe('an area that cannot be protected', () => {
  it('is left out of the period’s file, and the disclosure record says so', async () => {
    const input = { ...schemeInput(scheme, '2025-04-16'), closedPeriods: [lonelyMonth()] };
    const snapshot = await buildSnapshot(input, { generatedAt: '2025-04-16T23:59:00.000Z' });
    const partner = partnerFiles(snapshot);
    // A1 cannot be protected: left out. Its 3 would still be the national 3 minus A2's 0, so A2's row
    // goes too; a reader then knows of each no more than the national figures say (0 to 3).
    const rows = parseCsv(partner.get('partner/areas/2025-01.csv')!).slice(1);
    expect(rows.map((row) => row[1])).toEqual([]);
    const disclosure = JSON.parse(partner.get('partner/disclosure/2025-01.json')!) as PeriodDisclosure;
    expect(disclosure.leftOut).toEqual([
      { file: 'partner/areas/2025-01.csv', areaId: 'A1' },
      { file: 'partner/areas/2025-01.csv', areaId: 'A2' },
    ]);
    // The operators' log says why; the partner file does not.
    expect(snapshot.disclosure.leftOut).toEqual([
      expect.objectContaining({ areaId: 'A1', reason: expect.stringContaining('areas 2025-01 A1') }),
      expect.objectContaining({ areaId: 'A2', reason: expect.any(String) }),
    ]);
    // The national figures stay exact all the same.
    expect(partner.get('partner/national-periods.csv')).toContain('\n2025-01,3,9,330,220,110,');
  });
});
