// How every operator script finds the running local service, one way for all of them:
//  - KAIKU_URL, when set, names the service (enough for the seed, which only uses the HTTP API);
//  - otherwise the data folder KAIKU_DATA_DIR (default .kaiku, resolved against the current directory)
//    holds runtime.json, which npm start writes: the service's url and pid, the local DynamoDB and S3
//    endpoints, the table, the bucket and the operator's credentials (the local endpoints refuse unsigned
//    or unknown callers, so direct table and bucket access signs with these);
//  - PORT, when set (the port npm start serves on), must be the port of that runtime.json's url;
//  - the service must be alive: runtime.json present, its pid running, GET /v1/health answering.
// Anything else is one line saying what is wrong and what to do, and exit 2.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { explainErrorsWith, ScriptError } from './cli.ts';

export interface OperatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** $KAIKU_DATA_DIR/runtime.json as npm start writes it. */
export interface Runtime {
  readonly url: string;
  readonly pid?: number;
  readonly region?: string;
  readonly tableName: string;
  readonly bucket: string;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly operator?: OperatorCredentials;
  /** How far the service's clock runs from the real time (KAIKU_CLOCK), in milliseconds; 0 or absent: none. */
  readonly clockOffsetMs?: number;
}

export interface FoundService {
  /** The service's base URL, without a trailing slash. */
  readonly url: string;
  /** The data folder, absolute. */
  readonly dataDir: string;
  /** runtime.json, when the service was found through it (not when KAIKU_URL alone named it). */
  readonly runtime?: Runtime;
  readonly runtimeFile: string;
}

export const localServiceEnvHelp = [
  '  KAIKU_DATA_DIR    the data folder of npm start (default .kaiku); its runtime.json names the service',
  '  PORT              the port the local service runs on (npm start default 3000); checked against runtime.json',
  '  KAIKU_URL         the service URL; must match runtime.json when the table is read directly',
].join('\n');

/** The data folder: KAIKU_DATA_DIR (default .kaiku) against the current directory. */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(process.cwd(), env.KAIKU_DATA_DIR || '.kaiku');
}

/** A path as the operator would type it: relative to the current directory when it is inside it. */
export function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
}

const noService = (message: string) => new ScriptError(message, 2);

function startHint(alternative?: string): string {
  return `start it with npm start, or set KAIKU_DATA_DIR to the data folder npm start uses${alternative ? `, ${alternative}` : ''}`;
}

const loopback = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}
function sameService(a: URL, b: URL): boolean {
  const hosts = a.hostname === b.hostname || (loopback.has(a.hostname) && loopback.has(b.hostname));
  return hosts && a.protocol === b.protocol && portOf(a) === portOf(b);
}

function parseUrl(text: string, what: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {}
  throw noService(`${what} is not an http(s) URL: '${text}'`);
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Reads and checks runtime.json; a missing or malformed file is a ScriptError (exit 2). */
export function readRuntime(runtimeFile: string, alternative?: string): Runtime {
  if (!existsSync(runtimeFile))
    throw noService(`no local service: ${shown(runtimeFile)} is missing; ${startHint(alternative)}`);
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(runtimeFile, 'utf8'));
  } catch (error) {
    throw noService(
      `${shown(runtimeFile)} cannot be read (${error instanceof Error ? error.message : String(error)}); restart the service with npm start`,
    );
  }
  const missing = ['url', 'tableName', 'bucket', 'dynamoEndpoint', 's3Endpoint'].filter(
    (field) => !isText(data?.[field]),
  );
  if (missing.length > 0)
    throw noService(
      `${shown(runtimeFile)} has no ${missing.join(', ')}: not written by this version of npm start; restart the service with npm start`,
    );
  const pid = data.pid;
  if (pid !== undefined && !(Number.isInteger(pid) && (pid as number) > 0))
    throw noService(`${shown(runtimeFile)} has no valid pid; restart the service with npm start`);
  const operator = data.operator as Record<string, unknown> | undefined;
  return {
    url: (data.url as string).replace(/\/+$/, ''),
    ...(pid !== undefined && { pid: pid as number }),
    ...(isText(data.region) && { region: data.region }),
    tableName: data.tableName as string,
    bucket: data.bucket as string,
    dynamoEndpoint: data.dynamoEndpoint as string,
    s3Endpoint: data.s3Endpoint as string,
    ...(isText(operator?.accessKeyId) &&
      isText(operator?.secretAccessKey) && {
        operator: { accessKeyId: operator.accessKeyId, secretAccessKey: operator.secretAccessKey },
      }),
    ...(Number.isSafeInteger(data.clockOffsetMs) &&
      data.clockOffsetMs !== 0 && { clockOffsetMs: data.clockOffsetMs as number }),
  };
}

/** Whether a process with this id runs (one of another user's counts: kill(pid, 0) says EPERM). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** undefined when GET /v1/health answers 2xx, else why not. */
async function healthProblem(url: string): Promise<string | undefined> {
  try {
    // A busy service answers 429 or 503 with Retry-After: asked again after it, a few times, as the
    // contract asks of clients.
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      if (response.ok) return undefined;
      const retryAfter = Number(response.headers.get('retry-after'));
      if (![429, 503].includes(response.status) || !(retryAfter >= 0) || attempt >= 5)
        return `GET /v1/health answered ${response.status}`;
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 30) * 1000));
    }
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (error instanceof Error && error.name === 'TimeoutError') return 'GET /v1/health timed out';
    return cause?.code === 'ECONNREFUSED' ? 'connection refused' : (cause?.code ?? 'no answer');
  }
}

/**
 * The running local service, found as the file's header says. `via: 'api'` (the seed) accepts KAIKU_URL
 * alone; `via: 'table'` (direct DynamoDB and S3 access) always needs runtime.json, with the operator's
 * credentials. `alternative` is the other way the script can be pointed, for the message when none runs.
 */
export async function findLocalService(
  via: 'api' | 'table',
  { alternative, env = process.env }: { alternative?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<FoundService> {
  const dataDir = dataDirectory(env);
  const runtimeFile = join(dataDir, 'runtime.json');
  const named = env.KAIKU_URL ? parseUrl(env.KAIKU_URL, 'KAIKU_URL') : undefined;
  if (named && via === 'api') {
    const url = named.href.replace(/\/+$/, '');
    explainErrorsWith({ endpoints: [{ name: 'the service', url }], hint: ': is it still running?' });
    const problem = await healthProblem(url);
    if (problem)
      throw noService(
        `no service answers at ${url} (KAIKU_URL; ${problem}); start it with npm start, or correct KAIKU_URL`,
      );
    return { url, dataDir, runtimeFile };
  }

  const runtime = readRuntime(runtimeFile, alternative);
  const running = parseUrl(runtime.url, `the url in ${shown(runtimeFile)}`);
  if (named && !sameService(named, running))
    throw noService(
      `KAIKU_URL is ${env.KAIKU_URL} but the service of ${shown(runtimeFile)} runs at ${runtime.url}; ` +
        'set KAIKU_DATA_DIR to the data folder of the service at KAIKU_URL, or unset KAIKU_URL',
    );
  if (!named && env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new ScriptError(`PORT must be a port number, not '${env.PORT}'`, 2);
    if (portOf(running) !== port)
      throw noService(
        `no service from data folder ${shown(dataDir)} runs on PORT ${port} (its runtime.json says ${runtime.url}); ` +
          `start one with PORT=${port} npm start, or set KAIKU_DATA_DIR to the data folder of the service on port ${port}`,
      );
  }
  if (runtime.pid !== undefined && !isRunning(runtime.pid))
    throw noService(
      `no local service: the one that wrote ${shown(runtimeFile)} (pid ${runtime.pid}) is no longer running; ${startHint(alternative)}`,
    );
  const problem = await healthProblem(runtime.url);
  if (problem)
    throw noService(
      `no local service answers at ${runtime.url} (from ${shown(runtimeFile)}; ${problem}); ${startHint(alternative)}`,
    );
  if (via === 'table' && !runtime.operator)
    throw noService(
      `${shown(runtimeFile)} has no operator credentials (the local DynamoDB and S3 need them): restart the service with npm start`,
    );
  explainErrorsWith({
    endpoints: [
      { name: 'the service', url: runtime.url },
      { name: 'DynamoDB Local', url: runtime.dynamoEndpoint },
      { name: 'the local S3 server', url: runtime.s3Endpoint },
    ],
    hint: ': is npm start still running?',
    credentialsFrom: shown(runtimeFile),
  });
  return { url: runtime.url, dataDir, runtime, runtimeFile };
}

/**
 * Points this process's AWS SDK clients at the running local service's table and bucket, signed with the
 * operator's credentials from runtime.json. Returns what it found, for the scripts' messages.
 */
export async function useLocalService(alternative?: string): Promise<FoundService & { runtime: Runtime }> {
  const found = await findLocalService('table', alternative ? { alternative } : {});
  const runtime = found.runtime!;
  const operator = runtime.operator!;
  const { useLocalAws } = await import('../infra/local/aws/use-local-aws.ts');
  // useLocalAws takes the credentials as its fifth parameter (it did not always); setting them in the
  // environment below is equivalent, so this works with either signature.
  const pointAt: (
    dynamoEndpoint: string,
    s3Endpoint: string,
    tableName: string,
    bucket: string,
    credentials?: OperatorCredentials,
  ) => void = useLocalAws;
  pointAt(runtime.dynamoEndpoint, runtime.s3Endpoint, runtime.tableName, runtime.bucket, operator);
  process.env.AWS_ACCESS_KEY_ID = operator.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = operator.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  // The region the local servers were started with (signatures are scoped to it).
  if (runtime.region) process.env.AWS_REGION = runtime.region;
  else process.env.AWS_REGION ??= 'eu-north-1';
  // The service's clock (KAIKU_CLOCK): a script that acts as the service (the snapshot, the recount) sees
  // the same "today" as the running functions.
  const { setClockOffset } = await import('../shared/lib/clock.ts');
  setClockOffset(runtime.clockOffsetMs ?? 0);
  return { ...found, runtime };
}
