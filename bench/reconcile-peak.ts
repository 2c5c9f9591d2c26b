// Child process of the bench's reconcileMemoryScaleRatio: runs the reconciliation on the table the
// environment names and prints its peak V8 heap, sampled every few milliseconds, with what it read.
import { reconcile } from '../shared/stats/reconcile.ts';

let peak = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
}, 2);
const started = performance.now();
const { differences, checked } = await reconcile();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().heapUsed);
console.log(
  JSON.stringify({
    peakHeapMb: Number((peak / 2 ** 20).toFixed(1)),
    ms: Math.round(performance.now() - started),
    differences: differences.length,
    ...checked,
  }),
);
