// A worker thread that reads the clock as a local function's worker does (infra/local/lambda/worker.ts):
// from the buffer the runtime shares. It answers every message with its nowMs().
import { parentPort, workerData } from 'node:worker_threads';
import { nowMs, useClockBuffer } from '../../shared/lib/clock.ts';

useClockBuffer((workerData as { clock: SharedArrayBuffer }).clock);
parentPort!.on('message', () => parentPort!.postMessage(nowMs()));
