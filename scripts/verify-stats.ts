// npm run verify-stats -- [--table NAME --region REGION]
// Recounts every statistics counter from the recorded uses and cards (a full read of the table) and
// prints where the counters differ; exits 1 if they differ anywhere. See docs/statistics.md.
import { debugHelp, parseCommandLine, runScript } from './cli.ts';
import { targetHelp, targetOptions, useTarget } from './target.ts';

const script = 'verify-stats';
const usage = `Usage: npm run verify-stats [-- --table NAME [--region REGION]]

Recounts every statistics counter from the recorded uses and cards (a full read of the table) and
prints each counter that differs from the recount. Exits 0 when all match, 1 on any difference or
error, 2 when there is no service or table to read (see docs/statistics.md).

Options:
  -h, --help        show this text
${targetHelp({ bucket: false })}
${debugHelp}

Examples:
  npm run verify-stats                                          # the service npm start runs
  npm run verify-stats -- --table kaiku-prod --region eu-north-1     # a deployed table
`;

await runScript(script, async () => {
  const { values } = parseCommandLine(script, usage, {
    table: targetOptions.table,
    region: targetOptions.region,
  });
  const target = await useTarget(script, values);
  const { describeDifference, reconcile } = await import('../shared/stats/counting/reconcile.ts');
  const { differences, checked } = await reconcile();
  console.log(
    `Recounted ${target}: ${checked.itemsScanned} items read, ${checked.uses} uses, ${checked.cards} cards, ` +
      `${checked.counterItems} counter items, cards active on ${checked.activeDays} area-days.`,
  );
  for (const difference of differences) console.log(describeDifference(difference));
  if (differences.length > 0) {
    console.log(
      `${differences.length} differences. (Age-group counters follow the table's stream: right after writes, run again before trusting AGES# differences.)`,
    );
    process.exitCode = 1;
    return;
  }
  console.log('No differences: every counter matches the recount.');
});
