// KAIKU_CLOCK end to end: `npm start` with the clock set in the past runs every function at that time (a
// card issued today and a use recorded now get the clock's day; an instant that is now by the real clock
// is in the future for it), the clock moves on in real time, and the scripts that act as the service
// (npm run snapshot) follow the same clock. An invalid KAIKU_CLOCK is refused with one line.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helsinkiDate } from '../../shared/lib/dates.ts';
import { type ServiceProcess, startServiceProcess } from '../support/local-process.ts';
import { applicationBody, callerFor } from '../support/service.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'kaiku-clock-'));
const clock = '2025-03-10T10:00:00+02:00';
let service: ServiceProcess | undefined;

afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('KAIKU_CLOCK', () => {
  it('is refused by npm start with one line when it is not an instant', async () => {
    const refused = await run(['infra/local/start.ts'], {
      KAIKU_CLOCK: 'last spring',
      KAIKU_DATA_DIR: join(dataDir, 'refused'),
      PORT: '0',
    });
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toBe(
      "Cannot start: KAIKU_CLOCK must be an ISO 8601 instant with its zone, e.g. 2025-09-01T12:00:00+03:00 or 2025-09-01T09:00:00Z (it is 'last spring').\n",
    );
  });

  it('runs the whole service at that time, moving on from there', async () => {
    const startedAt = Date.now();
    service = await startServiceProcess(dataDir, { KAIKU_CLOCK: clock });
    const offset = Date.parse(clock) - startedAt;
    expect(service.output()).toMatch(
      /Clock: KAIKU_CLOCK, the service runs as if it were 2025-03-10T08:00:\d\d/,
    );
    // The nightly schedule is the clock's: 02:30 Helsinki on its next night.
    expect(service.output()).toContain('Next nightly statistics snapshot: 2025-03-11T00:30:00.000Z');
    const runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    expect(Math.abs(runtime.clockOffsetMs - offset)).toBeLessThan(10_000);

    const call = callerFor(service.url);
    const admin = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    const applied = await call('POST', '/v1/applications', {
      body: applicationBody({ municipalityCodes: ['091'], welfareArea: 'HKI' }),
    });
    expect(applied.status, applied.text).toBe(201);
    const approved = await call('POST', `/v1/applications/${applied.body.id}/approve`, {
      key: admin,
      body: {},
    });
    const areaId = approved.body.areaId as string;
    const area = await call('GET', `/v1/areas/${areaId}`, { key: admin });
    expect(helsinkiDate(new Date(area.body.createdAt))).toBe('2025-03-10');
    const areaAdmin = (
      await call('GET', `/v1/applications/${applied.body.id}`, {
        headers: { 'x-claim-token': applied.body.claimToken },
      })
    ).body.apiKey as string;
    const organisation = async (kind: string) => {
      const org = await call('POST', `/v1/areas/${areaId}/organisations`, {
        key: areaAdmin,
        body: { kind, name: `Clock ${kind}`, municipalityCode: '091', contactEmail: 'clock@example.org' },
      });
      const key = await call('POST', `/v1/organisations/${org.body.id}/keys`, { key: areaAdmin, body: {} });
      return key.body.apiKey as string;
    };
    const distributor = await organisation('distributor');
    const venue = await organisation('venue');

    // A card issued today is issued on the clock's day, valid for the clock's year.
    const card = await call('POST', '/v1/cards', { key: distributor, body: { cardType: 'community' } });
    expect(card.status, card.text).toBe(201);
    expect(helsinkiDate(new Date(card.body.issuedAt))).toBe('2025-03-10');
    expect(card.body.validUntil).toBe('2026-03-09');

    // A use recorded now happens at the clock's now, and the clock moves on.
    const use = (key: string, body: Record<string, unknown> = {}) =>
      call('POST', '/v1/usages', {
        key: venue,
        headers: { 'idempotency-key': key },
        body: { cardNumber: card.body.cardNumber, sector: 'culture', adults: 1, children: 0, ...body },
      });
    const first = await use('clock-1');
    expect(first.status, first.text).toBe(201);
    const firstAt = Date.parse(first.body.occurredAt);
    expect(helsinkiDate(new Date(firstAt))).toBe('2025-03-10');
    expect(Math.abs(firstAt - (Date.now() + offset))).toBeLessThan(10_000);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const second = await use('clock-2');
    expect(second.status, second.text).toBe(201);
    const moved = Date.parse(second.body.occurredAt) - firstAt;
    expect(moved).toBeGreaterThanOrEqual(1100);
    expect(moved).toBeLessThan(60_000);

    // The real time is in the service's future.
    const realNow = await use('clock-3', { occurredAt: new Date().toISOString() });
    expect(realNow.status).toBe(400);
    expect(realNow.body.error.details).toEqual([
      { field: 'occurredAt', problem: 'may not be in the future' },
    ]);

    // The day's figures so far, by the clock's today (the day's use counters follow from the stream,
    // which the service reads every second).
    const summaryOf = () =>
      call('GET', `/v1/stats/summary?from=2025-03-10&to=2025-03-10&areaId=${areaId}`, { key: admin });
    await expect.poll(async () => (await summaryOf()).body.uses, { timeout: 10_000 }).toBe(2);
    const summary = await summaryOf();
    expect(summary.status, summary.text).toBe(200);
    expect(summary.body).toMatchObject({ cardsRegistered: 1, uses: 2, adultUses: 2 });

    // npm run snapshot acts as the service: its "yesterday" is the clock's.
    const snapshot = await run(['scripts/snapshot.ts'], { KAIKU_DATA_DIR: dataDir, PORT: '' });
    expect(snapshot.code, snapshot.err).toBe(0);
    expect(snapshot.out).toMatch(/^Snapshot of 2025-03-09 written from the local service/m);
  }, 180_000);
});
