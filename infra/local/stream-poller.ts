// The local stand-in for the Lambda event source mapping on the table's stream: reads DynamoDB Local's
// stream and hands batches to the same handler, in order, retrying what the handler did not finish.

import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

type Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string };
type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface StreamPoller {
  /** Processes everything written so far; tests and scripts call it before reading the counters. */
  drain(): Promise<void>;
  stop(): Promise<void>;
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
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        const records = page.Records ?? [];
        if (records.length > 0) {
          const result = await handler({ Records: records } as unknown as DynamoDBStreamEvent);
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
    drain: () => poll(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
