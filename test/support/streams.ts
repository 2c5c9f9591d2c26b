// The table's stream consumer for a test file's table, as npm start runs it: the stream read with the
// consumer's own role, each batch handed to the consumer function of the file's deployment.
import { inject } from 'vitest';
import { type ShardOptions, type StreamPoller, startStreamPoller } from '../../infra/local/stream-poller.ts';
import { jobHandlers } from '../../shared/http/routes.ts';
import { currentDeployment, localIam } from './service.ts';

/**
 * DynamoDB Streams rolls a shard every few hours; the tests' shards roll every 25 records and every
 * third roll splits, so every counting test goes through parents, children and splits.
 */
export const testShards: ShardOptions = { rollEveryRecords: 25, splitEvery: 3 };

export function startStreamCounting(shards: ShardOptions = testShards): Promise<StreamPoller> {
  const deployment = currentDeployment();
  return startStreamPoller(
    inject('dynamoEndpoint'),
    deployment.tableName,
    (event) => deployment.functions.invoke(jobHandlers.countFromStream, event),
    {
      consumer: localIam().credentialsFor(jobHandlers.countFromStream, deployment),
      operator: localIam().operator,
    },
    60_000,
    shards,
  );
}
