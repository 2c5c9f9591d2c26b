// Faults: DynamoDB failing a share of the calls of every function (throttling, 500s, calls timing out
// before or after their write landed), injected inside the functions' own SDK clients below the SDK's
// retries (infra/local/faults.ts). Clients that retry what they are told to retry (429/503 with
// Retry-After, with the same Idempotency-Key or clientRef) end with every use stored once, and once the
// stream consumer has caught up, every counter equals a full recount.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { usesTally, usesTallyPrefix } from '../../shared/domain/flags.ts';
import { jobHandlers } from '../../shared/http/routes.ts';
import { reconcile } from '../../shared/stats/counting/reconcile.ts';
import { usageKey } from '../../shared/store/keys.ts';
import {
  getItem,
  newCardNumber,
  type Reply,
  scanTable,
  startTestService,
  type TestArea,
  type TestService,
} from '../support/service.ts';
import { startStreamCounting } from '../support/streams.ts';

const uses = 240;
const concurrency = 8;
const share = 0.5;

let service: TestService;
let area: TestArea;
let streams: StreamPoller | undefined;
const folder = mkdtempSync(join(tmpdir(), 'kaiku-faults-'));
const faultLog = join(folder, 'faults.jsonl');

beforeAll(async () => {
  service = await startTestService();
  area = await service.area();
});
afterAll(async () => {
  await streams?.stop();
  await service?.stop();
  rmSync(folder, { recursive: true, force: true });
});

const answers = { retried: 0, byStatus: new Map<number, number>() };

/** A client that does what the contract says: 429 and 503 come with Retry-After, and are sent again. */
async function patiently(send: () => Promise<Reply>): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    const reply = await send();
    answers.byStatus.set(reply.status, (answers.byStatus.get(reply.status) ?? 0) + 1);
    expect(reply.status, reply.text).not.toBe(500);
    if (reply.status !== 429 && reply.status !== 503) return reply;
    expect(reply.headers.get('retry-after'), reply.text).toBe('1');
    expect(reply.body.error.code).toBe(reply.status === 429 ? 'THROTTLED' : 'SERVICE_UNAVAILABLE');
    expect(attempt, 'still failing after 30 attempts').toBeLessThan(30);
    answers.retried++;
    // The test does not wait the whole second it is told to: the faults are random, not load.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function inParallel<T>(count: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

describe('DynamoDB failing half the calls of every function', () => {
  const acknowledged = new Map<string, string>();
  const batchIds = new Map<string, string>();
  let cards: string[] = [];

  it('cards, uses, a batch and voids all end acknowledged; every failure was a 429 or 503 with Retry-After', async () => {
    await service.deployment.functions.injectFaults({ dynamodb: { share }, seed: 9, recordTo: faultLog });
    const numbers = Array.from({ length: 12 }, () => newCardNumber());
    cards = (
      await inParallel(12, (i) =>
        patiently(() =>
          service.call('POST', '/v1/cards', {
            key: area.distributorKey,
            body: { cardNumber: numbers[i], cardType: 'community' },
          }),
        ),
      )
    )
      .map((reply) => {
        // A retry after a registration that landed finds its number taken: the card exists once.
        expect([201, 409], reply.text).toContain(reply.status);
        return reply.status === 201 ? reply.body.cardNumber : undefined;
      })
      .filter((number): number is string => number !== undefined);
    const registered = (await scanTable()).filter((item) => item.entity === 'card');
    expect(registered).toHaveLength(12);
    cards = registered.map((item) => item.cardNumber as string);

    await inParallel(uses, async (i) => {
      const key = `fault-use-${i}`;
      const reply = await patiently(() =>
        service.recordUse(
          area.venueKey,
          { cardNumber: cards[i % cards.length]!, sector: 'culture', adults: 1 + (i % 3), children: i % 2 },
          key,
        ),
      );
      expect([200, 201], reply.text).toContain(reply.status);
      acknowledged.set(key, reply.body.usageId);
    });

    const rows = Array.from({ length: 40 }, (_, i) => ({
      clientRef: `row-${i}`,
      cardNumber: cards[i % cards.length]!,
      sector: 'sport',
      adults: 1,
      children: 0,
    }));
    let pending = rows;
    for (let round = 1; pending.length > 0; round++) {
      expect(round, 'batch rows still failing after 30 rounds').toBeLessThan(30);
      const reply = await patiently(() =>
        service.call('POST', '/v1/usages/batch', { key: area.venueKey, body: { items: pending } }),
      );
      expect(reply.status, reply.text).toBe(200);
      const failed = new Set<string>();
      for (const result of reply.body.results) {
        if (result.status === 'failed') {
          expect(['THROTTLED', 'SERVICE_UNAVAILABLE']).toContain(result.error.code);
          failed.add(result.clientRef);
        } else batchIds.set(result.clientRef, result.usageId);
      }
      pending = pending.filter((row) => failed.has(row.clientRef));
    }

    const voided = [...acknowledged.values()].slice(0, 30);
    for (const usageId of voided) {
      const reply = await patiently(() =>
        service.call('DELETE', `/v1/usages/${usageId}`, { key: area.venueKey }),
      );
      expect(reply.status, reply.text).toBe(200);
    }
    const lookups = await inParallel(24, (i) =>
      patiently(() => service.call('GET', `/v1/cards/${cards[i % cards.length]}`, { key: area.venueKey })),
    );
    for (const reply of lookups) expect(reply.status).toBe(200);

    const injected = readFileSync(faultLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const kinds = new Set(injected.map((fault) => fault.kind));
    expect(kinds).toEqual(new Set(['throttled', 'server-error', 'timeout-before', 'timeout-after']));
    console.log(
      `faults: ${injected.length} injected DynamoDB failures (${[...kinds].map((kind) => `${kind} ${injected.filter((fault) => fault.kind === kind).length}`).join(', ')}); ` +
        `answers ${JSON.stringify(Object.fromEntries(answers.byStatus))}, ${answers.retried} retried by the client`,
    );
  }, 300_000);

  it('every acknowledged use is stored once, with the id it was acknowledged with', async () => {
    const stored = (await scanTable()).filter((item) => item.entity === 'usage');
    expect(stored).toHaveLength(uses + 40);
    const ids = new Set(stored.map((item) => item.usageId));
    for (const usageId of [...acknowledged.values(), ...batchIds.values()]) expect(ids).toContain(usageId);
    expect(new Set(acknowledged.values()).size).toBe(uses);
    expect((await getItem(usageKey([...acknowledged.values()][0]!)))?.voided).toBe(true);
    // Each card's tallies of its days (written by the uses' and voids' own transactions) are exact.
    const items = await scanTable();
    const recounted = new Map<string, number>();
    for (const usage of items.filter((item) => item.entity === 'usage' && !item.voided)) {
      const name = `${usage.cardNumber} ${usesTally(usage.day)}`;
      recounted.set(name, (recounted.get(name) ?? 0) + 1);
    }
    const tallied = new Map<string, number>();
    for (const card of items.filter((item) => item.entity === 'card'))
      for (const [name, value] of Object.entries(card))
        if (name.startsWith(usesTallyPrefix) && value !== 0) tallied.set(`${card.cardNumber} ${name}`, value);
    expect(tallied.size).toBeGreaterThan(0);
    expect(Object.fromEntries(tallied)).toEqual(Object.fromEntries(recounted));
  });

  it('the stream consumer, failing too, catches up: every counter equals the recount, nothing counted twice', async () => {
    // One shard here; rolling and split shards, redelivered in any order, are tested in stream-shards and
    // stream-redelivery. Each delivery tries a failed item again after a short backoff (applyPlan); what still
    // fails makes the delivery report its first failed record, and the next one starts there.
    streams = await startStreamCounting({});
    const consumer = jobHandlers.countFromStream;
    const consumerFaults = () =>
      readFileSync(faultLog, 'utf8')
        .split('\n')
        .filter((line) => line.includes(consumer)).length;
    const before = consumerFaults();
    // Nine calls in ten failing: items fail even after their backoff, so batches are delivered again.
    await service.deployment.functions.injectFaults({
      dynamodb: { share: 0.9 },
      functions: [consumer],
      seed: 11,
      recordTo: faultLog,
    });
    for (let i = 0; i < 20; i++) await streams.drain();
    const redelivered = streams.deliveries.filter((delivery) => delivery.again).length;
    expect(redelivered, 'no batch was delivered again: the failure path went untested').toBeGreaterThan(0);
    // Half the calls failing: the consumer catches up from wherever the failed batches left it.
    await service.deployment.functions.injectFaults({
      dynamodb: { share },
      functions: [consumer],
      seed: 12,
      recordTo: faultLog,
    });
    let differences = (await reconcile()).differences.length;
    let drains = 20;
    while (differences !== 0) {
      expect(drains, 'the consumer did not catch up in 1,000 deliveries').toBeLessThan(1000);
      for (let i = 0; i < 10; i++, drains++) await streams.drain();
      differences = (await reconcile()).differences.length;
    }
    console.log(
      `faults: the stream consumer caught up after ${consumerFaults() - before} injected failures, in ${drains} polls ` +
        `(${redelivered} batches delivered again at 90 % failing, ${streams.deliveries.filter((delivery) => delivery.again).length} in all)`,
    );
    // Delivered once more from the start (as after a consumer restart): nothing may change.
    await service.deployment.functions.injectFaults(undefined);
    await streams.stop();
    streams = await startStreamCounting({});
    await streams.drain();
    const result = await reconcile();
    expect(result.differences).toEqual([]);
    expect(result.checked.uses).toBe(uses + 40);
  }, 600_000);
});
