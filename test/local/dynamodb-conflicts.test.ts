// The local DynamoDB endpoint refuses what DynamoDB refuses when requests meet an in-flight transaction
// on the same item (DynamoDB Local itself serialises them and never refuses any): a second transaction
// is cancelled with TransactionConflict, a single write gets TransactionConflictException, a
// TransactGetItems is cancelled too. Real SDK calls against DynamoDB Local behind the edge, whose writes
// hold their items 300 ms past DynamoDB Local's answer so that the overlap is certain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalIam } from '../../infra/local/aws/account.ts';
import { type LocalAws, startLocalAws } from '../../infra/local/aws/local-aws.ts';
import { operatorClient } from '../../infra/local/aws/use-local-aws.ts';
import { ensureTable } from '../../infra/local/dynamodb.ts';

const tableName = 'conflicts';
const holdMs = 300;
let aws: LocalAws;
let raw: DynamoDBClient;
let client: DynamoDBDocumentClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kaiku-conflicts-'));
  // The roles the global setup synthesised (synthesising them again costs a minute on a busy machine).
  const iam = new LocalIam(inject('account').templates, 'conflict-test-secret', 'kaiku-conflicts');
  aws = await startLocalAws({ iam, dynamoPort: 0, s3Port: 0, s3DataDir: join(dir, 's3'), holdMs });
  raw = operatorClient(aws.dynamoEndpoint, iam.operator);
  await ensureTable(raw, tableName);
  client = DynamoDBDocumentClient.from(raw);
}, 180_000);

afterAll(async () => {
  await aws?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const key = (name: string) => ({ pk: `ITEM#${name}`, sk: 'ITEM' });
const add = (name: string) => ({
  Update: {
    TableName: tableName,
    Key: key(name),
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': 1 },
  },
});
const checkExists = (name: string) => ({
  ConditionCheck: { TableName: tableName, Key: key(name), ConditionExpression: 'attribute_exists(pk)' },
});
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = async (name: string) =>
  (await client.send(new GetCommand({ TableName: tableName, Key: key(name), ConsistentRead: true }))).Item
    ?.n as number | undefined;

/** Runs `second` while `first` (a transaction) is in flight, and answers both outcomes. */
async function whileInFlight<A, B>(first: () => Promise<A>, second: () => Promise<B>) {
  const forwarded = () => [...aws.dynamoEdge.requests.values()].reduce((sum, n) => sum + n, 0);
  const before = forwarded();
  const running = first();
  // Until the edge has taken the first request (and so holds its items), however busy the machine.
  while (forwarded() === before) await later(5);
  const outcome = await second().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { first: await running, second: outcome };
}

describe('transactions meeting on an item', () => {
  it('cancels a transaction that names an item an in-flight transaction holds, reason TransactionConflict for that item only', async () => {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key('venue-1'), n: 0 } }));
    const { second } = await whileInFlight(
      () => client.send(new TransactWriteCommand({ TransactItems: [add('a-1'), checkExists('venue-1')] })),
      () => client.send(new TransactWriteCommand({ TransactItems: [add('b-1'), checkExists('venue-1')] })),
    );
    expect('error' in second && second.error).toBeInstanceOf(TransactionCanceledException);
    const error = (second as { error: TransactionCanceledException }).error;
    expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'TransactionConflict']);
    // All or nothing: the cancelled transaction wrote nothing, the first one everything.
    expect(await count('a-1')).toBe(1);
    expect(await count('b-1')).toBeUndefined();
  });

  it('refuses a single write of an item an in-flight transaction holds with TransactionConflictException', async () => {
    const { second } = await whileInFlight(
      () => client.send(new TransactWriteCommand({ TransactItems: [add('a-2'), add('shared-2')] })),
      () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key('shared-2'),
            UpdateExpression: 'ADD n :ten',
            ExpressionAttributeValues: { ':ten': 10 },
          }),
        ),
    );
    expect('error' in second && second.error).toBeInstanceOf(TransactionConflictException);
    expect(await count('shared-2')).toBe(1);
    const put = await whileInFlight(
      () => client.send(new TransactWriteCommand({ TransactItems: [add('shared-2')] })),
      () => client.send(new PutCommand({ TableName: tableName, Item: { ...key('shared-2'), n: 100 } })),
    );
    expect('error' in put.second && put.second.error).toBeInstanceOf(TransactionConflictException);
    expect(await count('shared-2')).toBe(2);
  });

  it('cancels a TransactGetItems of an item an in-flight write holds', async () => {
    const { second } = await whileInFlight(
      () => client.send(new TransactWriteCommand({ TransactItems: [add('shared-3')] })),
      () =>
        client.send(
          new TransactGetCommand({
            TransactItems: [
              { Get: { TableName: tableName, Key: key('other-3') } },
              { Get: { TableName: tableName, Key: key('shared-3') } },
            ],
          }),
        ),
    );
    expect('error' in second && second.error).toBeInstanceOf(TransactionCanceledException);
    const error = (second as { error: TransactionCanceledException }).error;
    expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'TransactionConflict']);
  });

  it('lets the item go when the transaction is done, and leaves disjoint transactions alone', async () => {
    await client.send(new TransactWriteCommand({ TransactItems: [add('a-4'), add('shared-4')] }));
    await client.send(new TransactWriteCommand({ TransactItems: [add('b-4'), add('shared-4')] }));
    expect(await count('shared-4')).toBe(2);
    const disjoint = await whileInFlight(
      () => client.send(new TransactWriteCommand({ TransactItems: [add('c-4')] })),
      () => client.send(new TransactWriteCommand({ TransactItems: [add('d-4')] })),
    );
    expect('value' in disjoint.second).toBe(true);
    expect(await count('c-4')).toBe(1);
    expect(await count('d-4')).toBe(1);
  });

  it('16 transactions in flight sharing one ConditionCheck item: the others are cancelled while one holds it', async () => {
    await client.send(new PutCommand({ TableName: tableName, Item: { ...key('venue-5'), n: 0 } }));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        client.send(new TransactWriteCommand({ TransactItems: [add(`use-5-${i}`), checkExists('venue-5')] })),
      ),
    );
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused)
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(TransactionCanceledException);
    expect(aws.dynamoEdge.conflicts.get('TransactWriteItems')).toBeGreaterThan(0);
  });
});
