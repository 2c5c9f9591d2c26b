// Does DynamoDB Local's Scan cost more per item as its table grows? (docs/performance.md, "The tenth of
// the design target": verify-stats took 119 times as long for 17 times the items.) Starts DynamoDB Local
// in memory on its own (no IAM endpoint in front: this measures DynamoDB Local alone), writes small items
// in steps and after each step scans the whole table the way verify-stats does (shared/store/full-scan.ts:
// 4 segments, pages of 500). Prints items a second per table size. `node bench/local-scan-growth.ts`,
// about 4 minutes.
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { localDynamoClient, startDynamo } from '../infra/local/dynamodb.ts';
import { mapLimit } from '../shared/lib/concurrency.ts';

const table = 'scan-growth';
const dynamo = await startDynamo(18_765);
const raw = localDynamoClient(dynamo.endpoint);
const client = DynamoDBDocumentClient.from(raw);

async function createTable(): Promise<void> {
  await raw.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}

let written = 0;
async function write(count: number): Promise<void> {
  const batches = Array.from({ length: Math.ceil(count / 25) }, () =>
    Array.from({ length: 25 }, () => ({
      PutRequest: { Item: { pk: `USAGE#${written++}`, sk: 'USAGE', payload: 'x'.repeat(200) } },
    })),
  );
  await mapLimit(batches, 8, async (batch) => {
    let requests: BatchWriteCommandInput['RequestItems'] | undefined = { [table]: batch };
    while (requests && Object.keys(requests).length > 0)
      requests = (await client.send(new BatchWriteCommand({ RequestItems: requests }))).UnprocessedItems;
  });
}

async function scan(): Promise<{ items: number; ms: number; itemsPerSecond: number }> {
  const started = performance.now();
  let items = 0;
  await mapLimit([0, 1, 2, 3], 4, async (segment) => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          Segment: segment,
          TotalSegments: 4,
          Limit: 500,
          ExclusiveStartKey: startKey,
        }),
      );
      items += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  });
  const ms = performance.now() - started;
  return { items, ms: Math.round(ms), itemsPerSecond: Math.round(items / (ms / 1000)) };
}

try {
  await createTable();
  for (const step of [50_000, 50_000, 100_000, 200_000]) {
    await write(step);
    console.log(JSON.stringify(await scan()));
  }
} finally {
  await dynamo.stop();
}
