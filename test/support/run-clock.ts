// A test run at another day: KAIKU_CLOCK set for `vitest run` moves the clock of every test process and
// of the run's identity provider, as it moves npm start's (docs/api.md, "Local service conventions"). The
// service's functions run in the test process's worker threads and share its clock; processes the tests
// spawn inherit the variable. scripts/calendar-check.ts runs the date-sensitive tests this way.
import { clockOffsetFromEnv } from '../../infra/local/local-clock.ts';
import { setClockOffset } from '../../shared/lib/clock.ts';

/** Sets this process's clock from KAIKU_CLOCK, when it is set; the clock moves on in real time from it. */
export function applyRunClock(): void {
  const offset = clockOffsetFromEnv();
  if (offset !== undefined) setClockOffset(offset);
}
