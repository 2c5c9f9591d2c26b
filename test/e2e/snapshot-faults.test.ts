// S3 failing in the middle of a snapshot (every PutObject from the n-th on refused with a 503, injected
// inside the snapshot function's own S3 client): the run fails, latest.json keeps pointing at a complete
// snapshot whose every file matches its manifest, and a rerun completes the day. Also when the day being
// recomputed with new figures is the one latest.json points at.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { jobHandlers } from '../../shared/http/routes.ts';
import { addDays, today as todayOf } from '../../shared/lib/dates.ts';
import { latestKey } from '../../shared/stats/snapshot/files.ts';
import { putBackdatedCard, startTestService, type TestArea, type TestService } from '../support/service.ts';
import { readObjects, useFreshBucket } from '../support/stats.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let streams: StreamPoller;
let area: TestArea;
const today = todayOf();
const older = addDays(today, -2);
const newer = addDays(today, -1);
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

async function recordOn(day: string, count: number) {
  for (let i = 0; i < count; i++) {
    const card = await putBackdatedCard(area, {
      issuedOn: addDays(today, -20),
      validUntil: addDays(today, 200),
    });
    const reply = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
      occurredAt: `${day}T10:00:00+02:00`,
    });
    expect(reply.status, reply.text).toBe(201);
  }
  await streams.drain();
}

const snapshot = (date: string) => service.deployment.functions.invoke(jobHandlers.snapshot, { date });

/** Where latest.json points, after checking that every file its manifest lists is there, unchanged. */
async function latestIsComplete(): Promise<string | undefined> {
  const objects = await readObjects('snapshots/');
  const latest = objects.get(latestKey);
  if (!latest) return undefined;
  const pointer = JSON.parse(latest.toString('utf8')) as { date: string; manifest: string };
  const manifest = objects.get(pointer.manifest);
  expect(manifest, `latest.json points at ${pointer.manifest}, which is missing`).toBeDefined();
  const { files } = JSON.parse(manifest!.toString('utf8')) as { files: { name: string; sha256: string }[] };
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const body = objects.get(`snapshots/${pointer.date}/${file.name}`);
    expect(body, `${file.name} is missing`).toBeDefined();
    expect(sha256(body!), `${file.name} is not the file its manifest lists`).toBe(file.sha256);
  }
  return pointer.date;
}

beforeAll(async () => {
  service = await startTestService({ bucket: await useFreshBucket() });
  streams = await startStreamCounting();
  area = await service.area();
  await recordOn(older, 6);
  await recordOn(newer, 7);
}, 120_000);
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
});

describe('S3 failing in the middle of a snapshot', () => {
  it('a new day: the run fails, latest.json stays on the complete day before, a rerun completes it', async () => {
    await snapshot(older);
    expect(await latestIsComplete()).toBe(older);

    await service.deployment.functions.injectFaults({
      s3: { failPutsFrom: 5 },
      functions: [jobHandlers.snapshot],
    });
    await expect(snapshot(newer)).rejects.toThrow(/ServiceUnavailable/);
    const written = [...(await readObjects(`snapshots/${newer}/`)).keys()];
    expect(written.length).toBeGreaterThan(0);
    expect(written).not.toContain(`snapshots/${newer}/manifest.json`);
    expect(await latestIsComplete()).toBe(older);
    const listed = await service.call('GET', `/v1/stats/snapshots/${newer}`, { key: service.adminKey });
    expect(listed.status).toBe(404);

    await service.deployment.functions.injectFaults(undefined);
    await snapshot(newer);
    expect(await latestIsComplete()).toBe(newer);
  }, 120_000);

  it('the latest day recomputed with new figures: latest.json steps back while its files are rewritten', async () => {
    const before = (await readObjects(`snapshots/${newer}/`)).get(`snapshots/${newer}/internal/areas.csv`)!;
    await recordOn(newer, 2);

    await service.deployment.functions.injectFaults({
      s3: { failPutsFrom: 4 },
      functions: [jobHandlers.snapshot],
    });
    await expect(snapshot(newer)).rejects.toThrow(/ServiceUnavailable/);
    expect(await latestIsComplete()).toBe(older);

    await service.deployment.functions.injectFaults(undefined);
    await snapshot(newer);
    expect(await latestIsComplete()).toBe(newer);
    const after = (await readObjects(`snapshots/${newer}/`)).get(`snapshots/${newer}/internal/areas.csv`)!;
    expect(after.equals(before)).toBe(false);
  }, 120_000);

  it('the latest day recomputed with the same figures: it stays latest even when the run fails', async () => {
    // Same data, same day: the same bytes, so the files half rewritten are still the ones listed.
    await service.deployment.functions.injectFaults({
      s3: { failPutsFrom: 3 },
      functions: [jobHandlers.snapshot],
    });
    await expect(snapshot(newer)).rejects.toThrow(/ServiceUnavailable/);
    expect(await latestIsComplete()).toBe(newer);
    await service.deployment.functions.injectFaults(undefined);
  }, 120_000);
});
