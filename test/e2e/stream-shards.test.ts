// The local stream poller does what DynamoDB Streams and the event source mapping do over hours: shards
// close and get a child (or split in two), a child is read only after its parent, an item's records stay
// in order across shards, and a failed batch comes again, in another order. Real writes to DynamoDB Local,
// its real stream; the consumer here is the test's own, to fail batches at will.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startStreamPoller } from '../../infra/local/stream-poller.ts';
import { documentClient } from '../../shared/store/client.ts';
import { localIam, useFreshTable } from '../support/service.ts';

let tableName: string;
beforeAll(async () => {
  tableName = await useFreshTable();
});

describe('the local stream poller', () => {
  it('rolls and splits shards, reads parents first, keeps each shard in order, and redelivers a failed batch from its failed record in another order', async () => {
    // 12 items, each written 4 times (an INSERT and three MODIFYs of a use-like item the filters pass).
    for (let round = 0; round < 4; round++)
      for (let item = 0; item < 12; item++)
        if (round === 0)
          await documentClient().send(
            new PutCommand({
              TableName: tableName,
              Item: { pk: `USAGE#s${item}`, sk: 'USAGE', entity: 'usage', round },
            }),
          );
        else
          await documentClient().send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: `USAGE#s${item}`, sk: 'USAGE' },
              UpdateExpression: 'SET round = :round',
              ExpressionAttributeValues: { ':round': round },
            }),
          );
    let failures = 3;
    const failedAt = new Set<string>();
    const handler = async (
      event: DynamoDBStreamEvent,
    ): Promise<DynamoDBBatchResponse & { state: object }> => {
      // Every other batch with three records or more fails once, from its second record, while any
      // failures are left.
      if (failures > 0 && event.Records.length >= 3 && failures-- > 0) {
        failedAt.add(event.Records[1]!.dynamodb!.SequenceNumber!);
        return {
          state: {},
          batchItemFailures: [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber! }],
        };
      }
      return { state: {}, batchItemFailures: [] };
    };
    const poller = await startStreamPoller(
      inject('dynamoEndpoint'),
      tableName,
      handler as never,
      { consumer: localIam().operator, operator: localIam().operator },
      3_600_000,
      { rollEveryRecords: 5, splitEvery: 2, seed: 7 },
    );
    try {
      for (let poll = 0; poll < 10; poll++) await poller.drain();
    } finally {
      await poller.stop();
    }
    const shards = poller.shards();
    const deliveries = poller.deliveries;
    // Rolled: many shards, each but the first with a parent; split: a parent with two children.
    expect(shards.length).toBeGreaterThan(4);
    const children = new Map<string, number>();
    for (const shard of shards.slice(1)) {
      expect(shard.parentId).toBeDefined();
      children.set(shard.parentId!, (children.get(shard.parentId!) ?? 0) + 1);
    }
    expect([...children.values()].some((count) => count === 2)).toBe(true);
    // Parent before child: no batch of a shard before the last batch of its parent.
    const lastOf = new Map<string, number>();
    for (const [i, delivery] of deliveries.entries()) lastOf.set(delivery.shardId, i);
    deliveries.forEach((delivery, i) => {
      if (delivery.parentId) expect(lastOf.get(delivery.parentId) ?? -1).toBeLessThan(i);
    });
    // Every record delivered (the ones of a shard in the stream's order).
    const firstDelivered = deliveries.filter((delivery) => !delivery.again).flatMap((d) => d.sequenceNumbers);
    expect(new Set(firstDelivered).size).toBe(48);
    const byShard = new Map<string, string[]>();
    for (const delivery of deliveries.filter((d) => !d.again))
      byShard.set(delivery.shardId, [...(byShard.get(delivery.shardId) ?? []), ...delivery.sequenceNumbers]);
    const numeric = (seqs: string[]) => seqs.map((seq) => BigInt(seq));
    for (const seqs of byShard.values())
      expect(numeric(seqs)).toEqual([...numeric(seqs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // A failed batch came again from its first failed record (ReportBatchItemFailures: the records
    // before it are done), in another order.
    const again = deliveries.filter((delivery) => delivery.again);
    expect(again.length).toBeGreaterThanOrEqual(1);
    for (const redelivery of again) {
      const original = deliveries.find(
        (d) =>
          !d.again &&
          d.shardId === redelivery.shardId &&
          d.sequenceNumbers.includes(redelivery.sequenceNumbers[0]!),
      )!;
      const from = original.sequenceNumbers.findIndex((seq) => failedAt.has(seq));
      expect(from).toBe(1);
      const rest = original.sequenceNumbers.slice(from);
      expect([...redelivery.sequenceNumbers].sort()).toEqual([...rest].sort());
      expect(redelivery.sequenceNumbers).not.toEqual(rest);
    }
  }, 300_000);
});
