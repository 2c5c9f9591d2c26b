// npm run snapshot -- [--date YYYY-MM-DD] [--table NAME --bucket NAME --region REGION]
// Computes one day's statistics snapshot by hand: the same job the nightly schedule runs (default: the
// day before today, Europe/Helsinki), against the running local service or a deployed table and bucket.
import { parseArgs } from 'node:util';
import { snapshotDate } from '../functions/jobs/snapshot.ts';
import { checkSnapshotDate } from '../shared/stats/snapshot-date.ts';
import { runSnapshot } from '../shared/stats/snapshot-job.ts';
import { targetOptions, useTarget } from './target.ts';

const { values } = parseArgs({ options: { date: { type: 'string' }, ...targetOptions } });
const now = new Date();
const date = snapshotDate({ date: values.date }, now);
const problem = checkSnapshotDate(date, now);
if (problem) {
  console.error(`--date ${date} ${problem}`);
  process.exit(2);
}
const target = useTarget(values);
const run = await runSnapshot(date, { now });
console.log(
  `Snapshot of ${run.date} written from ${target}: ${run.files} files, ${run.itemsRead} DynamoDB items read in ${run.requests} requests; ` +
    `${run.disclosure.primary} counts hidden, ${run.disclosure.secondary} more by secondary suppression` +
    `${run.latest ? '; snapshots/latest.json points at it' : ''}.`,
);
