// npm run verify-stats -- [--table NAME --region REGION]
// Recounts every statistics counter from the recorded uses and cards (a full read of the table) and
// prints where the counters differ; exits 1 if they differ anywhere. See docs/statistics.md.
import { parseArgs } from 'node:util';
import { describeDifference, reconcile } from '../shared/stats/reconcile.ts';
import { targetOptions, useTarget } from './target.ts';

const { values } = parseArgs({ options: targetOptions });
const target = useTarget(values);
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
  process.exit(1);
}
console.log('No differences: every counter matches the recount.');
