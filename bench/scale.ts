// listScaleRatio and reconcileMemoryScaleRatio (issue 21): what one list page and the reconciliation cost
// when the area holds 8x more uses. The register is written through the store's own code
// (test/support/synthetic-register.ts), not the HTTP API; the same table is measured at 1x, then 8x.
// - listScaleRatio: the fastest of several reads of one page (50 uses) of a quiet venue in the busy area,
//   at 8x over 1x; the index entries each read are reported too (the page's own, plus one).
// - reconcileMemoryScaleRatio: peak V8 heap of the reconciliation (bench/reconcile-peak.ts, in a process
//   of its own) at 8x over 1x.
// It runs in a process of its own: the SDK clients of a process keep the endpoints they were made with.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalIam } from '../infra/local/aws/account.ts';
import { startLocalAws } from '../infra/local/aws/local-aws.ts';
import { functionTemplates } from '../infra/local/aws/roles.ts';
import { operatorClient, useLocalAws } from '../infra/local/aws/use-local-aws.ts';
import { ensureTable } from '../infra/local/dynamodb.ts';
import { addDays } from '../shared/lib/dates.ts';
import { listUsages } from '../shared/store/usages.ts';
import { SyntheticRegister } from '../test/support/synthetic-register.ts';
import { countQueryReads } from './query-reads.ts';

/** Uses at 1x: the area's; 8x adds seven times as many. A tenth of them are the quiet venue's at 1x. */
const baseUses = 10_000;
const quietUses = 200;
const runs = 31;
const lastDay = '2026-06-30';
const areaId = 'bench-area';
const quietVenue = 'bench-quiet-venue';

let reads = { entries: 0 };
/** MB of V8 old space for the reconciliation: about twice what it needs (test/e2e/verify-stats-memory). */
const reconcileHeapLimitMb = 48;

async function timePage(): Promise<{ ms: number; entries: number }> {
  const range = { from: addDays(lastDay, -364), to: lastDay };
  const page = () => listUsages({ venueId: quietVenue, areaId }, range, 50);
  for (let i = 0; i < 10; i++) await page();
  const times: number[] = [];
  let entries = 0;
  for (let i = 0; i < runs; i++) {
    reads.entries = 0;
    const started = performance.now();
    await page();
    times.push(performance.now() - started);
    entries = reads.entries;
  }
  return { ms: Math.min(...times), entries };
}

async function reconcilePeak(): Promise<{
  peakHeapMb: number;
  ms: number;
  uses: number;
  differences: number;
}> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    // Under a fixed heap limit, the same at both sizes (bounded memory: it fits at 8x as at 1x); the peak
    // is of the heap left after full collections (bench/reconcile-peak.ts).
    [
      `--max-old-space-size=${reconcileHeapLimitMb}`,
      '--expose-gc',
      join(import.meta.dirname, 'reconcile-peak.ts'),
    ],
    {
      env: process.env,
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function measure(workDir: string) {
  const tableName = 'bench-scale';
  const bucket = 'bench-scale-statistics';
  const iam = new LocalIam(functionTemplates(), 'bench', bucket);
  const aws = await startLocalAws({ iam, dynamoPort: 0, s3Port: 0, s3DataDir: join(workDir, 'scale-s3') });
  try {
    useLocalAws(aws.dynamoEndpoint, aws.s3Endpoint, tableName, bucket, iam.operator);
    await ensureTable(operatorClient(aws.dynamoEndpoint, iam.operator), tableName);
    reads = countQueryReads();
    const register = new SyntheticRegister(lastDay);
    await register.putCards(areaId, 1000);
    const countedAt = new Date(`${lastDay}T22:00:00Z`);
    let quiet = 0;
    await register.putUses(
      register.uses(baseUses, () => (quiet++ < quietUses ? quietVenue : 'bench-busy-venue')),
      countedAt,
    );
    const small = { page: await timePage(), reconcile: await reconcilePeak() };
    for (let i = 0; i < 7; i++)
      await register.putUses(
        register.uses(baseUses, () => 'bench-busy-venue'),
        countedAt,
      );
    const large = { page: await timePage(), reconcile: await reconcilePeak() };
    if (small.reconcile.differences + large.reconcile.differences > 0)
      throw new Error('the reconciliation found differences in a register written with its counters');
    return {
      listScaleRatio: Number((large.page.ms / small.page.ms).toFixed(3)),
      listPageMs: { uses1x: Number(small.page.ms.toFixed(1)), uses8x: Number(large.page.ms.toFixed(1)) },
      listEntriesRead: { uses1x: small.page.entries, uses8x: large.page.entries },
      reconcileMemoryScaleRatio: Number((large.reconcile.peakHeapMb / small.reconcile.peakHeapMb).toFixed(3)),
      reconcilePeakHeapMb: { uses1x: small.reconcile.peakHeapMb, uses8x: large.reconcile.peakHeapMb },
      reconcileMs: { uses1x: small.reconcile.ms, uses8x: large.reconcile.ms },
      scaleSetup: {
        cards: 1000,
        uses1x: small.reconcile.uses,
        uses8x: large.reconcile.uses,
        quietVenueUses: quietUses,
      },
    };
  } finally {
    await aws.stop();
  }
}

export type Scale = Awaited<ReturnType<typeof measure>>;

/** Runs the measurement in a fresh process and answers its results. */
export async function measureScale(workDir: string): Promise<Scale> {
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
