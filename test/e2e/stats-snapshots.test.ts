// Statistics snapshots end to end: files written to the S3 server, the same bytes on a second run,
// latest.json last, the listing, manifests with presigned links, tiers and roles.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { addDays, today as todayOf } from '../../shared/lib/dates.ts';
import { ageGroupOf } from '../../shared/stats/counting/assemble.ts';
import { closedAreasHeader } from '../../shared/stats/files/closed-files.ts';
import { closesOn } from '../../shared/stats/model/closed-periods.ts';
import { areasHeader } from '../../shared/stats/snapshot/files.ts';
import { runSnapshot } from '../../shared/stats/snapshot/snapshot-job.ts';
import { putObject } from '../../shared/store/s3.ts';
import {
  expectError,
  putBackdatedCard,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';
import { readObjects, useFreshBucket } from '../support/stats.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let streams: StreamPoller;
let areas: TestArea[];
let partnerKey: string;
const today = todayOf();
const day = addDays(today, -1);
const prefix = `snapshots/${day}/`;
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');
const internalFiles = [
  'national.json',
  'areas.csv',
  'monthly.csv',
  'age-groups.csv',
  'charts/monthly-uses.svg',
  'charts/sectors.svg',
].map((name) => `internal/${name}`);
/** Figures by area reach partners by closed period only (below); these are national. */
const partnerDailyFiles = [
  'national.json',
  'monthly.csv',
  'charts/monthly-uses.svg',
  'charts/sectors.svg',
  'national-periods.csv',
  'national-age-groups.csv',
].map((name) => `partner/${name}`);
// Cards registered five months ago, in a month closed by now (75 days after its last day).
const oldDay = addDays(today, -150);
const closedMonth = oldDay.slice(0, 7);
const isClosedPeriodFile = (name: string) => /^partner\/(areas|age-groups|disclosure)\//.test(name);

/**
 * A snapshot requested through the API, as an admin would: the route hands the day to the snapshot
 * function (locally the invocation returns once the run is over), and the listing says when it was made.
 */
async function requestSnapshot(date?: string) {
  const reply = await service.call('POST', '/v1/stats/snapshots', {
    key: service.adminKey,
    body: date ? { date } : {},
  });
  expect(reply.status, reply.text).toBe(202);
  expect(reply.body).toEqual({ date: date ?? day, status: 'queued' });
  const listed = await service.call('GET', `/v1/stats/snapshots?limit=100`, { key: service.adminKey });
  const made = listed.body.items.find((item: { date: string }) => item.date === reply.body.date);
  return { ...reply.body, createdAt: made?.createdAt as string | undefined };
}

beforeAll(async () => {
  service = await startTestService({ bucket: await useFreshBucket() });
  streams = await startStreamCounting();
  partnerKey = await service.partnerKey();
  areas = [await service.area(), await service.area(), await service.area()];
  expect(closesOn(closedMonth) <= day).toBe(true);
  // The closed month: nine registrations in the first area, two in the second (hidden), none in the third.
  for (const [index, count] of [9, 2].entries())
    for (let i = 0; i < count; i++)
      await putBackdatedCard(areas[index]!, { issuedOn: oldDay, validUntil: addDays(oldDay, 364) });
  // Yesterday's uses: a busy area, and two small ones whose counts the partner tier must hide.
  const useCounts = [12, 3, 2];
  for (const [index, area] of areas.entries()) {
    for (let i = 0; i < useCounts[index]!; i++) {
      const card = await putBackdatedCard(area, {
        issuedOn: addDays(today, -20),
        validUntil: addDays(today, 200),
        minorChildren: 1,
      });
      const reply = await service.recordUse(area.venueKey, {
        cardNumber: card.cardNumber,
        sector: i % 3 === 0 ? 'sport' : 'culture',
        adults: 1,
        children: i % 2,
        occurredAt: `${day}T10:00:00+02:00`,
      });
      expect(reply.status).toBe(201);
    }
  }
  await streams.drain();
}, 60_000);
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
});

describe('POST /v1/stats/snapshots', () => {
  it('writes every file of both tiers, the manifest and latest.json; a second run gives the same bytes', async () => {
    const first = await requestSnapshot();
    expect(first).toMatchObject({ date: day, status: 'queued' });
    expect(first.createdAt).toBeDefined();
    const run1 = await readObjects();
    const manifest = JSON.parse(run1.get(`${prefix}manifest.json`)!.toString());
    const names: string[] = manifest.files.map((file: { name: string }) => file.name);
    expect(names.slice(0, 12)).toEqual([...internalFiles, ...partnerDailyFiles]);
    expect(names).toContain(`partner/areas/${closedMonth}.csv`);
    expect(names.slice(12).every(isClosedPeriodFile)).toBe(true);
    // Each closed period's files are kept once in the archive, which later snapshots copy them from.
    const archived = [...run1.keys()].filter((key) => key.startsWith('snapshots/closed-periods/'));
    expect(archived).toContain(`snapshots/closed-periods/partner/areas/${closedMonth}.csv`);
    expect(archived).toContain(`snapshots/closed-periods/national/${closedMonth}.csv`);
    const expected = [
      ...names.map((name) => `${prefix}${name}`),
      ...archived,
      `${prefix}manifest.json`,
      'snapshots/latest.json',
    ].sort();
    expect([...run1.keys()].sort()).toEqual(expected);
    expect(JSON.parse(run1.get('snapshots/latest.json')!.toString())).toEqual({
      date: day,
      manifest: `${prefix}manifest.json`,
    });

    expect(manifest).toMatchObject({ date: day, generatedAt: first.createdAt, schemaVersion: 1 });
    expect(manifest.source).toMatchObject({ table: service.tableName, computedFrom: { areas: 3 } });
    expect(manifest.source.computedFrom.itemsRead).toBeGreaterThan(0);
    for (const file of manifest.files) {
      const body = run1.get(`${prefix}${file.name}`)!;
      expect(file.bytes).toBe(body.length);
      expect(file.sha256).toBe(sha256(body));
    }

    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await requestSnapshot(day);
    expect(second.createdAt).not.toBe(first.createdAt);
    const run2 = await readObjects();
    for (const [key, body] of run1) {
      if (key.endsWith('manifest.json')) {
        const [one, two] = [body, run2.get(key)!].map((bytes) => JSON.parse(bytes.toString()));
        expect({ ...two, generatedAt: undefined }).toEqual({ ...one, generatedAt: undefined });
      } else expect(run2.get(key)!.equals(body), key).toBe(true);
    }
  });

  it('publishes exact internal figures, and figures by area to partners for closed periods only', async () => {
    const objects = await readObjects(prefix);
    const internal = objects.get(`${prefix}internal/areas.csv`)!.toString();
    expect(objects.has(`${prefix}partner/areas.csv`)).toBe(false);
    expect(internal.split('\n')[0]).toBe(areasHeader);
    const dayRow = (csv: string, area: TestArea) =>
      csv
        .split('\n')
        .find((line) => line.startsWith(`day,${area.areaId},`))!
        .split(',');
    // uses, adult_uses of the busy area and of one with three uses.
    expect(dayRow(internal, areas[0]!).slice(6, 8)).toEqual(['18', '12']);
    expect(dayRow(internal, areas[1]!).slice(6, 8)).toEqual(['4', '3']);
    // The closed month: the two registrations hidden, and the nine with them (the national 11 would
    // give the two away). The third area did not exist yet and counted nothing: it has no row.
    const partner = objects.get(`${prefix}partner/areas/${closedMonth}.csv`)!.toString();
    const [header, ...rows] = partner.trim().split('\n');
    expect(header).toBe(closedAreasHeader(closedMonth));
    const row = (area: TestArea) => rows.find((line) => line.includes(`,${area.areaId},`))!.split(',');
    expect(row(areas[1]!)[3]).toBe('..');
    expect(row(areas[0]!)[3]).toBe('..');
    expect(rows.some((line) => line.includes(`,${areas[2]!.areaId},`))).toBe(false);
    const nationalRow = objects
      .get(`${prefix}partner/national-periods.csv`)!
      .toString()
      .split('\n')
      .find((line) => line.startsWith(`${closedMonth},`))!;
    expect(nationalRow.split(',')[1]).toBe('11');
    const disclosure = JSON.parse(objects.get(`${prefix}partner/disclosure/${closedMonth}.json`)!.toString());
    // How many are hidden and that the audit passed: nothing of which are small, no ranges.
    expect(disclosure).toMatchObject({
      period: closedMonth,
      firstPublished: day,
      hidden: partner.split(/[,\n]/).filter((cell) => cell === '..').length,
      leftOut: [],
      audit: { result: 'passed' },
    });
    expect(JSON.stringify({ ...disclosure, rule: undefined })).not.toMatch(/primary|secondary|\d+\.\.\d+/);
    // National figures are exact in both tiers.
    const national = (tier: string) => JSON.parse(objects.get(`${prefix}${tier}/national.json`)!.toString());
    expect(national('partner')).toEqual(national('internal'));
    expect(national('internal').periods.day).toMatchObject({
      uses: 25,
      adultUses: 17,
      childUses: 8,
      cardsTakenIntoUse: 17,
    });
    // Age groups: the holders were born in 1975.
    const ages = objects.get(`${prefix}internal/age-groups.csv`)!.toString();
    const group = ageGroupOf('1975', day);
    expect(ages).toContain(`day,${areas[0]!.areaId},${group},0,18\n`);
  });

  it('writes latest.json last, after the manifest, which comes after every file', async () => {
    const order: string[] = [];
    const run = await runSnapshot(day, {
      write: async (object) => {
        await putObject(object.key, object.body, object.contentType);
        order.push(object.key);
      },
    });
    // Closed periods are in the archive already: nothing new to archive, nothing recomputed.
    expect(run.disclosure.newPeriods).toEqual([]);
    expect(order).toHaveLength(run.files + 2);
    expect(order.filter((key) => key.startsWith('snapshots/closed-periods/'))).toEqual([]);
    expect(order.at(-1)).toBe('snapshots/latest.json');
    expect(order.at(-2)).toBe(`${prefix}manifest.json`);
  });

  it('leaves latest.json on the newest finished day: not moved back by an older day, nor to today', async () => {
    expect((await requestSnapshot(addDays(day, -1))).createdAt).toBeDefined();
    expect((await requestSnapshot(today)).createdAt).toBeDefined();
    const latest = (await readObjects('snapshots/latest.json')).get('snapshots/latest.json')!;
    expect(JSON.parse(latest.toString()).date).toBe(day);
  });

  it('takes any day up to today; none later, and only from an admin', async () => {
    expectError(
      await service.call('POST', '/v1/stats/snapshots', {
        key: service.adminKey,
        body: { date: addDays(today, 1) },
      }),
      400,
      'VALIDATION_FAILED',
      ['date'],
    );
    for (const key of [partnerKey, areas[0]!.areaAdminKey])
      expectError(await service.call('POST', '/v1/stats/snapshots', { key, body: {} }), 403, 'FORBIDDEN');
  });
});

describe('GET /v1/stats/snapshots', () => {
  it('lists the snapshots, newest first, with the time each was made, to admins and partners', async () => {
    for (const key of [service.adminKey, partnerKey]) {
      const reply = await service.call('GET', '/v1/stats/snapshots', { key });
      expect(reply.status).toBe(200);
      expect(reply.body.items.map((item: { date: string }) => item.date)).toEqual([
        today,
        day,
        addDays(day, -1),
      ]);
      const manifest = JSON.parse(
        (await readObjects(`${prefix}manifest.json`)).get(`${prefix}manifest.json`)!.toString(),
      );
      expect(reply.body.items[1]).toEqual({ date: day, createdAt: manifest.generatedAt });
    }
    const paged = await service.call('GET', '/v1/stats/snapshots?limit=2', { key: partnerKey });
    expect(paged.body.items).toHaveLength(2);
    const rest = await service.call('GET', `/v1/stats/snapshots?cursor=${paged.body.nextCursor}`, {
      key: partnerKey,
    });
    expect(rest.body.items.map((item: { date: string }) => item.date)).toEqual([addDays(day, -1)]);
    expectError(
      await service.call('GET', '/v1/stats/snapshots', { key: areas[0]!.areaAdminKey }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('GET /v1/stats/snapshots/{date}', () => {
  it('gives an admin every file with a link that fetches exactly the file', async () => {
    const reply = await service.call('GET', `/v1/stats/snapshots/${day}`, { key: service.adminKey });
    expect(reply.status).toBe(200);
    expect(reply.body.files.slice(0, 12).map((file: { name: string }) => file.name)).toEqual([
      ...internalFiles,
      ...partnerDailyFiles,
    ]);
    expect(Date.parse(reply.body.urlsExpireAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    for (const file of reply.body.files) {
      const url = new URL(file.url);
      expect(url.pathname).toBe(`/${process.env.STATS_BUCKET}/${prefix}${file.name}`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
      const fetched = Buffer.from(await (await fetch(file.url)).arrayBuffer());
      expect(sha256(fetched), file.name).toBe(file.sha256);
      expect(fetched.length).toBe(file.bytes);
    }
  });

  it('gives a partner the partner tier only', async () => {
    const reply = await service.call('GET', `/v1/stats/snapshots/${day}`, { key: partnerKey });
    expect(reply.status).toBe(200);
    const names = reply.body.files.map((file: { name: string }) => file.name);
    expect(names.slice(0, 6)).toEqual(partnerDailyFiles);
    expect(names.slice(6).every(isClosedPeriodFile)).toBe(true);
    const areasCsv = reply.body.files.find(
      (file: { name: string }) => file.name === `partner/areas/${closedMonth}.csv`,
    );
    expect(areasCsv.firstPublished).toBe(day);
    const body = await (await fetch(areasCsv.url)).text();
    expect(body.startsWith(`${closedAreasHeader(closedMonth)}\n`)).toBe(true);
    expect(body).toContain('..');
    // When the figures were taken, and nothing of the table or its key layout.
    expect(Object.keys(reply.body.source)).toEqual(['asOf']);
    expect(reply.text).not.toContain(service.tableName);
    expect(reply.text).not.toContain('AGG#');
  });

  it('answers 404 for a day without a snapshot, 400 for what is not a day, 403 to other roles', async () => {
    expectError(
      await service.call('GET', '/v1/stats/snapshots/2001-01-01', { key: partnerKey }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await service.call('GET', '/v1/stats/snapshots/2001-02-30', { key: partnerKey }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await service.call('GET', `/v1/stats/snapshots/${day}`, { key: areas[0]!.venueKey }),
      403,
      'FORBIDDEN',
    );
  });
});
