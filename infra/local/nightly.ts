// The local stand-in for the EventBridge schedule: inside npm start, at 02:30 Europe/Helsinki every
// night, the snapshot function's own handler is called with the scheduled time, as Scheduler calls it.
// A failed run is retried twice, a minute apart (Scheduler and Lambda retry in AWS). Its times are the
// service's clock (shared/lib/clock.ts): with KAIKU_CLOCK, 02:30 of that clock's nights.
import { now } from '../../shared/lib/clock.ts';
import { nextNightlyRun } from '../../shared/stats/snapshot/nightly-time.ts';

export interface NightlySchedule {
  /** When the next run is due. */
  next(): Date;
  stop(): Promise<void>;
}

type Job = (event: { scheduledTime: string }) => Promise<unknown>;

// Loaded when it first runs: the S3 client and the snapshot code stay out of the service's start.
const snapshotHandler: Job = async (event) =>
  (await import('../../functions/jobs/snapshot.ts')).handler(event);

export function startNightlySchedule(
  job: Job = snapshotHandler,
  options: { clock?: () => Date; retryDelayMs?: number; attempts?: number } = {},
): NightlySchedule {
  const clock = options.clock ?? now;
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let due = nextNightlyRun(clock());
  let running: Promise<void> = Promise.resolve();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });

  async function fire(scheduled: Date): Promise<void> {
    for (let attempt = 1; attempt <= attempts && !stopped; attempt++) {
      try {
        await job({ scheduledTime: scheduled.toISOString() });
        return;
      } catch (error) {
        console.error(
          JSON.stringify({ level: 'error', where: 'nightly snapshot', attempt, error: String(error) }),
        );
        if (attempt < attempts) await wait(retryDelayMs);
      }
    }
  }

  let last: Date | undefined;

  function arm(): void {
    if (stopped) return;
    // A timer may fire a little before the clock reaches the due time: never arm for a run already made.
    const now = clock();
    due = nextNightlyRun(last && now.getTime() <= last.getTime() ? new Date(last.getTime() + 1000) : now);
    // A timer fires at most ~24.8 days ahead; the next run is always within a day.
    timer = setTimeout(
      () => {
        const scheduled = due;
        last = scheduled;
        running = fire(scheduled).finally(arm);
      },
      Math.max(0, due.getTime() - clock().getTime()),
    );
    timer.unref();
  }

  arm();
  return {
    next: () => due,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
