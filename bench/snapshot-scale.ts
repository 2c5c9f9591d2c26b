// snapshotScaleRatio: how the nightly snapshot's time grows with the number of recorded uses. The same
// areas and cards over the same year, first with 10,000 uses, then with 100,000: the snapshot reads the
// daily counters (days x areas x sectors), so the ratio stays near 1 however many uses there are. The
// uses are written straight into the table in batches (store/bulk-usages.ts), not through HTTP.
// It runs in a process of its own: the SDK clients of a process keep the endpoints they were made with.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalIam } from '../infra/local/aws/account.ts';
import { startLocalAws } from '../infra/local/aws/local-aws.ts';
import { functionTemplates } from '../infra/local/aws/roles.ts';
import { operatorClient, useLocalAws } from '../infra/local/aws/use-local-aws.ts';
import { ensureTable } from '../infra/local/dynamodb.ts';
import { mulberry32 } from '../infra/local/seeded-random.ts';
import type { Sector } from '../shared/contract/roles.ts';
import { activeWhileValid, allowances, type Card } from '../shared/domain/cards.ts';
import type { Usage } from '../shared/domain/usages.ts';
import { mapLimit } from '../shared/lib/concurrency.ts';
import { addDays, oneYearValidity, today } from '../shared/lib/dates.ts';
import { runSnapshot } from '../shared/stats/snapshot/snapshot-job.ts';
import { putUsagesInBulk } from '../shared/store/bulk-usages.ts';
import { putNewCard } from '../shared/store/cards.ts';
import { registerArea } from '../shared/use-cases/register-organisation.ts';
import { median } from './init-time.ts';

const areaCount = 6;
const cardsPerArea = 250;
const runs = 9;
const warmUps = 2;
// Culture is most of the uses, as in the scheme's published figures.
const sectorWeights: [Sector, number][] = [
  ['culture', 0.55],
  ['sport', 0.25],
  ['education', 0.12],
  ['science', 0.08],
];

/** mulberry32: the same uses on every run of the bench. */
function prng(seed: number): () => number {
  return mulberry32(seed);
}

function sectorOf(value: number): Sector {
  let left = value;
  for (const [sector, weight] of sectorWeights) {
    if (left < weight) return sector;
    left -= weight;
  }
  return 'culture';
}

/**
 * The fastest of several runs, and their median. Other work on the machine (and the JVM of DynamoDB
 * Local) only ever adds time, so the fastest run is the steadiest measure of what a snapshot costs.
 */
async function timeSnapshots(
  date: string,
): Promise<{ ms: number; medianMs: number; itemsRead: number; requests: number }> {
  // Warm-up: JIT, connections, and DynamoDB Local settling after the bulk writes.
  for (let i = 0; i < warmUps; i++) await runSnapshot(date);
  const times: number[] = [];
  let itemsRead = 0;
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = await runSnapshot(date);
    times.push(performance.now() - started);
    itemsRead = run.itemsRead;
    requests = run.requests;
  }
  return { ms: Math.min(...times), medianMs: median(times), itemsRead, requests };
}

async function measure(workDir: string) {
  const tableName = 'bench-snapshots';
  const bucket = 'bench-statistics';
  const iam = new LocalIam(functionTemplates(), 'bench', bucket);
  const aws = await startLocalAws({ iam, dynamoPort: 0, s3Port: 0, s3DataDir: join(workDir, 'snapshot-s3') });
  const warn = console.warn;
  // Disclosure warnings of every run would drown the bench's output.
  console.warn = () => undefined;
  try {
    useLocalAws(aws.dynamoEndpoint, aws.s3Endpoint, tableName, bucket, iam.operator);
    await ensureTable(operatorClient(aws.dynamoEndpoint, iam.operator), tableName);
    const date = addDays(today(), -1);
    const first = addDays(date, -364);
    const random = prng(2026);
    const day = (from: string, to: string) =>
      addDays(from, Math.floor(random() * (1 + (Date.parse(to) - Date.parse(from)) / 86_400_000)));

    const cards: Card[] = [];
    for (let a = 0; a < areaCount; a++) {
      const area = await registerArea(
        { name: `Bench area ${a + 1}`, municipalityCodes: [String(100 + a)], welfareArea: 'LU' },
        new Date(`${first}T08:00:00Z`),
      );
      for (let c = 0; c < cardsPerArea; c++) {
        const issuedOn = day(first, addDays(date, -30));
        const community = random() < 0.1;
        const minorChildren = Math.floor(random() * 3);
        cards.push({
          cardNumber: `B${a}X${String(c).padStart(5, '0')}`,
          cardType: community ? 'community' : 'personal',
          validUntil: oneYearValidity(issuedOn),
          areaId: area.areaId,
          issuedBy: `bench-unit-${a}`,
          issuedAt: `${issuedOn}T08:00:00.000Z`,
          issuedOn,
          ...(community ? {} : { birthYear: 1940 + Math.floor(random() * 68), minorChildren }),
          ...allowances(community ? 'community' : 'personal', minorChildren),
          useCount: 0,
        });
      }
    }
    await mapLimit(cards, 16, (card) => putNewCard(card, activeWhileValid(card.issuedOn, card.validUntil)));
    const birthYears = new Map(cards.map((card) => [card.cardNumber, card.birthYear]));

    const uses = (count: number, offset: number): Usage[] =>
      Array.from({ length: count }, (_, i) => {
        const card = cards[Math.floor(random() * cards.length)]!;
        const used = day(card.issuedOn, date);
        const children = Math.min(card.childAllowance, Math.floor(random() * 3));
        return {
          usageId: `ubench${offset + i}`,
          cardNumber: card.cardNumber,
          venueId: `bench-venue-${card.areaId}`,
          areaId: card.areaId,
          occurredAt: `${used}T10:00:00.000Z`,
          day: used,
          sector: sectorOf(random()),
          adults: 1,
          children,
          recordedAt: `${used}T10:00:05.000Z`,
          recordedBy: `bench-venue-${card.areaId}`,
          fingerprint: 'bench',
          voided: false,
        };
      });
    const now = new Date();
    await putUsagesInBulk(uses(10_000, 0), (cardNumber) => birthYears.get(cardNumber), now);
    const small = await timeSnapshots(date);
    await putUsagesInBulk(uses(90_000, 10_000), (cardNumber) => birthYears.get(cardNumber), now);
    const large = await timeSnapshots(date);
    return {
      snapshotScaleRatio: Number((large.ms / small.ms).toFixed(3)),
      snapshotMs: { uses10k: Number(small.ms.toFixed(1)), uses100k: Number(large.ms.toFixed(1)) },
      snapshotMedianMs: {
        uses10k: Number(small.medianMs.toFixed(1)),
        uses100k: Number(large.medianMs.toFixed(1)),
      },
      snapshotItemsRead: { uses10k: small.itemsRead, uses100k: large.itemsRead },
      snapshotRequests: { uses10k: small.requests, uses100k: large.requests },
      snapshotSetup: { areas: areaCount, cards: cards.length, days: 365 },
    };
  } finally {
    console.warn = warn;
    await aws.stop();
  }
}

export type SnapshotScale = Awaited<ReturnType<typeof measure>>;

/** Runs the measurement in a fresh process and answers its results. */
export async function measureSnapshotScale(workDir: string): Promise<SnapshotScale> {
  const { stdout } = await promisify(execFile)(process.execPath, [import.meta.filename, workDir], {
    env: { ...process.env, AWS_REGION: 'eu-north-1' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

if (import.meta.main) {
  console.log(JSON.stringify(await measure(process.argv[2]!)));
  process.exit(0);
}
