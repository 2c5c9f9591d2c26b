// npm run snapshot -- [--date YYYY-MM-DD] [--table NAME --bucket NAME --region REGION]
// Computes one day's statistics snapshot by hand: the same job the nightly schedule runs (default: the
// day before today, Europe/Helsinki), against the running local service or a deployed table and bucket.
import { debugHelp, parseCommandLine, runScript, UsageError } from './cli.ts';
import { targetHelp, targetOptions, useTarget } from './target.ts';

const script = 'snapshot';
const usage = `Usage: npm run snapshot [-- [--date YYYY-MM-DD] [--table NAME --bucket NAME [--region REGION]]]

Computes one day's statistics snapshot by hand and writes its files to the statistics bucket: the same
job the nightly schedule runs at 02:30 Europe/Helsinki (see docs/statistics.md).

Options:
  --date YYYY-MM-DD the day to compute (default: yesterday, Europe/Helsinki, by the service's clock,
                    which KAIKU_CLOCK may have set); not after today
  -h, --help        show this text
${targetHelp({ bucket: true })}
${debugHelp}

Examples:
  npm run snapshot                                   # yesterday, in the service npm start runs
  npm run snapshot -- --date 2025-03-31
  npm run snapshot -- --table kaiku-prod --bucket <StatisticsBucket> --region eu-north-1
`;

await runScript(script, async () => {
  const { values } = parseCommandLine(script, usage, { date: { type: 'string' }, ...targetOptions });
  const { checkSnapshotDate, dayBefore } = await import('../shared/stats/snapshot/snapshot-date.ts');
  const { now: clockNow } = await import('../shared/lib/clock.ts');
  const { isRealDay } = await import('../shared/lib/dates.ts');
  // A day that does not exist is refused before the service is looked for; "not after today" waits for the
  // service's clock (KAIKU_CLOCK, from its runtime.json), which useTarget sets for this process.
  if (values.date !== undefined && !isRealDay(values.date))
    throw new UsageError(script, `--date ${values.date} must be a real day YYYY-MM-DD`);
  const target = await useTarget(script, values, { bucket: true });
  const now = clockNow();
  const date = values.date ?? dayBefore(now);
  const problem = checkSnapshotDate(date, now);
  if (problem) throw new UsageError(script, `--date ${date} ${problem}`);
  const { runSnapshot } = await import('../shared/stats/snapshot/snapshot-job.ts');
  const run = await runSnapshot(date, { now });
  console.log(
    `Snapshot of ${run.date} written from ${target}: ${run.files} files, ${run.itemsRead} DynamoDB items read in ${run.requests} requests; ` +
      `${run.disclosure.newPeriods.length} closed periods published for the first time` +
      `${run.latest ? '; snapshots/latest.json points at it' : ''}.`,
  );
});
