// The national scale at a tenth (issue 21, docs/performance.md "National scale"): 100,000 cards and a
// million uses over a year in 31 areas (a tenth of 309), written through the store's own code
// (test/support/synthetic-register.ts), not the HTTP API. It confirms the growth figures the table of
// docs/performance.md derives from DynamoDB's rules: a list page reads its page and no more, the nightly
// snapshot reads the days' counters and not the uses, the reconciliation's heap stays bounded, and the
// largest items are what the data model says. `npm run bench:national` (63 minutes on the 2-core machine, 2026-12-07);
// `npm run bench:national -- 0.01` runs it at a hundredth of that to try it out. Results go to
// bench-national-results.json. It is not part of `npm run bench`: its figures are sizes and counts at
// one scale, not ratios against a baseline.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LocalIam } from '../infra/local/aws/account.ts';
import { startLocalAws } from '../infra/local/aws/local-aws.ts';
import { functionTemplates } from '../infra/local/aws/roles.ts';
import { operatorClient, useLocalAws } from '../infra/local/aws/use-local-aws.ts';
import { ensureTable } from '../infra/local/dynamodb.ts';
import { projectRoot } from '../infra/paths.ts';
import { addDays } from '../shared/lib/dates.ts';
import { runSnapshot } from '../shared/stats/snapshot/snapshot-job.ts';
import { documentClient } from '../shared/store/client.ts';
import { ageMonthUsesKey, cardKey, useAggregateKey } from '../shared/store/keys.ts';
import { tableName } from '../shared/store/table.ts';
import { listUsages } from '../shared/store/usages.ts';
import { registerArea } from '../shared/use-cases/register-organisation.ts';
import { SyntheticRegister } from '../test/support/synthetic-register.ts';
import { itemBytes } from './cost.ts';
import { countQueryReads, countRequests } from './query-reads.ts';

const fraction = Number(process.argv[2] ?? '1');
if (!(fraction > 0 && fraction <= 1)) throw new Error('the argument is a fraction of the tenth, 0 < f <= 1');
const areaCount = 31;
const cardCount = Math.round(100_000 * fraction);
const useCount = Math.round(1_000_000 * fraction);
// The largest area holds about 15 % of the cards (Helsinki's share); the other 30 share the rest.
const largestShare = 0.15;
const venuesPerArea = 12;
const quietUses = 200;
// The uses go in one bulk write: each chunk adds every counter item and every used card once more (about
// 130,000 updates a chunk at the tenth), so fewer chunks mean far fewer requests. Needs a large Node heap.
const chunk = 1_000_000;
const lastDay = '2026-06-30';
const workDir = join(projectRoot, '.bench-national');
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

let reads = { entries: 0 };

async function fastest<T>(runs: number, measure: () => Promise<T>): Promise<{ ms: number; last: T }> {
  let ms = Number.POSITIVE_INFINITY;
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await measure();
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms: round(ms), last: last as T };
}

async function sizeOf(key: { pk: string; sk: string }): Promise<number> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key }));
  return Item ? itemBytes(Item) : 0;
}

async function reconcilePeak(): Promise<{ peakHeapMb: number; ms: number; differences: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--max-old-space-size=256', '--expose-gc', join(import.meta.dirname, 'reconcile-peak.ts')],
    { env: process.env, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function run() {
  // DynamoDB Local on disk, on a shared machine, takes seconds for what DynamoDB does in milliseconds: a
  // write cut at production's 2 s and tried again would meet its own first try (shared/store/client.ts).
  process.env.KAIKU_DYNAMODB_TIMEOUT_MS ??= '20000';
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const bucket = 'bench-national-statistics';
  const iam = new LocalIam(functionTemplates(), 'bench', bucket);
  // DynamoDB Local in memory (Java's default heap, a quarter of the machine's memory, holds a million uses
  // with their index copies): on disk, on 2 busy cores, it wrote about 20 requests a second.
  const aws = await startLocalAws({ iam, dynamoPort: 0, s3Port: 0, s3DataDir: join(workDir, 's3') });
  const warn = console.warn;
  console.warn = () => undefined;
  const progress = (text: string) => process.stderr.write(`${new Date().toISOString()} ${text}\n`);
  try {
    useLocalAws(aws.dynamoEndpoint, aws.s3Endpoint, 'bench-national', bucket, iam.operator);
    await ensureTable(operatorClient(aws.dynamoEndpoint, iam.operator), 'bench-national');
    reads = countQueryReads();
    // The uses go in one bulk write of an hour or more: a line a minute says how far it has come.
    const sent = countRequests();
    const ticker = setInterval(() => progress(`${JSON.stringify(sent)} requests so far`), 60_000);
    ticker.unref();

    const started = performance.now();
    const register = new SyntheticRegister(lastDay);
    const areaIds: string[] = [];
    for (let a = 0; a < areaCount; a++) {
      const area = await registerArea(
        { name: `Area ${a + 1}`, municipalityCodes: [String(100 + a)], welfareArea: 'LU' },
        new Date(`${addDays(lastDay, -400)}T08:00:00Z`),
      );
      areaIds.push(area.areaId);
      const cards = a === 0 ? cardCount * largestShare : (cardCount * (1 - largestShare)) / (areaCount - 1);
      await register.putCards(area.areaId, Math.round(cards));
      progress(`area ${a + 1}/${areaCount}: ${register.cards.length} cards`);
    }
    const cardsMs = performance.now() - started;
    const largest = areaIds[0]!;
    const quietVenue = `quiet-venue-${largest}`;
    // The quiet venue: the first 200 uses of the largest area's cards, on days spread over the year.
    let quiet = 0;
    let next = 0;
    const venueOf = (card: { areaId: string }) => {
      if (card.areaId === largest && quiet < quietUses) {
        quiet++;
        return quietVenue;
      }
      return `venue-${card.areaId}-${next++ % venuesPerArea}`;
    };
    const useCounts = new Map<string, number>();
    const usesStarted = performance.now();
    for (let written = 0; written < useCount; written += chunk) {
      const uses = register.uses(Math.min(chunk, useCount - written), venueOf);
      for (const use of uses) useCounts.set(use.cardNumber, (useCounts.get(use.cardNumber) ?? 0) + 1);
      await register.putUses(uses, new Date(`${lastDay}T22:00:00Z`));
      progress(`${written + uses.length} uses`);
    }
    const usesMs = performance.now() - usesStarted;

    // A page of 50 of the quiet venue, and of the largest area, over the year.
    const range = { from: addDays(lastDay, -364), to: lastDay };
    const page = async (scope: { venueId?: string; areaId: string }) => {
      reads.entries = 0;
      await listUsages(scope, range, 50);
      return reads.entries;
    };
    await page({ venueId: quietVenue, areaId: largest });
    const venuePage = await fastest(11, () => page({ venueId: quietVenue, areaId: largest }));
    const areaPage = await fastest(11, () => page({ areaId: largest }));

    // The nightly snapshot of every area for the last day.
    await runSnapshot(lastDay, { now: new Date(`${addDays(lastDay, 1)}T02:00:00Z`) });
    const snapshot = await fastest(3, () =>
      runSnapshot(lastDay, { now: new Date(`${addDays(lastDay, 1)}T02:00:00Z`) }),
    );

    // The largest items: the most used card, the largest area's busiest day and its month's age counter.
    const [busiestCard, busiestCardUses] = [...useCounts].reduce((a, b) => (b[1] > a[1] ? b : a));
    let busiestDay = { day: lastDay, bytes: 0 };
    for (let d = 0; d < 365; d += 7) {
      const day = addDays(lastDay, -d);
      const bytes = await sizeOf(useAggregateKey(largest, day));
      if (bytes > busiestDay.bytes) busiestDay = { day, bytes };
    }
    const items = {
      busiestCard: { uses: busiestCardUses, bytes: await sizeOf(cardKey(busiestCard)) },
      largestAreaDayCounter: busiestDay,
      largestAreaMonthAgeCounter: await sizeOf(ageMonthUsesKey(largest, lastDay.slice(0, 7))),
    };

    progress('reconciling (verify-stats) in a 256 MB heap');
    const reconcile = await reconcilePeak();
    if (reconcile.differences > 0) throw new Error('the reconciliation found differences');
    return {
      measuredAt: new Date().toISOString(),
      scale: { areas: areaCount, cards: register.cards.length, uses: useCount, fraction },
      writeSeconds: { cards: round(cardsMs / 1000), uses: round(usesMs / 1000) },
      venuePage: { ms: venuePage.ms, indexEntriesRead: venuePage.last },
      areaPage: { ms: areaPage.ms, indexEntriesRead: areaPage.last },
      snapshot: {
        ms: snapshot.ms,
        itemsRead: snapshot.last.itemsRead,
        requests: snapshot.last.requests,
      },
      items,
      reconcile: { ...reconcile, heapLimitMb: 256 },
    };
  } finally {
    console.warn = warn;
    await aws.stop();
  }
}

const results = await run();
writeFileSync(join(projectRoot, 'bench-national-results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
process.exit(0);
