// Child process of the bench's reconcileMemoryScaleRatio: runs the reconciliation on the table the
// environment names and prints the most memory it held, with what it read. What it holds is the heap
// left after a full collection (sampled every 100 ms, run with --expose-gc): heapUsed alone peaks
// wherever the collector happens to run (68 and 104 MB on one run, 87 and 96 MB on another, for the
// same two sizes), which says more about the collector's timing than about what the data makes it keep.
import { reconcile } from '../shared/stats/counting/reconcile.ts';

// Without --expose-gc only heapUsed's peak can be reported (liveSampled false).
const collect = (globalThis as { gc?: () => void }).gc;
let peakLive = 0;
let peakUsed = process.memoryUsage().heapUsed;
const used = setInterval(() => {
  peakUsed = Math.max(peakUsed, process.memoryUsage().heapUsed);
}, 2);
const live = setInterval(() => {
  if (!collect) return;
  collect();
  peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
}, 100);
const started = performance.now();
const { differences, checked } = await reconcile();
const ms = Math.round(performance.now() - started);
clearInterval(used);
clearInterval(live);
const mb = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
console.log(
  JSON.stringify({
    peakHeapMb: mb(collect ? peakLive : peakUsed),
    liveSampled: Boolean(collect),
    peakHeapUsedMb: mb(peakUsed),
    ms,
    differences: differences.length,
    ...checked,
  }),
);
