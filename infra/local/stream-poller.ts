// The local stand-in for the Lambda event source mapping on the table's stream: reads DynamoDB Local's
// stream and hands batches to the same handler, in order, retrying what the handler did not finish. Like
// the mapping of infra/data-stack.ts it passes only the records its filters pass (countsOnStream), up to
// streamBatchSize of them a batch, and, as under a tumbling window, names the shard and the window in each
// event, hands back the state the previous batch of the window answered, ends a window with a final
// invoke, and takes an answer without `state` for a failure of the whole batch.
// DynamoDB Local keeps one shard for ever; DynamoDB Streams closes a shard every few hours and opens a
// child (or, under load, two: a split), and the mapping reads a parent to its end before its children.
// So the poller lays DynamoDB Local's records onto shards of its own that roll and split the same way
// (rollEveryMs of the records' time, or rollEveryRecords for tests; every splitEvery-th roll splits), each
// item's records on one shard at a time, a child read only after its parent. The shards follow from the
// records alone, so a restart reading the stream again names them the same. A failed batch comes again
// whole, in another order (AWS redelivers; the consumer must not trust the order), and a record older
// than the stream's 24 hours is not delivered (DynamoDB Streams has trimmed it).

import { createHash } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countsOnStream, streamBatchSize, streamWindowSeconds } from '../stream-filter.ts';
import { mulberry32 } from './seeded-random.ts';

type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string };
type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** A shard's open tumbling window: its bounds and the state its last batch answered. */
interface OpenWindow {
  readonly start: number;
  state: unknown;
}

/** How the poller's shards roll and split (DynamoDB Streams: a new shard every few hours). */
export interface ShardOptions {
  /** A shard closes when a record's time passes its start plus this (default 4 hours). */
  readonly rollEveryMs?: number;
  /** ... or after this many records (tests: roll often). */
  readonly rollEveryRecords?: number;
  /** Every n-th roll splits each shard in two (at most 4 open shards); 0: never. */
  readonly splitEvery?: number;
  /** Seed of the order a failed batch comes again in. */
  readonly seed?: number;
}

/** One of the poller's shards, as the mapping sees it. */
interface Shard {
  readonly id: string;
  readonly parent?: Shard;
  readonly queue: DynamoDBRecord[];
  closed: boolean;
  /** A failed batch, to deliver again (in another order) before anything else of the shard. */
  again?: DynamoDBRecord[];
}

/** One batch handed to the consumer (tests read them): its shard and its records' sequence numbers. */
export interface Delivery {
  readonly shardId: string;
  readonly parentId?: string;
  readonly sequenceNumbers: string[];
  /** A failed batch delivered again. */
  readonly again: boolean;
}

const hours = 3_600_000;
const retentionMs = 24 * hours;

export interface StreamPoller {
  /** Processes everything written so far; tests and scripts call it before reading the counters. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** Batches handed to the consumer so far (final invokes of a window not included), and their sizes. */
  readonly batches: { count: number; records: number; largest: number; smallest: number };
  /** Every batch handed to the consumer, in order (the last 10,000). */
  readonly deliveries: Delivery[];
  /** The shards so far, oldest first: id, parent, and whether closed. */
  shards(): { id: string; parentId?: string; closed: boolean }[];
}

export async function startStreamPoller(
  endpoint: string,
  tableName: string,
  handler: StreamHandler,
  credentials: {
    /** The consumer's role: in AWS the event source mapping reads the stream with the function's own. */
    readonly consumer: Credentials;
    /** Who finds the stream: CloudFormation names it in the mapping, the operator looks it up here. */
    readonly operator: Credentials;
  },
  intervalMs = 1000,
  shardOptions: ShardOptions = {},
): Promise<StreamPoller> {
  const dynamo = new DynamoDBClient({ endpoint, region: 'eu-north-1', credentials: credentials.operator });
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'eu-north-1',
    credentials: credentials.consumer,
  });
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  // Where each shard was left: reprocessing from the start is harmless (each use is counted once).
  const iterators = new Map<string, string | undefined>();
  const windows = new Map<string, OpenWindow>();
  const windowMs = streamWindowSeconds * 1000;
  const batches = { count: 0, records: 0, largest: 0, smallest: 0 };

  /** One invoke as Lambda makes it under a tumbling window; the answer, or an error for a failed batch. */
  async function invoke(shardId: string, records: DynamoDBRecord[], final = false) {
    const now = Date.now();
    let open = windows.get(shardId);
    if (!final && open && now >= open.start + windowMs) {
      // The window is over: its final invoke first (no records), then a new window with a fresh state.
      await invoke(shardId, [], true);
      open = undefined;
    }
    if (!open) {
      open = { start: Math.floor(now / windowMs) * windowMs, state: {} };
      windows.set(shardId, open);
    }
    if (!final) {
      batches.count++;
      batches.records += records.length;
      batches.largest = Math.max(batches.largest, records.length);
      batches.smallest = batches.count === 1 ? records.length : Math.min(batches.smallest, records.length);
    }
    const result = (await handler({
      Records: records,
      shardId,
      eventSourceARN: streamArn,
      window: {
        start: new Date(open.start).toISOString(),
        end: new Date(open.start + windowMs).toISOString(),
      },
      state: open.state,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: false,
    } as unknown as DynamoDBStreamEvent)) as DynamoDBBatchResponse & { state?: unknown };
    // Lambda takes an answer without state for a failed invocation (the batch comes again whole).
    if (result?.state === undefined || result.state === null)
      throw new Error(`the stream consumer answered no state for shard ${shardId}`);
    if (final) windows.delete(shardId);
    else open.state = result.state;
    return result;
  }
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const rollEveryMs = shardOptions.rollEveryMs ?? 4 * hours;
  const rollEveryRecords = shardOptions.rollEveryRecords ?? Number.POSITIVE_INFINITY;
  const splitEvery = shardOptions.splitEvery ?? 0;
  const random = mulberry32(shardOptions.seed ?? 1);
  const deliveries: Delivery[] = [];
  const shards: Shard[] = [];
  let open: Shard[] = [];
  let generation = { start: 0, records: 0, rolls: 0 };

  const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
  const shardId = (atMs: number, from: string) =>
    `shardId-${String(atMs).padStart(20, '0')}-${hashOf(from).slice(0, 8)}`;

  /** The shard a record goes to: rolls (and splits) first when its time or count says so. */
  function shardFor(record: DynamoDBRecord): Shard {
    const created = Number(record.dynamodb?.ApproximateCreationDateTime ?? 0);
    const atMs = created > 1e11 ? created : created * 1000;
    const sequence = record.dynamodb?.SequenceNumber ?? '';
    const due =
      open.length === 0 || atMs >= generation.start + rollEveryMs || generation.records >= rollEveryRecords;
    if (due) {
      const split = open.length > 0 && splitEvery > 0 && (generation.rolls + 1) % splitEvery === 0;
      const children =
        open.length === 0
          ? [undefined]
          : open.flatMap((parent) => (split && open.length < 4 ? [parent, parent] : [parent]));
      for (const parent of open) parent.closed = true;
      open = children.map((parent, i) => {
        const shard: Shard = {
          id: shardId(atMs, `${parent?.id ?? streamArn}/${sequence}/${i}`),
          ...(parent && { parent }),
          queue: [],
          closed: false,
        };
        shards.push(shard);
        return shard;
      });
      generation = {
        start: Math.floor(atMs / rollEveryMs) * rollEveryMs,
        records: 0,
        rolls: generation.rolls + (children[0] === undefined ? 0 : 1),
      };
    }
    generation.records++;
    // An item's records stay on one shard of a generation: by its key.
    const key = JSON.stringify(record.dynamodb?.Keys ?? {});
    return open[Number.parseInt(hashOf(key).slice(0, 8), 16) % open.length]!;
  }

  /** Reads DynamoDB Local's stream onwards and lays the records that pass the filters onto the shards. */
  async function readSource(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const source of StreamDescription?.Shards ?? []) {
      const sourceId = source.ShardId!;
      if (!iterators.has(sourceId)) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: sourceId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        iterators.set(sourceId, ShardIterator);
      }
      let iterator = iterators.get(sourceId);
      while (iterator && !stopped) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = (page.Records ?? []) as unknown as DynamoDBRecord[];
        for (const record of records) {
          // Every record counts for the shards' rolling, so that they come out the same after a restart.
          const shard = shardFor(record);
          if (countsOnStream(record as unknown as Parameters<typeof countsOnStream>[0]))
            shard.queue.push(record);
        }
        iterator = page.NextShardIterator;
        iterators.set(sourceId, iterator);
        if (records.length === 0) break;
      }
    }
  }

  const done = (shard: Shard | undefined): boolean =>
    shard === undefined || (shard.closed && shard.queue.length === 0 && !shard.again);

  function shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    // Never the order it failed in (when there is another).
    if (copy.length > 1 && copy.every((item, i) => item === items[i])) copy.push(copy.shift()!);
    return copy;
  }

  /** Delivers a shard's records (a failed batch again first); false when a batch failed. */
  async function deliver(shard: Shard): Promise<boolean> {
    while (!stopped && (shard.again || shard.queue.length > 0)) {
      const again = shard.again !== undefined;
      const batch = shard.again ?? shard.queue.slice(0, streamBatchSize);
      const fresh = retentionMs > 0 ? batch.filter((record) => !tooOld(record)) : batch;
      deliveries.push({
        shardId: shard.id,
        ...(shard.parent && { parentId: shard.parent.id }),
        sequenceNumbers: fresh.map((record) => record.dynamodb?.SequenceNumber ?? ''),
        again,
      });
      if (deliveries.length > 10_000) deliveries.shift();
      let failed = false;
      let from = 0;
      try {
        const result = fresh.length > 0 ? await invoke(shard.id, fresh) : { batchItemFailures: [] };
        failed = result.batchItemFailures.length > 0;
        // ReportBatchItemFailures: Lambda resumes at the lowest failed record, the records before it done.
        const firstFailed = result.batchItemFailures[0]?.itemIdentifier;
        if (failed && !again)
          from = Math.max(
            0,
            batch.findIndex((record) => record.dynamodb?.SequenceNumber === firstFailed),
          );
      } catch (error) {
        failed = true;
        if (!stopped)
          console.error(JSON.stringify({ level: 'error', where: 'stream poller', error: String(error) }));
      }
      if (!again) shard.queue.splice(0, batch.length);
      if (failed) {
        // As AWS may: the batch comes again, and not in the order it came (nor only from the failed record).
        shard.again = shuffled(batch.slice(from));
        return false;
      }
      shard.again = undefined;
    }
    return true;
  }

  const tooOld = (record: DynamoDBRecord) => {
    const created = Number(record.dynamodb?.ApproximateCreationDateTime ?? 0);
    const atMs = created > 1e11 ? created : created * 1000;
    return atMs > 0 && atMs < Date.now() - retentionMs;
  };

  async function pollOnce(): Promise<void> {
    await readSource();
    // Parents before children; a shard whose batch failed blocks its children until it is through.
    for (const shard of shards) {
      if (stopped) return;
      if (!done(shard.parent)) continue;
      await deliver(shard);
      if (done(shard) && windows.has(shard.id)) await invoke(shard.id, [], true).catch(() => undefined);
    }
  }

  const poll = () => {
    running = running.then(pollOnce).catch((error: unknown) => {
      // A poll cut short by the service stopping is no error: the records wait for the next start.
      if (!stopped)
        console.error(JSON.stringify({ level: 'error', where: 'stream poller', error: String(error) }));
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void poll();
  }, intervalMs);
  timer.unref();
  return {
    batches,
    deliveries,
    shards: () =>
      shards.map((shard) => ({
        id: shard.id,
        ...(shard.parent && { parentId: shard.parent.id }),
        closed: shard.closed,
      })),
    drain: () => poll(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
