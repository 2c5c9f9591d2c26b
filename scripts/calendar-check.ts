// The date-sensitive tests at the days where calendars break (issue 21, item 5): the first, the second
// and the last day of a month (February's), and the last day of a year, each a run of vitest with
// KAIKU_CLOCK set (test/support/run-clock.ts). .ci/run calls it after `npm test`:
//   npm run test:calendar            every day below
//   npm run test:calendar -- 2026-02-28T12:00:00+02:00 test/e2e/cards.test.ts
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../infra/paths.ts';

const days = [
  '2026-03-01T12:00:00+02:00',
  '2026-03-02T12:00:00+02:00',
  '2026-02-28T12:00:00+02:00',
  '2025-12-31T12:00:00+02:00',
];
// The tests whose answers depend on the day: validity and renewal, the 60 days a use may go back, the
// day's venue limit, daily counters, key expiry.
const files = [
  'test/e2e/cards.test.ts',
  'test/e2e/usages.test.ts',
  'test/e2e/batch.test.ts',
  'test/e2e/stream-counters.test.ts',
  'test/e2e/keys-and-organisations.test.ts',
];
// Not here, for CI's time: seed-history (minutes per run; it asks for each month's summary up to the
// clock's day, the test that failed on every day but the 1st), list-usages and refusals. Run them with
// `npm run test:calendar -- <instant> <files>`.

const [day, ...only] = process.argv.slice(2);
const failed: string[] = [];
for (const clock of day ? [day] : days) {
  console.log(`\n== KAIKU_CLOCK=${clock}`);
  const run = spawnSync('npx', ['vitest', 'run', ...(only.length > 0 ? only : files)], {
    cwd: projectRoot,
    stdio: 'inherit',
    env: { ...process.env, KAIKU_CLOCK: clock },
  });
  if (run.status !== 0) failed.push(clock);
}
if (failed.length > 0) {
  console.error(`The date-sensitive tests failed with KAIKU_CLOCK at ${failed.join(', ')}.`);
  process.exit(1);
}
console.log(`The date-sensitive tests pass on every day checked (${day ?? days.join(', ')}).`);
