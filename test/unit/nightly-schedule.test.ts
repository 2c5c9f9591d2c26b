// npm start's stand-in for the EventBridge schedule: it calls the job at 02:30 Helsinki time with the
// scheduled instant, retries a failed run, and then waits for the next night.
import { describe, expect, it } from 'vitest';
import { startNightlySchedule } from '../../infra/local/nightly.ts';
import { nextNightlyRun } from '../../shared/stats/snapshot/nightly-time.ts';

/** A clock set to 30 ms before tonight's run. */
function justBeforeTheRun() {
  const due = nextNightlyRun(new Date());
  const offset = due.getTime() - Date.now() - 30;
  return { due, clock: () => new Date(Date.now() + offset) };
}

describe('the local nightly schedule', () => {
  it('runs the job at the scheduled time with that time, then arms for the next night', async () => {
    const { due, clock } = justBeforeTheRun();
    const calls: string[] = [];
    const schedule = startNightlySchedule(
      async (event) => {
        calls.push(event.scheduledTime);
      },
      { clock },
    );
    expect(schedule.next().toISOString()).toBe(due.toISOString());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toEqual([due.toISOString()]);
    expect(schedule.next().getTime() - due.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
    await schedule.stop();
  });

  it('retries a failed run', async () => {
    const { clock } = justBeforeTheRun();
    let attempts = 0;
    const schedule = startNightlySchedule(
      async () => {
        attempts++;
        if (attempts === 1) throw new Error('the table was busy');
      },
      { clock, retryDelayMs: 10 },
    );
    const error = console.error;
    console.error = () => undefined;
    await new Promise((resolve) => setTimeout(resolve, 250));
    console.error = error;
    expect(attempts).toBe(2);
    await schedule.stop();
  });
});
