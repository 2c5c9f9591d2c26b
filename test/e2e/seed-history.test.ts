// npm run seed -- --months 3, end to end and at a small scale: it refuses a folder whose service runs,
// builds the history with a service of its own through the HTTP API at successive past clocks, and leaves
// the folder as npm start finds it: areas of very different size that joined over time, cards issued in
// every month, uses on most days (some entered late, some voided), counters that a recount confirms.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { operatorClient } from '../../infra/local/aws/use-local-aws.ts';
import { historyAreas, historyStart } from '../../scripts/seed-history.ts';
import { addDays, daysBetween, helsinkiDate, nextMonth, today } from '../../shared/lib/dates.ts';
import { type ServiceProcess, startServiceProcess } from '../support/local-process.ts';
import { callerFor } from '../support/service.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'kaiku-history-'));
let service: ServiceProcess | undefined;

afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, KAIKU_DATA_DIR: dataDir, KAIKU_SEED_USES: '450' };
    for (const name of ['KAIKU_URL', 'PORT', 'KAIKU_CLOCK']) delete env[name];
    const child = spawn(process.execPath, [`scripts/${script}.ts`, ...args], { cwd: projectRoot, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('npm run seed -- --months', () => {
  it('refuses a data folder whose service is running, with one line', async () => {
    writeFileSync(join(dataDir, 'service.pid'), `${process.pid}\n`);
    try {
      const refused = await run('seed', ['--months', '3']);
      expect(refused.code).toBe(2);
      expect(refused.out).toBe('');
      expect(refused.err).toMatch(
        new RegExp(`^seed: the service runs from .* \\(pid ${process.pid}\\): stop it first .*\\n$`),
      );
    } finally {
      rmSync(join(dataDir, 'service.pid'), { force: true });
    }
    const wrong = await run('seed', ['--months', 'fifteen']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/^seed: --months must be a whole number from 1 to 60, not 'fifteen'/);
  });

  it('builds three months of history through the API, which npm start then serves', async () => {
    const seeded = await run('seed', ['--months', '3']);
    expect(seeded.code, seeded.err).toBe(0);
    expect(seeded.out).toMatch(/^History built in \d+ s: 7 areas, \d+ cards/m);
    const lastDay = today();
    const firstDay = historyStart(lastDay, 3);
    expect(seeded.out).toContain(`3 months of history, ${firstDay} to ${lastDay}`);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
    const keys = JSON.parse(readFileSync(join(dataDir, 'seed-keys.json'), 'utf8'));
    expect(Object.keys(keys).sort()).toEqual(['areaAdmin', 'distributor', 'partner', 'ticketAgent', 'venue']);

    service = await startServiceProcess(dataDir);
    const call = callerFor(service.url);
    const admin = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    const all = async (path: string) => {
      const items: any[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(
          'GET',
          `${path}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            key: admin,
          },
        );
        expect(page.status, page.text).toBe(200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    };

    // Seven areas joined one after the other, through their applications; very different in size.
    const areas = await all('/v1/areas?');
    expect(areas.map((area) => area.name).sort()).toEqual(historyAreas.map((area) => area.areaName).sort());
    const joined = areas.map((area) => helsinkiDate(new Date(area.createdAt))).sort();
    expect(joined[0]).toBe(firstDay);
    expect(daysBetween(joined[0]!, joined[joined.length - 1]!)).toBeGreaterThan(30);
    const range = `from=${firstDay}&to=${lastDay}`;
    const cardsOf = async (areaId?: string) =>
      (await call('GET', `/v1/stats/summary?${range}${areaId ? `&areaId=${areaId}` : ''}`, { key: admin }))
        .body.cardsRegistered as number;
    const total = await cardsOf();
    const byArea = await Promise.all(areas.map((area) => cardsOf(area.id)));
    expect(byArea.reduce((sum, cards) => sum + cards, 0)).toBe(total);
    expect(Math.max(...byArea)).toBeGreaterThan(total * 0.4);
    expect(byArea.filter((cards) => cards <= total * 0.05).length).toBeGreaterThanOrEqual(2);

    // Cards issued, and uses, in every month of it.
    for (let month = firstDay.slice(0, 7); `${month}-01` < lastDay; month = nextMonth(month)) {
      // The current month is summarised up to today: its last day may still be ahead, and the summary
      // refuses days that have not happened.
      const monthEnd = addDays(`${nextMonth(month)}-01`, -1);
      const end = [monthEnd, lastDay].sort()[0]!;
      const summary = await call('GET', `/v1/stats/summary?from=${month}-01&to=${end}`, { key: admin });
      expect(summary.status, summary.text).toBe(200);
      expect(summary.body.cardsRegistered, month).toBeGreaterThan(0);
      expect(summary.body.uses, month).toBeGreaterThan(0);
    }

    // Uses on most days, in every sector, a few voided; the audit has the approvals and the voids.
    const uses = await all(`/v1/usages?${range}`);
    expect(uses.length).toBeGreaterThan(300);
    const useDays = new Set(uses.map((use) => helsinkiDate(new Date(use.occurredAt))));
    expect(useDays.size).toBeGreaterThan(0.6 * daysBetween(firstDay, lastDay));
    expect(new Set(uses.map((use) => use.sector)).size).toBe(4);
    const voided = uses.filter((use) => use.voided).length;
    expect(voided).toBeGreaterThan(0);
    const audit = await all(`/v1/audit?${range}`);
    const actions = (action: string) => audit.filter((entry) => entry.action === action).length;
    expect(actions('application.approved')).toBe(7);
    expect(actions('usage.voided')).toBe(voided);

    // Made at successive clocks: recorded on many days, some entered days after they happened.
    const runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    const client = DynamoDBDocumentClient.from(operatorClient(runtime.dynamoEndpoint, runtime.operator));
    const stored: Record<string, any>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: runtime.tableName,
          FilterExpression: 'entity = :usage',
          ExpressionAttributeValues: { ':usage': 'usage' },
          ExclusiveStartKey: start,
        }),
      );
      stored.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(stored).toHaveLength(uses.length);
    const recordedDays = new Set(stored.map((use) => helsinkiDate(new Date(use.recordedAt))));
    expect(recordedDays.size).toBeGreaterThan(0.5 * daysBetween(firstDay, lastDay));
    const lags = stored.map((use) =>
      daysBetween(helsinkiDate(new Date(use.occurredAt)), helsinkiDate(new Date(use.recordedAt))),
    );
    expect(lags.filter((lag) => lag > 0).length).toBeGreaterThan(10);
    expect(Math.max(...lags)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...lags)).toBeLessThanOrEqual(60);

    // Every counter agrees with a recount of the uses and cards.
    const verified = await run('verify-stats', []);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(verified.out).toContain('No differences');

    // Again, with the service stopped: the folder has its history, so it is refused.
    await service.stop();
    service = undefined;
    const again = await run('seed', ['--months', '3']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(
      /^seed: the data folder already has areas: the history starts from an empty service/,
    );
  }, 400_000);
});
