// The functions of one local deployment, each in a worker thread of its own (started on first use, like a
// cold start), with the environment its CloudFormation template gives it and its own role's credentials,
// so every call it makes to DynamoDB, S3 or Lambda is authorised for that role alone.
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { clockBuffer } from '../../../shared/lib/clock.ts';
import type { LocalDeploymentNames, LocalIam } from '../aws/account.ts';
import { appliesTo, type FaultPlan } from '../faults.ts';

export interface Endpoints {
  readonly dynamodb: string;
  readonly s3: string;
  readonly lambda: string;
  /** The local Secrets Manager (infra/local/aws/secrets-edge.ts). */
  readonly secrets: string;
  /** The identity provider people sign in with (the local one under npm start), when there is one. */
  readonly identity?: IdentityEndpoint;
}

/** What the functions are told of the identity provider: as CDK tells them of the user pool in AWS. */
export interface IdentityEndpoint {
  readonly issuer: string;
  readonly clientId: string;
  readonly userPoolId?: string;
  /** Cognito's API (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER), and SES's (AWS_ENDPOINT_URL_SESV2). */
  readonly endpoint?: string;
  /** The web app the provider serves, for links in the service's own e-mail (WEB_APP_URL). */
  readonly webAppOrigin?: string;
}

export class FunctionError extends Error {}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Running {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * A variable whose value names a resource the local runtime has no counterpart for (roles.ts makes such
 * references "unresolved:…", e.g. the user pool's id when no local provider runs) is left out: a function
 * must see "not configured", never a made-up name it would call AWS itself with.
 */
const resolvedOnly = (variables: Record<string, string>) =>
  Object.fromEntries(Object.entries(variables).filter(([, value]) => !String(value).includes('unresolved:')));

/** The user pool's settings CDK gives the functions in AWS, pointed at the local provider. */
const identityEnvironment = (identity: IdentityEndpoint | undefined): Record<string, string> =>
  identity
    ? {
        IDP_ISSUER: identity.issuer,
        IDP_CLIENT_ID: identity.clientId,
        ...(identity.userPoolId && { IDP_USER_POOL_ID: identity.userPoolId }),
        ...(identity.endpoint && {
          AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: identity.endpoint,
          AWS_ENDPOINT_URL_SESV2: identity.endpoint,
        }),
      }
    : {};

/**
 * Local-only settings the functions may read (the authorizer's cache time); never credentials. Not
 * KAIKU_CLOCK: the functions read the service's clock from the buffer they share with the runtime
 * (workerData.clock), which the runtime set from it once, so that every part agrees.
 */
const passedThrough = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(
    Object.entries(env).filter(
      ([name, value]) =>
        value !== undefined &&
        name !== 'KAIKU_CLOCK' &&
        (name.startsWith('KAIKU_') || ['PATH', 'TZ', 'HOME'].includes(name)),
    ),
  ) as Record<string, string>;

/**
 * KAIKU_LOG_CAPTURE=<file>: every function's output is also appended to that file (the tests search it
 * for secrets and holder data, test/support/log-leaks.ts). The per-request and metrics lines then go to
 * the file only, so that a test run's output stays readable; every other line is forwarded as well.
 */
const captureFile = () => process.env.KAIKU_LOG_CAPTURE || undefined;

/** A metrics line (CloudWatch embedded metric format): in AWS it becomes metrics, here it is noise. */
const isMetricsLine = (line: string) => line.startsWith('{"_aws":');

/** The per-request line of shared/lib/observability.ts, parsed; undefined for any other line. */
function requestLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{') || !line.includes('"message":"request"')) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return parsed.message === 'request' && typeof parsed.route === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A request line as a terminal reader wants it: time, status, route, caller, duration, code. */
export function humanLine(line: Record<string, unknown>): string {
  const time = typeof line.timestamp === 'string' ? line.timestamp.slice(11, 23) : '';
  const status = line.status ?? (line.outcome === 'ok' ? 'ok' : line.outcome);
  const job = String(line.route).startsWith('job ');
  const caller = line.orgId ? `${line.orgId}/${line.keyId ?? '-'}` : job ? '-' : 'anonymous';
  const capacity = line.consumedCapacity ? ` ${line.consumedCapacity} CU` : '';
  const code = line.code ? ` ${line.code}` : '';
  return `${time} ${String(status).padEnd(3)} ${line.route} ${caller} ${line.durationMs} ms${capacity}${code}`;
}

/** Forwards a worker's output to one of this process's streams (rendered for a terminal, or as is). */
function forwardTo(stream: NodeJS.WriteStream): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const file = captureFile();
    if (file) appendFileSync(file, chunk);
    if (!stream.isTTY && !file) {
      stream.write(chunk);
      return;
    }
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    let out = '';
    for (const line of lines) {
      const parsed = requestLine(line);
      if (parsed) {
        if (!file) out += `${humanLine(parsed)}\n`;
      } else if (!file || !isMetricsLine(line)) out += `${line}\n`;
    }
    if (out) stream.write(out);
  };
}

export class LocalFunctions {
  private readonly running = new Map<string, Running>();
  private next = 0;
  private stopped = false;
  private readonly iam: LocalIam;
  private readonly names: LocalDeploymentNames;
  private readonly endpoints: Endpoints;
  private faults: FaultPlan | undefined;

  constructor(iam: LocalIam, names: LocalDeploymentNames, endpoints: Endpoints) {
    this.iam = iam;
    this.names = names;
    this.endpoints = endpoints;
  }

  /**
   * Tests only: the faults the functions' SDK clients inject from now on (undefined: none). Running
   * functions are stopped, so the next invocation starts them with the new plan (a cold start).
   */
  async injectFaults(plan: FaultPlan | undefined): Promise<void> {
    this.faults = plan;
    const workers = [...this.running.values()];
    this.running.clear();
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** The environment Lambda would give the function, pointed at the local endpoints. */
  environmentOf(handlerFile: string): Record<string, string> {
    const credentials = this.iam.credentialsFor(handlerFile, this.names);
    const { NODE_OPTIONS: _nodeOptions, ...variables } = this.iam.environmentFor(handlerFile, this.names);
    return {
      ...passedThrough(process.env),
      ...resolvedOnly(variables),
      AWS_REGION: 'eu-north-1',
      AWS_DEFAULT_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: this.endpoints.dynamodb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: this.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: this.endpoints.s3,
      AWS_ENDPOINT_URL_LAMBDA: this.endpoints.lambda,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.endpoints.secrets,
      ...identityEnvironment(this.endpoints.identity),
      // The web app the local provider serves, where CDK names the stage's (links in the service's e-mail).
      ...(variables.WEB_APP_URL !== undefined &&
        this.endpoints.identity?.webAppOrigin && { WEB_APP_URL: this.endpoints.identity.webAppOrigin }),
      AWS_LAMBDA_FUNCTION_NAME: this.iam.functionNameOf(handlerFile) ?? handlerFile,
    };
  }

  private start(handlerFile: string): Running {
    const worker = new Worker(join(import.meta.dirname, 'worker.ts'), {
      env: this.environmentOf(handlerFile),
      workerData: {
        handlerFile,
        functionName: this.iam.functionNameOf(handlerFile) ?? handlerFile,
        // The service's clock: shared memory, so a change reaches every function at once.
        clock: clockBuffer(),
        ...(this.faults && appliesTo(this.faults, handlerFile) && { faults: this.faults }),
      },
      stdout: true,
      stderr: true,
    });
    // Through this process's own streams, so that what a function logs can be read (and captured) here.
    worker.stdout.on('data', forwardTo(process.stdout));
    worker.stderr.on('data', forwardTo(process.stderr));
    const running: Running = { worker, pending: new Map() };
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: Error }) => {
      const waiting = running.pending.get(id);
      running.pending.delete(id);
      if (!waiting) return;
      if (error) {
        const failure = new FunctionError(`${handlerFile}: ${error.name}: ${error.message}`);
        failure.stack = error.stack;
        waiting.reject(failure);
      } else waiting.resolve(result);
    });
    const failAll = (error: Error) => {
      // A worker replaced meanwhile (injectFaults) stays.
      if (this.running.get(handlerFile) === running) this.running.delete(handlerFile);
      for (const waiting of running.pending.values()) waiting.reject(error);
      running.pending.clear();
    };
    worker.on('error', (error) => failAll(new FunctionError(`${handlerFile} crashed: ${error.message}`)));
    worker.on('exit', (code) => failAll(new FunctionError(`${handlerFile} exited (${code})`)));
    worker.unref();
    this.running.set(handlerFile, running);
    return running;
  }

  invoke<T = unknown>(
    handlerFile: string,
    event: unknown,
    options: { requestId?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    if (this.stopped) return Promise.reject(new FunctionError('the local service is stopping'));
    const running = this.running.get(handlerFile) ?? this.start(handlerFile);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      running.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      running.worker.postMessage({
        id,
        event,
        requestId: options.requestId ?? randomUUID(),
        timeoutMs: options.timeoutMs ?? this.iam.timeoutOf(handlerFile),
      });
    });
  }

  /** Starts the functions ahead of their first request (npm start does it in the background). */
  warm(handlerFiles: readonly string[]): void {
    for (const file of handlerFiles) if (!this.running.has(file)) this.start(file);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const workers = [...this.running.values()];
    this.running.clear();
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }
}
