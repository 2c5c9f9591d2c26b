// The whole service on one machine: the local AWS account (DynamoDB Local and S3 behind endpoints that
// enforce each function's IAM role), the table, the admin key, the functions and the gateway.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { jobHandlers } from '../../shared/http/routes.ts';
import { clockOffsetMs, setClockOffset } from '../../shared/lib/clock.ts';
import { type BackfillResult, backfillCardIndex } from '../../shared/store/card-index-backfill.ts';
import { createAdminKey } from '../../shared/use-cases/national-centre.ts';
import { type Credentials, LocalIam } from './aws/account.ts';
import { type LocalAws, startLocalAws } from './aws/local-aws.ts';
import { functionTemplates } from './aws/roles.ts';
import { localSecretName } from './aws/secrets-edge.ts';
import { operatorClient, useLocalAws } from './aws/use-local-aws.ts';
import { type Deployment, startDeployment } from './deployment.ts';
import { ensureTable, StartupError } from './dynamodb.ts';
import { type Gateway, startGateway } from './gateway.ts';
import { identityDir, type LocalIdentity, outboxDir, startLocalIdentity } from './identity/server.ts';
import { clockOffsetFromEnv } from './local-clock.ts';
import { type NightlySchedule, startNightlySchedule } from './nightly.ts';
import { type ShardOptions, type StreamPoller, startStreamPoller } from './stream-poller.ts';

export interface LocalOptions {
  readonly port: number;
  readonly dataDir: string;
  /** Keep DynamoDB's data under dataDir (npm start) or in memory (tests, bench). */
  readonly persist: boolean;
  readonly dynamoPort: number;
  readonly s3Port: number;
  /**
   * The local identity provider's port (Cognito stand-in); npm start's is PORT+3 or KAIKU_IDP_PORT
   * (optionsFromEnv). Not given: any free port.
   */
  readonly identityPort?: number;
  readonly tableName?: string;
  readonly statsBucket?: string;
  /** Where the API listens (127.0.0.1 unless KAIKU_HOST opens it); DynamoDB and S3 stay on loopback. */
  readonly host?: string;
  /** How often the table's stream is read (default every second); the bench reads it only on demand. */
  readonly streamPollMs?: number;
  /** How the stream's shards roll and split (default: a new shard every 4 hours of records, no splits). */
  readonly streamShards?: ShardOptions;
  /** Run the nightly statistics snapshot at 02:30 Europe/Helsinki, as the schedule in AWS does (npm start). */
  readonly nightlySnapshots?: boolean;
  /**
   * How far the service's clock runs ahead of the real time, in milliseconds (negative: behind); from
   * KAIKU_CLOCK (optionsFromEnv). Default 0: the real time. The whole process shares it (shared/lib/clock.ts).
   */
  readonly clockOffsetMs?: number;
}

export interface LocalService {
  readonly url: string;
  readonly adminKey: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  /** The local identity provider: issuer, client id, Cognito's API endpoint, the pool. */
  readonly identity: LocalIdentity;
  readonly gateway: Gateway;
  readonly aws: LocalAws;
  readonly deployment: Deployment;
  /** Credentials with every right, for scripts and tests that look into the table or the bucket. */
  readonly operator: Credentials;
  /** The table's stream consumer (age-group counters); drain() catches up before reading them. */
  readonly streams: StreamPoller;
  /** The nightly snapshot's schedule, when asked for. */
  readonly nightly?: NightlySchedule;
  /** A persisted table's card list backfill (decision 0024): run at start, nothing once it has finished. */
  readonly cardIndexBackfill?: BackfillResult;
  /**
   * Sets the service's clock (every function and this process's parts at once); it moves on in real time
   * from there. For `npm run seed -- --months`, which runs a service of its own through the past; the
   * nightly schedule, when running, keeps the times it armed.
   */
  setClock(at: Date): void;
  stop(): Promise<void>;
}

export const localBucket = 'kaiku-statistics';

/** npm start's options from its environment; a StartupError when KAIKU_CLOCK is not an instant. */
export function optionsFromEnv(env = process.env): LocalOptions {
  const port = Number(env.PORT ?? 3000);
  const clockOffset = clockOffsetFromEnv(env);
  return {
    port,
    // Absolute: DynamoDB Local runs in a working directory of its own.
    dataDir: resolve(env.KAIKU_DATA_DIR ?? '.kaiku'),
    persist: env.KAIKU_PERSIST !== 'false',
    dynamoPort: Number(env.KAIKU_DYNAMODB_PORT ?? port + 1),
    s3Port: Number(env.KAIKU_S3_PORT ?? port + 2),
    identityPort: Number(env.KAIKU_IDP_PORT ?? port + 3),
    ...(env.KAIKU_HOST && { host: env.KAIKU_HOST }),
    ...(clockOffset !== undefined && { clockOffsetMs: clockOffset }),
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

/** A file only this user may read (the data folder is 700 too). */
export function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The local account's secret, kept in the data folder so links and keys outlive a restart. */
function accountSecret(dataDir: string, persist: boolean): string {
  const file = join(dataDir, 'account-secret');
  if (persist && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (persist) writePrivate(file, `${secret}\n`);
  return secret;
}

async function adminKeyFor(dataDir: string): Promise<string> {
  const file = join(dataDir, 'admin-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const { apiKey } = await createAdminKey();
  writePrivate(file, `${apiKey}\n`);
  return apiKey;
}

export async function startLocalService(options: LocalOptions): Promise<LocalService> {
  const tableName = options.tableName ?? 'kaiku';
  const bucket = options.statsBucket ?? localBucket;
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  await assertPortFree(options.port, 'the API', options.host);
  await assertPortFree(options.dynamoPort, 'DynamoDB');
  await assertPortFree(options.s3Port, 'the S3 server');
  if (options.identityPort) await assertPortFree(options.identityPort, 'the identity provider');
  // Before anything is made (the admin key on a first start is dated by it): one clock for the whole
  // process and, through the buffer they share, for every function's worker (infra/local/lambda/).
  setClockOffset(options.clockOffsetMs ?? 0);
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const iam = new LocalIam(functionTemplates(), accountSecret(dataDir, options.persist), bucket);
    const aws = await startLocalAws({
      iam,
      dynamoPort: options.dynamoPort,
      s3Port: options.s3Port,
      ...(options.persist && { dynamoDataDir: join(dataDir, 'dynamodb') }),
      s3DataDir: join(dataDir, 's3'),
      // The service's secrets (Secrets Manager in AWS): files of mode 600, made on first start.
      secretsDir: join(dataDir, 'secrets'),
    });
    started.push(aws);
    const operator = iam.operator;
    useLocalAws(aws.dynamoEndpoint, aws.s3Endpoint, tableName, bucket, operator);
    await ensureTable(operatorClient(aws.dynamoEndpoint, operator), tableName);
    // A data folder kept from before the card list (gsi5) has cards missing from it: they get their place
    // before anything is served. One read of a record once that has run (decision 0024).
    const cardIndexBackfill = options.persist ? await backfillCardIndex() : undefined;
    const adminKey = options.persist ? await adminKeyFor(dataDir) : (await createAdminKey()).apiKey;
    // The web app is served by the gateway; "localhost", as a passkey cannot belong to an IP address.
    const identity = await startLocalIdentity({
      dataDir: identityDir(dataDir),
      port: options.identityPort ?? 0,
      webAppOrigin: `http://localhost:${options.port}`,
      outboxDir: outboxDir(dataDir),
      iam,
    });
    started.push(identity);
    const deployment = await startDeployment(
      iam,
      { tableName, bucket },
      { dynamodb: aws.dynamoEndpoint, s3: aws.s3Endpoint, secrets: aws.secretsEndpoint, identity },
    );
    started.push(deployment);
    const streams = await startStreamPoller(
      aws.dynamoEndpoint,
      tableName,
      (event) => deployment.functions.invoke(jobHandlers.countFromStream, event),
      { consumer: iam.credentialsFor(jobHandlers.countFromStream, { tableName, bucket }), operator },
      options.streamPollMs,
      options.streamShards,
    );
    started.push(streams);
    // The gateway plays CloudFront too: it adds the origin secret to every request (decision 0022).
    const gateway = await startGateway(deployment.functions, options.port, options.host ?? '127.0.0.1', {
      signInOrigins: [new URL(identity.issuer).origin],
      originSecret: aws.secrets.valueOf(localSecretName('originVerify')),
    });
    started.push({ stop: gateway.close });
    const nightly = options.nightlySnapshots
      ? startNightlySchedule((event) => deployment.functions.invoke(jobHandlers.snapshot, event))
      : undefined;
    if (nightly) started.push(nightly);
    // clockOffsetMs: scripts that act as the service (npm run snapshot, verify-stats) use the same clock.
    const writeRuntime = () =>
      writePrivate(
        join(dataDir, 'runtime.json'),
        `${JSON.stringify(
          {
            url: gateway.url,
            pid: process.pid,
            region: 'eu-north-1',
            tableName,
            bucket,
            dynamoEndpoint: aws.dynamoEndpoint,
            s3Endpoint: aws.s3Endpoint,
            identity: {
              issuer: identity.issuer,
              clientId: identity.clientId,
              userPoolId: identity.userPoolId,
              endpoint: identity.endpoint,
            },
            operator,
            clockOffsetMs: clockOffsetMs(),
          },
          null,
          2,
        )}\n`,
      );
    writeRuntime();
    return {
      url: gateway.url,
      adminKey,
      dynamoEndpoint: aws.dynamoEndpoint,
      s3Endpoint: aws.s3Endpoint,
      identity,
      gateway,
      aws,
      deployment,
      operator,
      streams,
      nightly,
      ...(cardIndexBackfill && { cardIndexBackfill }),
      setClock(at: Date) {
        setClockOffset(at.getTime() - Date.now());
        writeRuntime();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export { operatorClient, useLocalAws };
