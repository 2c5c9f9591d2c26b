// Fault injection for the reliability tests: failures DynamoDB Local and s3rver cannot be made to produce
// (throttling, a 500, a call that times out after its write landed), made inside a function's own SDK
// clients. The middleware sits below the SDK's retry middleware, so the SDK retries an injected failure
// exactly as it would a real one. Local runtime only: installed by the worker when a test asks for it.
import { appendFileSync } from 'node:fs';
import { mulberry32 } from './seeded-random.ts';

export type FaultKind = 'throttled' | 'server-error' | 'timeout-before' | 'timeout-after';

export interface FaultPlan {
  /** Share (0–1) of DynamoDB calls that fail, with kinds drawn evenly from `kinds`. */
  readonly dynamodb?: { readonly share: number; readonly kinds?: readonly FaultKind[] };
  /** S3 PutObject: every call from the n-th (1-based) on fails with a 503 (S3 going away mid-run). */
  readonly s3?: { readonly failPutsFrom: number };
  /** The functions (handler files) that get the faults; default every one but the authorizer. */
  readonly functions?: readonly string[];
  readonly seed?: number;
  /** Each injected fault is appended to this file as a JSON line: {fn, service, command, kind}. */
  readonly recordTo?: string;
}

export const appliesTo = (plan: FaultPlan, handlerFile: string) =>
  plan.functions ? plan.functions.includes(handlerFile) : handlerFile !== 'functions/authorizer.ts';

interface Stack {
  add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
}

type Next = (args: unknown) => Promise<{ output: unknown }>;

function failure(kind: FaultKind, service: string): Error {
  const meta = (httpStatusCode?: number) => ({ $metadata: { ...(httpStatusCode && { httpStatusCode }) } });
  switch (kind) {
    case 'throttled':
      return Object.assign(
        new Error('The level of configured provisioned throughput was exceeded (injected)'),
        {
          name: service === 's3' ? 'SlowDown' : 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $retryable: { throttling: true },
          ...meta(service === 's3' ? 503 : 400),
        },
      );
    case 'server-error':
      return Object.assign(new Error('Internal server error (injected)'), {
        name: service === 's3' ? 'ServiceUnavailable' : 'InternalServerError',
        $fault: 'server',
        ...meta(service === 's3' ? 503 : 500),
      });
    default:
      return Object.assign(new Error('Request timed out (injected)'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
        ...meta(),
      });
  }
}

export async function installFaults(plan: FaultPlan, handlerFile: string): Promise<void> {
  const random = mulberry32(
    (plan.seed ?? 1) ^ [...handlerFile].reduce((h, c) => h * 31 + c.charCodeAt(0), 7),
  );
  const record = (service: string, command: string, kind: FaultKind) => {
    if (plan.recordTo)
      appendFileSync(plan.recordTo, `${JSON.stringify({ fn: handlerFile, service, command, kind })}\n`);
  };
  const inject = (stack: Stack, service: string, decide: (command: string) => FaultKind | undefined) =>
    stack.add(
      (next: Next, context: { commandName?: string }) => async (args: unknown) => {
        const command = context.commandName ?? '';
        const kind = decide(command);
        if (!kind) return next(args);
        record(service, command, kind);
        // A timeout after the call reached the service: its write happened, the caller cannot know.
        if (kind === 'timeout-after') await next(args);
        throw failure(kind, service);
      },
      { step: 'deserialize', name: 'injectedFaults', priority: 'high' },
    );

  if (plan.dynamodb) {
    const { share, kinds = ['throttled', 'server-error', 'timeout-before', 'timeout-after'] } = plan.dynamodb;
    const { documentClient } = await import('../../shared/store/client.ts');
    inject(documentClient().middlewareStack as unknown as Stack, 'dynamodb', () =>
      random() < share ? kinds[Math.floor(random() * kinds.length)] : undefined,
    );
  }
  if (plan.s3) {
    const { failPutsFrom } = plan.s3;
    const { s3Client } = await import('../../shared/store/s3.ts');
    let puts = 0;
    inject((await s3Client()).middlewareStack as unknown as Stack, 's3', (command) =>
      command === 'PutObjectCommand' && ++puts >= failPutsFrom ? 'server-error' : undefined,
    );
  }
}
