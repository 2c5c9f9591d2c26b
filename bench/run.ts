// npm run bench: every figure is a ratio against a baseline measured in the same run (docs/performance.md).
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLocalService } from '../infra/local/runtime.ts';
import { projectRoot } from '../infra/paths.ts';
import { activeWhileValid, newCard } from '../shared/domain/cards.ts';
import { today } from '../shared/lib/dates.ts';
import { putNewCard } from '../shared/store/cards.ts';
import { listUsages } from '../shared/store/usages.ts';
import { registerArea, registerOrganisation } from '../shared/use-cases/register-organisation.ts';
import { freePort } from '../test/support/free-port.ts';
import { buildBundles } from './bundles.ts';
import { costOfMillionUses } from './cost.ts';
import { deployedEnvironments, median, medianLoadTimes } from './init-time.ts';
import { describePersonRequests, measurePersonRequests } from './person-requests.ts';
import { measureScale } from './scale.ts';
import { measureSnapshotScale } from './snapshot-scale.ts';

const run = promisify(execFile);
const workDir = join(projectRoot, '.bench');
const concurrency = 16;
// Billed duration of record-usage in AWS (one TransactWriteItems round trip plus the handler), for the cost.
const assumedLambdaMs = 30;
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function measureInit() {
  const { baseline, functions } = await buildBundles(join(workDir, 'bundles'));
  // Each function with the environment its template gives it in AWS (NODE_OPTIONS=--enable-source-maps
  // among it); the baseline with the NODE_OPTIONS every function gets, so the ratio compares code alone.
  const environments = deployedEnvironments();
  const environmentOf = (handlerFile: string) => {
    const environment = environments.get(handlerFile);
    if (!environment) throw new Error(`${handlerFile}: no function of the CDK app runs it`);
    return environment;
  };
  // One baseline per NODE_OPTIONS the functions run with, so each ratio compares code alone.
  const optionsOf = (handlerFile: string) => environmentOf(handlerFile).NODE_OPTIONS ?? '';
  const nodeOptions = [...new Set(functions.map((fn) => optionsOf(fn.handlerFile)))];
  const times = medianLoadTimes(
    [
      ...nodeOptions.map((options) => ({
        file: baseline.file,
        environment: (options ? { NODE_OPTIONS: options } : {}) as Record<string, string>,
      })),
      ...functions.map((fn) => ({ file: fn.file, environment: environmentOf(fn.handlerFile) })),
    ],
    11,
  );
  const baselines = new Map(nodeOptions.map((options, i) => [options, times[i]!]));
  const functionMs = times.slice(nodeOptions.length);
  const initRatios = Object.fromEntries(
    functions.map((fn, i) => [fn.name, round(functionMs[i]! / baselines.get(optionsOf(fn.handlerFile))!)]),
  );
  const sharedNodeOptions = nodeOptions.length === 1 ? nodeOptions[0] : undefined;
  const baselineMs = baselines.get('--enable-source-maps') ?? times[0]!;
  const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    initRatioMax: Math.max(...Object.values(initRatios)),
    // The authorizer verifies people's access tokens (jose) besides keys: its own init against the SDK's.
    authorizerInitRatio: initRatios.authorizer ?? Number.NaN,
    initRatios,
    baselineInitMs: round(baselineMs, 1),
    initNodeOptions: sharedNodeOptions ?? nodeOptions.map((options) => options || '(none)').join(' / '),
    bundleKbMax: round(largest.bytes / 1024, 1),
    bundleKbMaxFunction: largest.name,
    baselineBundleKb: round(baseline.bytes / 1024, 1),
  };
}

async function loadProcess(args: string[]): Promise<{ perSecond: number; failures: number }> {
  const { stdout } = await run(process.execPath, [join(projectRoot, 'bench/load.ts'), ...args], {
    env: { ...process.env, AWS_REGION: 'eu-north-1' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function makeCards(count: number, distributor: { orgId: string; areaId: string }): Promise<string[]> {
  const now = new Date();
  const day = today(now);
  const principal = {
    kind: 'key' as const,
    keyId: 'bench',
    orgId: distributor.orgId,
    role: 'distributor' as const,
    areaId: distributor.areaId,
  };
  const numbers: string[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch = Array.from({ length: Math.min(25, count - i) }, () =>
      // Personal cards with holder data, so the measured card items have their real size.
      newCard(
        {
          cardType: 'personal',
          birthYear: 1960 + (i % 40),
          postalCode: '02100',
          minorChildren: 2,
          lifeSituation: 'student',
        },
        principal,
        now,
        day,
      ),
    );
    // One after another: every registration's transaction updates the area's active-card counters, and
    // DynamoDB (and the local endpoint) cancels transactions that meet on an item (decision 0020).
    for (const card of batch) await putNewCard(card, activeWhileValid(day, card.validUntil));
    numbers.push(...batch.map((card) => card.cardNumber));
  }
  return numbers;
}

/**
 * Requests the table was sent through the local DynamoDB endpoint (every function's and the load's), not
 * counting the stream reads of the event source mapping, which DynamoDB does not bill as requests.
 */
const streamReads = new Set([
  'DescribeStream',
  'GetShardIterator',
  'GetRecords',
  'ListStreams',
  'DescribeTable',
]);
const tableRequests = (service: { aws: { dynamoEdge: { requests: Map<string, number> } } }) =>
  [...service.aws.dynamoEdge.requests].reduce(
    (sum, [operation, count]) => (streamReads.has(operation) ? sum : sum + count),
    0,
  );

const writeOperations = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** Capacity units DynamoDB Local reported (the edge reads each answer's ConsumedCapacity), writes and reads. */
const capacity = (service: { aws: { dynamoEdge: { capacity: Map<string, number> } } }) => {
  let write = 0;
  let read = 0;
  for (const [operation, units] of service.aws.dynamoEdge.capacity)
    if (writeOperations.has(operation)) write += units;
    else read += units;
  return { write, read };
};

async function measureUses() {
  const service = await startLocalService({
    port: await freePort(),
    dataDir: join(workDir, 'data'),
    persist: false,
    dynamoPort: await freePort(),
    s3Port: await freePort(),
    tableName: 'bench',
    // The stream consumer is a separate function in AWS: it is read on demand here and counted apart.
    streamPollMs: 3_600_000,
    // Shards roll every 200 records and every third roll splits: six rolls over the 1,200 records, as
    // DynamoDB Streams' shards roll every few hours over a day. A counter item keeps the marks of the
    // shards that wrote to it within 25 hours (shared/domain/stream-batch.ts), so this is the number of
    // marks it carries in AWS; rolling every 50 records put a week's rolls into the day and measured
    // items four times as marked as AWS's can be.
    streamShards: { rollEveryRecords: 200, splitEvery: 3 },
  });
  try {
    const area = await registerArea({ name: 'Bench area', municipalityCodes: ['049'], welfareArea: 'LU' });
    const distributor = await registerOrganisation({
      kind: 'distributor',
      name: 'Bench unit',
      areaId: area.areaId,
    });
    const venue = await registerOrganisation({ kind: 'venue', name: 'Bench venue', areaId: area.areaId });
    const cardsFile = (name: string, cards: string[]) => {
      const file = join(workDir, `${name}.json`);
      writeFileSync(file, JSON.stringify(cards));
      return file;
    };
    const owner = { orgId: distributor.organisation.orgId, areaId: area.areaId };

    // Each card used six times, first uses included; requests counted at the local DynamoDB endpoint.
    const sixTimes = await makeCards(100, owner);
    const before = tableRequests(service);
    const unitsBefore = capacity(service);
    const counted = await loadProcess([
      'http',
      service.url,
      venue.apiKey,
      cardsFile('six', sixTimes),
      '600',
      String(concurrency),
    ]);
    if (counted.failures > 0)
      throw new Error(`${counted.failures} uses failed in the request-count workload`);
    const dynamoRequestsPerUse = (tableRequests(service) - before) / 600;
    const beforeStream = tableRequests(service);
    await service.streams.drain();
    const streamRequestsPerUse = (tableRequests(service) - beforeStream) / 600;
    // Everything the 600 uses cost: the requests (authorizer included) and the stream consumer's drain.
    const unitsAfter = capacity(service);
    const writeUnitsPerUse = (unitsAfter.write - unitsBefore.write) / 600;
    const readUnitsPerUse = (unitsAfter.read - unitsBefore.read) / 600;
    const batches = { ...service.streams.batches };
    const [sample] = (
      await listUsages(
        { venueId: venue.organisation.orgId, areaId: area.areaId },
        { from: today(), to: today() },
        1,
      )
    ).items;
    if (!sample) throw new Error('no use recorded to measure');
    const cost = await costOfMillionUses(sample, {
      requestsPerUse: dynamoRequestsPerUse,
      ageCounterRequestsPerUse: streamRequestsPerUse,
      writeUnitsPerUse: round(writeUnitsPerUse),
      readUnitsPerUse: round(readUnitsPerUse),
      lambdaMs: assumedLambdaMs,
    });

    // Throughput: the gateway path against raw TransactWriteItems of the same items, rounds interleaved.
    const cards = cardsFile('cards', await makeCards(1000, owner));
    const http: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < 3; i++) {
      const rawRound = await loadProcess([
        'raw',
        service.dynamoEndpoint,
        'bench',
        cards,
        '1500',
        String(concurrency),
        area.areaId,
        venue.organisation.orgId,
      ]);
      const httpRound = await loadProcess([
        'http',
        service.url,
        venue.apiKey,
        cards,
        '1500',
        String(concurrency),
      ]);
      if (rawRound.failures + httpRound.failures > 0)
        throw new Error('uses failed in the throughput workload');
      raw.push(rawRound.perSecond);
      http.push(httpRound.perSecond);
    }
    return {
      dynamoRequestsPerUse: round(dynamoRequestsPerUse),
      ageCounterRequestsPerUse: round(streamRequestsPerUse),
      writeUnitsPerUse: round(writeUnitsPerUse),
      readUnitsPerUse: round(readUnitsPerUse),
      streamBatches: batches,
      costPerMillionUses: cost,
      usageThroughputRatio: round(median(http) / median(raw)),
      httpUsesPerSecond: round(median(http), 1),
      rawTransactionsPerSecond: round(median(raw), 1),
    };
  } finally {
    await service.stop();
  }
}

rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });
// The functions' request and metrics lines go to a file, not between the figures (functions.ts).
process.env.KAIKU_LOG_CAPTURE ??= join(workDir, 'functions.log');
// As in the test run (test/support/global-setup.ts): DynamoDB Local on a busy shared machine takes seconds
// for what DynamoDB does in milliseconds, and a call cut at production's 2 s and tried again counts twice
// (or, for a write, meets its own first try). The bench counts requests; the cut is tested elsewhere.
process.env.KAIKU_DYNAMODB_TIMEOUT_MS ??= '10000';
const init = await measureInit();
const uses = await measureUses();
const people = await measurePersonRequests(workDir);
const snapshots = await measureSnapshotScale(workDir);
const scale = await measureScale(workDir);
const results = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  ...init,
  ...uses,
  ...people,
  ...snapshots,
  ...scale,
  targets: {
    initRatioMax: '<= 1.25',
    dynamoRequestsPerUse: '<= 2.05',
    personReadsOverKey: '<= 1',
    authorizerInitRatio: '<= 1.25',
    writeUnitsPerUse: '<= 8',
    costPerMillionUses: '< 9 USD',
    usageThroughputRatio: '>= 0.75',
    snapshotScaleRatio: '<= 1.5',
    listScaleRatio: '<= 1.2',
    reconcileMemoryScaleRatio: '<= 1.2',
  },
};
writeFileSync(join(projectRoot, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `initRatioMax         ${results.initRatioMax}  (target <= 1.25; baseline import ${results.baselineInitMs} ms)`,
);
console.log(
  `bundleKbMax          ${results.bundleKbMax} KB (${results.bundleKbMaxFunction}; baseline ${results.baselineBundleKb} KB)`,
);
console.log(
  `dynamoRequestsPerUse ${results.dynamoRequestsPerUse}  (target <= 2.05: the caller check with the venue, and the transaction; off the request path, the stream's counters add ${results.ageCounterRequestsPerUse})`,
);
console.log(describePersonRequests(results));
console.log(
  `authorizerInitRatio  ${results.authorizerInitRatio}  (target <= 1.25; the authorizer with jose for people's tokens, against the bare SDK)`,
);
console.log(
  `usageThroughputRatio ${results.usageThroughputRatio}  (target >= 0.75; ${results.httpUsesPerSecond} uses/s via gateway, ${results.rawTransactionsPerSecond} raw transactions/s)`,
);
console.log(
  `snapshotScaleRatio   ${results.snapshotScaleRatio}  (target <= 1.5; snapshot ${results.snapshotMs.uses10k} ms after 10,000 uses, ${results.snapshotMs.uses100k} ms after 100,000; DynamoDB items read ${results.snapshotItemsRead.uses10k} and ${results.snapshotItemsRead.uses100k})`,
);
console.log(
  `writeUnitsPerUse     ${results.writeUnitsPerUse}  (target <= 8; measured ConsumedCapacity, request path and stream; stream batches ${results.streamBatches.count}, ${results.streamBatches.smallest}..${results.streamBatches.largest} records)`,
);
console.log(`readUnitsPerUse      ${results.readUnitsPerUse}  (measured ConsumedCapacity)`);
console.log(
  `costPerMillionUses   $${results.costPerMillionUses.usdTotal}  (target < 9; ${JSON.stringify(results.costPerMillionUses.usd)}; items ${JSON.stringify(results.costPerMillionUses.itemBytes)} bytes)`,
);
console.log(
  `listScaleRatio       ${results.listScaleRatio}  (target <= 1.2; a quiet venue's page of 50 in ${results.listPageMs.uses1x} ms at ${results.scaleSetup.uses1x} area uses, ${results.listPageMs.uses8x} ms at ${results.scaleSetup.uses8x}; index entries read ${results.listEntriesRead.uses1x} and ${results.listEntriesRead.uses8x})`,
);
console.log(
  `reconcileMemoryScaleRatio ${results.reconcileMemoryScaleRatio}  (target <= 1.2; peak heap ${results.reconcilePeakHeapMb.uses1x} MB at ${results.scaleSetup.uses1x} uses, ${results.reconcilePeakHeapMb.uses8x} MB at ${results.scaleSetup.uses8x})`,
);
console.log('Written to bench-results.json');
process.exit(0);
