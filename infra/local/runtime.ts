// The whole service on one machine: DynamoDB Local, s3rver, the table, the admin key and the gateway.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { handler as countFromStream } from '../../functions/jobs/count-from-stream.ts';
import { createAdminKey } from '../../shared/national-centre.ts';
import { ensureTable, localDynamoClient, type RunningDynamo, StartupError, startDynamo } from './dynamodb.ts';
import { type Gateway, startGateway } from './gateway.ts';
import { type NightlySchedule, startNightlySchedule } from './nightly.ts';
import { type RunningS3, startS3 } from './s3.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface LocalOptions {
  readonly port: number;
  readonly dataDir: string;
  /** Keep DynamoDB's data under dataDir (npm start) or in memory (tests, bench). */
  readonly persist: boolean;
  readonly dynamoPort: number;
  readonly s3Port: number;
  readonly tableName?: string;
  readonly statsBucket?: string;
  readonly host?: string;
  /** How often the table's stream is read (default every second); the bench reads it only on demand. */
  readonly streamPollMs?: number;
  /** Run the nightly statistics snapshot at 02:30 Europe/Helsinki, as the schedule in AWS does (npm start). */
  readonly nightlySnapshots?: boolean;
}

export interface LocalService {
  readonly url: string;
  readonly adminKey: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly gateway: Gateway;
  /** The table's stream consumer (age-group counters); drain() catches up before reading them. */
  readonly streams: StreamPoller;
  /** The nightly snapshot's schedule, when asked for. */
  readonly nightly?: NightlySchedule;
  stop(): Promise<void>;
}

export function optionsFromEnv(env = process.env): LocalOptions {
  const port = Number(env.PORT ?? 3000);
  return {
    port,
    dataDir: env.KAIKU_DATA_DIR ?? '.kaiku',
    persist: env.KAIKU_PERSIST !== 'false',
    dynamoPort: Number(env.KAIKU_DYNAMODB_PORT ?? port + 1),
    s3Port: Number(env.KAIKU_S3_PORT ?? port + 2),
  };
}

export async function assertPortFree(port: number, what: string, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `Port ${port} (${what}) is already in use: stop what runs there or choose another port.`
            : `Port ${port} (${what}) cannot be used: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Points this process's AWS SDK clients (and so every handler) at the local servers. */
export function useLocalAws(
  dynamoEndpoint: string,
  s3Endpoint: string,
  tableName: string,
  bucket: string,
): void {
  process.env.AWS_REGION ??= 'eu-north-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = s3Endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.STATS_BUCKET = bucket;
}

async function adminKeyFor(dataDir: string): Promise<string> {
  const file = join(dataDir, 'admin-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const { apiKey } = await createAdminKey();
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return apiKey;
}

export async function startLocalService(options: LocalOptions): Promise<LocalService> {
  const tableName = options.tableName ?? 'kaiku';
  const bucket = options.statsBucket ?? 'kaiku-statistics';
  mkdirSync(options.dataDir, { recursive: true });
  await assertPortFree(options.port, 'the API', options.host);
  await assertPortFree(options.dynamoPort, 'DynamoDB Local');
  await assertPortFree(options.s3Port, 'the S3 server');
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const dynamo: RunningDynamo = await startDynamo(
      options.dynamoPort,
      options.persist ? join(options.dataDir, 'dynamodb') : undefined,
    );
    started.push(dynamo);
    const s3: RunningS3 = await startS3(options.s3Port, join(options.dataDir, 's3'), [bucket]);
    started.push(s3);
    useLocalAws(dynamo.endpoint, s3.endpoint, tableName, bucket);
    await ensureTable(localDynamoClient(dynamo.endpoint), tableName);
    const adminKey = options.persist ? await adminKeyFor(options.dataDir) : (await createAdminKey()).apiKey;
    const streams = await startStreamPoller(
      dynamo.endpoint,
      tableName,
      countFromStream,
      options.streamPollMs,
    );
    started.push(streams);
    const gateway = await startGateway(options.port, options.host);
    started.push({ stop: gateway.close });
    const nightly = options.nightlySnapshots ? startNightlySchedule() : undefined;
    if (nightly) started.push(nightly);
    writeFileSync(
      join(options.dataDir, 'runtime.json'),
      `${JSON.stringify({ url: gateway.url, dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint, tableName, bucket }, null, 2)}\n`,
    );
    return {
      url: gateway.url,
      adminKey,
      dynamoEndpoint: dynamo.endpoint,
      s3Endpoint: s3.endpoint,
      gateway,
      streams,
      nightly,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
