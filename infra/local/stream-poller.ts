// The local stand-in for the Lambda event source mapping on the table's stream: reads DynamoDB Local's
// stream and hands batches to the same handler, in order, retrying what the handler did not finish. Like
// the mapping of infra/data-stack.ts it passes only the records its filters pass (countsOnStream), up to
// streamBatchSize of them a batch, and, as under a tumbling window, names the shard and the window in each
// event, hands back the state the previous batch of the window answered, ends a window with a final
// invoke, and takes an answer without `state` for a failure of the whole batch.

import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { countsOnStream, streamBatchSize, streamWindowSeconds } from '../../shared/stream-filter.ts';

type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string };
type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** A shard's open tumbling window: its bounds and the state its last batch answered. */
interface OpenWindow {
  readonly start: number;
  state: unknown;
}

export interface StreamPoller {
  /** Processes everything written so far; tests and scripts call it before reading the counters. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** Batches handed to the consumer so far (final invokes of a window not included), and their sizes. */
  readonly batches: { count: number; records: number; largest: number; smallest: number };
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

  async function pollOnce(): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (!iterators.has(shardId)) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        iterators.set(shardId, ShardIterator);
      }
      let iterator = iterators.get(shardId);
      // On stop, the batch in hand is finished and the rest waits for the next start (harmless: once only).
      while (iterator && !stopped) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = page.Records ?? [];
        const passing = records.filter((record) =>
          countsOnStream(record as unknown as Parameters<typeof countsOnStream>[0]),
        ) as unknown as DynamoDBRecord[];
        for (let i = 0; i < passing.length && !stopped; i += streamBatchSize) {
          const result = await invoke(shardId, passing.slice(i, i + streamBatchSize));
          const failedAt = result.batchItemFailures[0]?.itemIdentifier;
          if (failedAt) {
            // As the event source mapping does with ReportBatchItemFailures: the next delivery starts at
            // the failed record, the ones before it are done. (A thrown error repeats the whole batch.)
            const { ShardIterator } = await streams.send(
              new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: shardId,
                ShardIteratorType: 'AT_SEQUENCE_NUMBER',
                SequenceNumber: failedAt,
              }),
            );
            iterators.set(shardId, ShardIterator);
            return;
          }
        }
        // Stopped between batches of the page: it is read again on the next start, from here.
        if (stopped) return;
        iterator = page.NextShardIterator;
        iterators.set(shardId, iterator);
        if (records.length === 0) break;
      }
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
    drain: () => poll(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
