// The card list's backfill (decision 0024), against DynamoDB Local: cards written before gsi5 existed (a
// card as the store writes it, with its gsi5 keys taken away) are missing from GET /v1/cards until the
// backfill gives them their place; a second run changes nothing; a card changed between the backfill's
// read and its write keeps what its own write set; and `npm run backfill:card-index`, run as its own
// process through a proxy in front of DynamoDB that throttles it and is cut off mid-table, carries on
// from its recorded cursor the next time and reads each item once.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { addDays, today } from '../../shared/lib/dates.ts';
import { backfillCardIndex, cardIndexMigration, indexCard } from '../../shared/store/card-index-backfill.ts';
import { documentClient } from '../../shared/store/client.ts';
import { cardKey, migrationKey } from '../../shared/store/keys.ts';
import { readMigration } from '../../shared/store/migrations.ts';
import {
  cardItem,
  deleteItem,
  putBackdatedCard,
  scanTable,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';

vi.setConfig({ testTimeout: 120_000 });

const projectRoot = join(import.meta.dirname, '..', '..');

let service: TestService;
let area: TestArea;

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
}, 120_000);
afterAll(async () => {
  await service?.stop();
});

/**
 * A card as a release before gsi5 left it: written by the store, then its gsi5 keys taken away (and, for
 * a revoked one, revoked as such a release did).
 */
async function cardFromBeforeTheList(
  owner: TestArea,
  validUntil: string,
  revokedOn?: string,
): Promise<string> {
  const card = await putBackdatedCard(owner, { issuedOn: addDays(validUntil, -365), validUntil });
  await documentClient().send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: cardKey(card.cardNumber),
      UpdateExpression: revokedOn
        ? 'SET revokedAt = :at, revokedOn = :on, revokeReason = :reason REMOVE gsi5pk, gsi5sk'
        : 'REMOVE gsi5pk, gsi5sk',
      ...(revokedOn && {
        ExpressionAttributeValues: {
          ':at': `${revokedOn}T10:00:00.000Z`,
          ':on': revokedOn,
          ':reason': 'lost',
        },
      }),
    }),
  );
  return card.cardNumber;
}

async function listed(key: string, status = 'active'): Promise<Record<string, unknown>[]> {
  const reply = await service.call('GET', `/v1/cards?status=${status}&limit=500`, { key });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items;
}
const numbers = (items: Record<string, unknown>[]) => items.map((card) => card.cardNumber).sort();

const cardItems = async () => (await scanTable()).filter((item) => item.entity === 'card');

describe('the card list backfill', () => {
  it('gives cards written before gsi5 their place: each is listed under its status after it', async () => {
    const day = today();
    const fresh = await service.issueCard(area);
    const active = await cardFromBeforeTheList(area, addDays(day, 100));
    const expired = await cardFromBeforeTheList(area, addDays(day, -5));
    const revoked = await cardFromBeforeTheList(area, addDays(day, 200), addDays(day, -1));

    expect(numbers(await listed(area.distributorKey))).toEqual([fresh.cardNumber]);
    expect(await listed(area.distributorKey, 'expired')).toEqual([]);
    expect(await listed(area.distributorKey, 'revoked')).toEqual([]);

    // Pages of 7 items: the table (organisations, keys, counters, cards) takes several.
    const result = await backfillCardIndex({ pageSize: 7 });
    expect(result.status).toBe('finished');
    expect(result.run.changed).toBe(3);
    expect(result.run.pages).toBeGreaterThan(1);
    expect(result.record.finishedAt).toBeDefined();
    expect(result.record.cursor).toBeUndefined();

    const activeList = await listed(area.distributorKey);
    expect(numbers(activeList)).toEqual([active, fresh.cardNumber].sort());
    // Expiring soonest first, as the list is kept.
    expect(activeList[0]).toMatchObject({
      cardNumber: active,
      status: 'active',
      validUntil: addDays(day, 100),
    });
    expect(await listed(area.distributorKey, 'expired')).toEqual([
      expect.objectContaining({ cardNumber: expired, status: 'expired' }),
    ]);
    expect(await listed(area.distributorKey, 'revoked')).toEqual([
      expect.objectContaining({ cardNumber: revoked, status: 'revoked', revokedOn: addDays(day, -1) }),
    ]);
  });

  it('does nothing once finished, and a second full read changes no card', async () => {
    const recorded = await readMigration(cardIndexMigration);
    const again = await backfillCardIndex();
    expect(again.status).toBe('already-finished');
    expect(again.run.scanned).toBe(0);
    expect(await readMigration(cardIndexMigration)).toEqual(recorded);

    const before = await cardItems();
    const reread = await backfillCardIndex({ again: true, pageSize: 7 });
    expect(reread.status).toBe('finished');
    expect(reread.run.scanned).toBeGreaterThan(before.length);
    expect(reread.run).toMatchObject({ changed: 0, changedMeanwhile: 0, skipped: 0 });
    expect(await cardItems()).toEqual(before);
  });

  it('leaves a card changed between its read and the write as its own write made it', async () => {
    // Renewed through the API meanwhile: the renewal set the keys of the new validity.
    const renewed = await cardFromBeforeTheList(area, addDays(today(), 10));
    const readBeforeRenewal = await cardItem(renewed);
    const renewal = await service.call('POST', `/v1/cards/${renewed}/renew`, {
      key: area.distributorKey,
      body: {},
    });
    expect(renewal.status, renewal.text).toBe(200);
    const afterRenewal = await cardItem(renewed);
    expect(afterRenewal?.gsi5sk).toBe(`A#${renewal.body.validUntil}#${renewed}`);
    expect(await indexCard(readBeforeRenewal!)).toBe('indexed-meanwhile');
    expect(await cardItem(renewed)).toEqual(afterRenewal);

    // Changed meanwhile by a release that did not set the keys: indexed as it now is, not as it was read.
    const extended = await cardFromBeforeTheList(area, addDays(today(), 10));
    const readBeforeChange = await cardItem(extended);
    await documentClient().send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: cardKey(extended),
        UpdateExpression: 'SET validUntil = :later',
        ExpressionAttributeValues: { ':later': addDays(today(), 300) },
      }),
    );
    expect(await indexCard(readBeforeChange!)).toBe('indexed');
    expect((await cardItem(extended))?.gsi5sk).toBe(`A#${addDays(today(), 300)}#${extended}`);
  });
});

// ---- The script, throttled and cut off ------------------------------------------------------------------

/** What the proxy in front of DynamoDB does: throttles, and holds the n-th Scan (the run is then killed). */
const proxyState = {
  scans: 0,
  holdScan: 0,
  held: undefined as (() => void) | undefined,
  /** Scans to throttle beyond the SDK's own retries (the script's backoff then waits). */
  throttleScans: 0,
  throttled: 0,
  seenUpdates: new Set<string>(),
};
let proxy: Server;

function throttle(response: import('node:http').ServerResponse) {
  proxyState.throttled++;
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded (test proxy)',
    }),
  );
}

async function startProxy(): Promise<string> {
  const backend = new URL(inject('dynamoEndpoint'));
  proxy = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1];
    if (operation === 'Scan') {
      proxyState.scans++;
      if (proxyState.scans === proxyState.holdScan) {
        proxyState.held?.();
        return; // never answered: the run is killed while it waits
      }
      if (proxyState.throttleScans > 0) {
        proxyState.throttleScans--;
        return throttle(response);
      }
    }
    // Each card's first write is throttled once: the SDK's retry brings it through.
    if (operation === 'UpdateItem') {
      const digest = createHash('sha256').update(body).digest('hex');
      if (!proxyState.seenUpdates.has(digest)) {
        proxyState.seenUpdates.add(digest);
        return throttle(response);
      }
    }
    // Passed on untouched, the signature (over this proxy's host) included: the local edge checks it.
    const forwarded = httpRequest(
      {
        hostname: backend.hostname,
        port: backend.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    forwarded.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}
afterAll(() => {
  proxy?.closeAllConnections();
  proxy?.close();
});

interface ScriptRun {
  readonly code: number | null;
  readonly output: string;
}

function runScript(endpoint: string, onStart?: (kill: () => void) => void): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        'scripts/backfill-card-index.ts',
        '--table',
        String(process.env.TABLE_NAME),
        '--region',
        'eu-north-1',
        '--page-size',
        '10',
      ],
      { cwd: projectRoot, env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: endpoint } },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    onStart?.(() => child.kill('SIGKILL'));
  });
}

describe('npm run backfill:card-index', () => {
  it('is throttled and cut off mid-table, then carries on from its cursor and reads each item once', async () => {
    const second = await service.area();
    const waiting: string[] = [];
    for (let n = 0; n < 12; n++) waiting.push(await cardFromBeforeTheList(second, addDays(today(), 30 + n)));
    // A table no run has finished on: the record of the runs above goes.
    await deleteItem(migrationKey(cardIndexMigration));
    expect(await listed(second.distributorKey)).toEqual([]);
    const endpoint = await startProxy();

    // First run: killed while its third page is being read (two pages recorded).
    proxyState.holdScan = 3;
    const cut = await runScript(endpoint, (kill) => {
      proxyState.held = kill;
    });
    expect(cut.code, cut.output).toBeNull();
    const interrupted = await readMigration(cardIndexMigration);
    expect(interrupted?.finishedAt).toBeUndefined();
    expect(interrupted?.cursor).toBeDefined();
    expect(interrupted?.totals).toMatchObject({ pages: 2, scanned: 20 });

    // Second run: its first Scan throttled beyond the SDK's retries, every write throttled once.
    proxyState.holdScan = 0;
    proxyState.throttleScans = 4;
    const throttledBefore = proxyState.throttled;
    const resumed = await runScript(endpoint);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).toContain('Carried on from an interrupted run');
    expect(resumed.output).toMatch(/ProvisionedThroughputExceededException: trying again in \d+ ms/);
    expect(proxyState.throttled - throttledBefore).toBeGreaterThan(4);

    const finished = await readMigration(cardIndexMigration);
    expect(finished?.finishedAt).toBeDefined();
    // Each item read once over both runs (the record itself may be read or not, by where it falls).
    const { Count: items = 0 } = await documentClient().send(
      new ScanCommand({ TableName: process.env.TABLE_NAME, Select: 'COUNT', ConsistentRead: true }),
    );
    expect(finished?.totals.scanned).toBeGreaterThanOrEqual(items - 1);
    expect(finished?.totals.scanned).toBeLessThanOrEqual(items);
    expect(finished?.totals.changed).toBe(12);
    expect(numbers(await listed(second.distributorKey))).toEqual([...waiting].sort());

    // Once more: nothing to do.
    const third = await runScript(endpoint);
    expect(third.code, third.output).toBe(0);
    expect(third.output).toContain('nothing to do');
  });
});
