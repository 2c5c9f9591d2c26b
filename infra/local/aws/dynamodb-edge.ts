// The local DynamoDB endpoint: checks each request's signature, authorises every part of it against the
// caller's role as IAM would, and only then hands it to DynamoDB Local (which checks nothing at all).
import { request as httpRequest } from 'node:http';
import type { LocalIam } from './account.ts';
import { iamCallsOf } from './dynamodb-calls.ts';
import { answer, type Listening, listenOnLoopback, readSigned } from './http.ts';
import { ItemLocks } from './item-locks.ts';
import { jsonSignatureError, verifySigV4 } from './sigv4.ts';

export interface DynamoEdgeOptions {
  readonly port: number;
  /** DynamoDB Local itself, on loopback, reached by nothing but this edge. */
  readonly backend: string;
  readonly iam: LocalIam;
  /**
   * The least time a write holds its items beyond DynamoDB Local's answer (default 0: just while it
   * works). DynamoDB's own two-phase commit takes some milliseconds; tests lengthen it to make an overlap
   * certain.
   */
  readonly holdMs?: number;
}

export interface DynamoEdge extends Listening {
  /** Requests forwarded to DynamoDB Local, by operation: what a deployment would be billed for. */
  readonly requests: Map<string, number>;
  /**
   * Capacity units DynamoDB Local reported as consumed, by operation (the service's clients always ask
   * for them: shared/store/client.ts). DynamoDB Local counts index writes too, a transaction's at the
   * transactional rate (two units per KB), and a ConditionCheck as a transactional write.
   */
  readonly capacity: Map<string, number>;
  /** Requests refused because an in-flight transaction held an item they name, by operation. */
  readonly conflicts: Map<string, number>;
}

const awsError = (type: string, message: string) =>
  JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message, Message: message });

export async function startDynamoEdge(options: DynamoEdgeOptions): Promise<DynamoEdge> {
  const backend = new URL(options.backend);
  const requests = new Map<string, number>();
  const capacity = new Map<string, number>();
  // DynamoDB Local's shard iterators are opaque here; the stream they came from is remembered instead.
  const iteratorStreams = new Map<string, string>();
  const locks = new ItemLocks();
  const holdMs = options.holdMs ?? 0;

  const listening = await listenOnLoopback(
    options.port,
    async (incoming, response) => {
      const signed = await readSigned(incoming);
      const refuse = (status: number, type: string, message: string) =>
        answer(response, status, awsError(type, message), {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': type,
          'x-amzn-requestid': crypto.randomUUID(),
        });
      const verified = verifySigV4(signed, options.iam.secretOf);
      if (!verified.ok) {
        const { type, message } = jsonSignatureError(verified);
        return refuse(400, type, message);
      }
      const target = signed.headers['x-amz-target'] ?? '';
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(signed.body.toString('utf8') || '{}');
      } catch {
        return refuse(400, 'SerializationException', 'The request body is not JSON.');
      }
      const calls = iamCallsOf(target, body, (iterator) => iteratorStreams.get(iterator));
      for (const call of calls) {
        const decision = await options.iam.decide({ accessKeyId: verified.accessKeyId, ...call });
        if (!decision.allowed) return refuse(400, 'AccessDeniedException', decision.message);
      }
      const operation = target.split('.')[1] ?? target;
      const lock = locks.acquire(operation, body);
      if ('conflict' in lock)
        return answer(response, lock.conflict.status, lock.conflict.body, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': lock.conflict.type,
          'x-amzn-requestid': crypto.randomUUID(),
        });
      requests.set(operation, (requests.get(operation) ?? 0) + 1);
      let forwarded: Awaited<ReturnType<typeof forward>>;
      try {
        forwarded = await forward(backend, signed.method, signed.path, signed.headers, signed.body);
        if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      } finally {
        lock.release();
      }
      if (forwarded.status === 200) rememberIterators(operation, body, forwarded.body, iteratorStreams);
      const units = consumedUnits(forwarded.body);
      if (units > 0) capacity.set(operation, (capacity.get(operation) ?? 0) + units);
      answer(response, forwarded.status, forwarded.body, forwarded.headers);
    },
    'dynamodb edge',
  );
  return { ...listening, requests, capacity, conflicts: locks.conflicts };
}

/** The CapacityUnits of a reply's ConsumedCapacity (one entry, or a list per table), 0 when none. */
function consumedUnits(reply: Buffer): number {
  if (reply.length === 0 || !reply.includes('ConsumedCapacity')) return 0;
  try {
    const { ConsumedCapacity } = JSON.parse(reply.toString('utf8')) as {
      ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
    };
    const list = Array.isArray(ConsumedCapacity)
      ? ConsumedCapacity
      : ConsumedCapacity
        ? [ConsumedCapacity]
        : [];
    return list.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  } catch {
    return 0;
  }
}

function rememberIterators(
  operation: string,
  body: Record<string, unknown>,
  reply: Buffer,
  iteratorStreams: Map<string, string>,
): void {
  if (operation !== 'GetShardIterator' && operation !== 'GetRecords') return;
  const stream =
    operation === 'GetShardIterator'
      ? String(body.StreamArn)
      : iteratorStreams.get(String(body.ShardIterator));
  if (!stream) return;
  const parsed = JSON.parse(reply.toString('utf8')) as { ShardIterator?: string; NextShardIterator?: string };
  const next = parsed.ShardIterator ?? parsed.NextShardIterator;
  if (!next) return;
  // A retried batch reads its iterator again, so old ones are kept, up to a bound.
  if (iteratorStreams.size > 10_000) iteratorStreams.delete(iteratorStreams.keys().next().value!);
  iteratorStreams.set(next, stream);
}

function forward(
  backend: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        hostname: backend.hostname,
        port: backend.port,
        method,
        path,
        headers: { ...headers, host: backend.host, 'content-length': String(body.length) },
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => {
          const replyHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(reply.headers))
            if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding')
              replyHeaders[name] = Array.isArray(value) ? value.join(',') : value;
          resolve({ status: reply.statusCode ?? 500, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
        reply.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
