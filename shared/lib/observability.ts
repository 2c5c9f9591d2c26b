// One log line per invocation and the service's metrics, for every function: the HTTP wrapper
// (shared/http/handler.ts), the authorizer and the jobs call `invocation()` at the start and `finish()` at
// the end. What a line may hold is fixed here, field by field: ids, the route template, the status and
// error code, the duration and the DynamoDB capacity. Never a key, a claim token, a body, a header, a path
// value or a query string: no secret, no holder data and no free text can reach the log from here
// (docs/decisions/0009-logging.md).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { consumedCapacity } from './consumed-capacity.ts';

export const serviceName = 'kaikukortti';
export const metricsNamespace = 'Kaikukortti';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: metricsNamespace, serviceName });

/** The message of every per-invocation line (the local runtime renders these lines for a terminal). */
export const requestLogMessage = 'request';

/** What one invocation's line says; nothing else can be put in it. */
export interface InvocationFields {
  /** The HTTP route template ("POST /v1/cards"), "authorizer", or the job's name. */
  readonly route: string;
  readonly requestId?: string;
  readonly orgId?: string;
  readonly keyId?: string;
  /** A person's id (the identity provider's `sub`): never a name or an e-mail. */
  readonly personId?: string;
  readonly role?: string;
  /** HTTP status of the answer; jobs and the authorizer leave it out. */
  readonly status?: number;
  /** The contract's error code of a refusal or failure, or the authorizer's reason for no identity. */
  readonly code?: string;
  /** Counts a job reports (records, rows, files); numbers only. */
  readonly counts?: Readonly<Record<string, number>>;
  /** For a failed invocation: what failed (the error's class or code, never its message). */
  readonly failed?: boolean;
}

export type Outcome = 'ok' | 'refused' | 'failed';

export function outcomeOf(fields: Pick<InvocationFields, 'status' | 'failed' | 'code'>): Outcome {
  if (fields.failed || (fields.status !== undefined && fields.status >= 500)) return 'failed';
  if ((fields.status !== undefined && fields.status >= 400) || fields.code !== undefined) return 'refused';
  return 'ok';
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export interface Invocation {
  /** Writes the invocation's one line; call once, at the end. */
  finish(fields: InvocationFields): void;
}

/** Starts timing an invocation and counting the DynamoDB capacity it consumes. */
export function invocation(): Invocation {
  const started = performance.now();
  consumedCapacity.units = 0;
  return {
    finish(fields) {
      const outcome = outcomeOf(fields);
      const line = {
        requestId: fields.requestId ?? 'unknown',
        route: fields.route,
        ...(fields.orgId && { orgId: fields.orgId }),
        ...(fields.keyId && { keyId: fields.keyId }),
        ...(fields.personId && { personId: fields.personId }),
        ...(fields.role && { role: fields.role }),
        ...(fields.status !== undefined && { status: fields.status }),
        outcome,
        ...(fields.code && { code: fields.code }),
        durationMs: round(performance.now() - started, 1),
        consumedCapacity: round(consumedCapacity.units, 2),
        ...fields.counts,
      };
      if (outcome === 'failed') logger.error(requestLogMessage, line);
      else if (outcome === 'refused') logger.warn(requestLogMessage, line);
      else logger.info(requestLogMessage, line);
    },
  };
}

/** Adds a count metric; dimension: the refusal code, when one is given. */
export function count(name: string, value: number, code?: string): void {
  if (value <= 0) return;
  if (code === undefined) {
    metrics.addMetric(name, MetricUnit.Count, value);
    return;
  }
  const single = metrics.singleMetric();
  single.addDimension('code', code);
  single.addMetric(name, MetricUnit.Count, value);
}

export function measure(name: string, value: number, unit: 'Milliseconds' | 'Count'): void {
  metrics.addMetric(name, unit === 'Milliseconds' ? MetricUnit.Milliseconds : MetricUnit.Count, value);
}

/** Writes the metrics added during the invocation as one EMF line (nothing when there are none). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
