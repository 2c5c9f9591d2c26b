// npm run seed follows Retry-After and finishes a half-done folder (issue 21): the script runs as its own
// process against a test service through a small proxy that answers 503 with Retry-After now and then, and,
// on the first run, cuts it short with a 500 after some of the cards. The second run carries on and the
// service ends with exactly the planned cards and uses, each once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPlan } from '../../scripts/seed.ts';
import { today } from '../../shared/lib/dates.ts';
import { startTestIdentity, type TestIdentity } from '../support/identity.ts';
import { scanTable, startTestService, type TestService } from '../support/service.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const cardCount = 20;
const useCount = 120;

let service: TestService;
let identity: TestIdentity;
let dataDir: string;
let proxy: Server;
const behaviour = { requests: 0, unavailable: 0, cardsLeft: Number.POSITIVE_INFINITY, broken: false };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kaiku-seed-resume-'));
  // Invitations land in the data folder's outbox, as npm start's do: the seed reads them there.
  identity = await startTestIdentity({ root: dataDir });
  service = await startTestService({ identity });
  writeFileSync(join(dataDir, 'admin-key'), `${service.adminKey}\n`, { mode: 0o600 });
  proxy = createServer(async (request, response) => {
    behaviour.requests++;
    // Every seventh request: come back in a second, as the gateway does when a function is busy.
    if (behaviour.requests % 7 === 0) {
      behaviour.unavailable++;
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      response.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'try again shortly' } }));
      return;
    }
    if (request.method === 'POST' && request.url === '/v1/cards' && --behaviour.cardsLeft < 0)
      behaviour.broken = true;
    if (behaviour.broken) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'the run is cut short here' } }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        ([name]) => !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const answer = await fetch(`${service.url}${request.url}`, {
      method: request.method,
      headers,
      ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    // fetch has decoded the body: its length and encoding are this proxy's to state.
    const passed = [...answer.headers].filter(
      ([name]) => !['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name),
    );
    response.writeHead(answer.status, Object.fromEntries(passed));
    response.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await service?.stop();
  await identity?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function runSeed(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { port } = proxy.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/seed.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        KAIKU_URL: `http://127.0.0.1:${port}`,
        KAIKU_DATA_DIR: dataDir,
        KAIKU_SEED_CARDS: String(cardCount),
        KAIKU_SEED_USES: String(useCount),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run seed, cut short and run again', () => {
  it('waits out 503 Retry-After, and a second run finishes the half-seeded folder exactly', async () => {
    behaviour.cardsLeft = 8;
    const first = await runSeed();
    expect(first.stderr).toMatch(/POST \/v1\/cards answered 500/);
    expect(first.code).toBe(1);
    expect(behaviour.unavailable).toBeGreaterThan(3);
    const half = await scanTable();
    expect(half.filter((item) => item.entity === 'card').length).toBeLessThan(cardCount);
    expect(half.filter((item) => item.entity === 'usage')).toHaveLength(0);

    behaviour.broken = false;
    behaviour.cardsLeft = Number.POSITIVE_INFINITY;
    const second = await runSeed();
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Carrying on from/);
    expect(JSON.parse(readFileSync(join(dataDir, 'seed-progress.json'), 'utf8')).done).toBe(true);

    const plan = seedPlan(Number(today().slice(0, 4)), cardCount, useCount);
    const items = await scanTable();
    expect(
      items
        .filter((item) => item.entity === 'card')
        .map((item) => item.cardNumber)
        .sort(),
    ).toEqual(
      [
        ...plan.cards.map((card) => card.body.cardNumber),
        ...plan.replaced.map((r) => r.newCardNumber),
      ].sort(),
    );
    const uses = items.filter((item) => item.entity === 'usage');
    expect(uses).toHaveLength(plan.uses.length);
    expect(uses.filter((use) => use.voided)).toHaveLength(plan.voided.length);
    expect(items.filter((item) => item.entity === 'area')).toHaveLength(2);
    // The demo people, each invited once, all four in seed-people.json.
    expect(items.filter((item) => item.entity === 'membership')).toHaveLength(4 + 4);
    const people = JSON.parse(readFileSync(join(dataDir, 'seed-people.json'), 'utf8'));
    expect(Object.keys(people).sort()).toEqual(['admin', 'areaAdmin', 'distributor', 'venue']);

    const third = await runSeed();
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/^Already seeded/);
  }, 600_000);
});
