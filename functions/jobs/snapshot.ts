// The nightly statistics snapshot, invoked by EventBridge Scheduler at 02:30 Europe/Helsinki with the
// time it was scheduled for (so a retry after midnight still covers the same day), by
// POST /v1/stats/snapshots with a date, and locally by npm start's schedule. A failure throws: Lambda
// retries, then the event goes to the dead-letter queue, and the alarms fire.
import type { Context } from 'aws-lambda';
import { now as clockNow } from '../../shared/lib/clock.ts';
import { invocation, measure, publishMetrics } from '../../shared/lib/observability.ts';
import { dayBefore } from '../../shared/stats/snapshot/snapshot-date.ts';
import { runSnapshot } from '../../shared/stats/snapshot/snapshot-job.ts';

export interface SnapshotEvent {
  /** The day to compute; without it, the day before `scheduledTime` (or before now). */
  readonly date?: string;
  /** `<aws.scheduler.scheduled-time>`, an ISO instant. */
  readonly scheduledTime?: string;
}

export function snapshotDate(event: SnapshotEvent, now: Date): string {
  if (event.date !== undefined) return event.date;
  const scheduled = event.scheduledTime === undefined ? now : new Date(event.scheduledTime);
  if (Number.isNaN(scheduled.getTime()))
    throw new Error(`scheduledTime ${event.scheduledTime} is not an instant`);
  return dayBefore(scheduled);
}

/** One log line per run (the day, files, rows, items read); SnapshotDurationMs and SnapshotRows metrics. */
export async function handler(event: SnapshotEvent | null | undefined, context?: Context) {
  const started = invocation();
  const began = performance.now();
  const route = 'job snapshot';
  const requestId = context?.awsRequestId;
  try {
    const now = clockNow();
    const run = await runSnapshot(snapshotDate(event ?? {}, now), { now });
    started.finish({
      route,
      requestId,
      counts: { files: run.files, rows: run.rows, itemsRead: run.itemsRead, dynamoRequests: run.requests },
    });
    measure('SnapshotDurationMs', Math.round(performance.now() - began), 'Milliseconds');
    measure('SnapshotRows', run.rows, 'Count');
    publishMetrics();
    console.log(JSON.stringify({ level: 'info', event: 'snapshot.written', ...run }));
    return run;
  } catch (error) {
    started.finish({ route, requestId, code: (error as Error)?.name ?? 'Error', failed: true });
    throw error;
  }
}
