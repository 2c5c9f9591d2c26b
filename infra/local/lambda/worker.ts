// One function's runtime, as Lambda gives it: its own module instances and its own environment (the
// variables and the role credentials of this function only). Invocations arrive as messages.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { useClockBuffer } from '../../../shared/lib/clock.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
interface Invocation {
  readonly id: number;
  readonly event: unknown;
  readonly requestId: string;
  readonly timeoutMs: number;
}

const { handlerFile, functionName, faults, clock } = workerData as {
  handlerFile: string;
  functionName: string;
  faults?: import('../faults.ts').FaultPlan;
  clock?: SharedArrayBuffer;
};
// The runtime's clock (shared/lib/clock.ts), before the handler's first "now": the same module instance the
// handler imports, reading the offset the runtime sets (KAIKU_CLOCK, or the seed's history).
if (clock) useClockBuffer(clock);
const projectRoot = join(import.meta.dirname, '..', '..', '..');
// Faults (tests only) go into the function's own SDK clients before its first invocation.
const loaded = (
  faults
    ? import('../faults.ts').then(({ installFaults }) => installFaults(faults, handlerFile))
    : Promise.resolve()
)
  .then(() => import(pathToFileURL(join(projectRoot, handlerFile)).href))
  .then((module: { handler: Handler }) => module.handler);

parentPort!.on('message', async ({ id, event, requestId, timeoutMs }: Invocation) => {
  let timer: NodeJS.Timeout | undefined;
  try {
    const handler = await loaded;
    // The function's time starts once its runtime is ready (Lambda does not count the cold start).
    const deadline = Date.now() + timeoutMs;
    const context = {
      awsRequestId: requestId,
      functionName,
      functionVersion: '$LATEST',
      memoryLimitInMB: '256',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      callbackWaitsForEmptyEventLoop: false,
    };
    // As Lambda does: an invocation still running at its timeout fails (API Gateway then answers its own
    // 500), whatever the handler would have answered later. A second's grace: on a loaded machine this
    // timer and the handler's own early answer (middy, 5 ms before the deadline) both fire late.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
        timeoutMs + 1_000,
      );
    });
    parentPort!.postMessage({ id, result: await Promise.race([handler(event, context), timedOut]) });
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    parentPort!.postMessage({ id, error: { name, message, stack } });
  } finally {
    clearTimeout(timer);
  }
});
