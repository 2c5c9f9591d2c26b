// Sends the queued uses when the connection returns (the browser's online event, and every 20 seconds while
// anything waits), one at a time, each with its own Idempotency-Key: a use the service already stored is
// answered 200 with the first answer, so nothing is ever stored twice. A use waits through a sign-in that
// ended (401: retried later) and goes once the person has signed in again (signed-in.tsx sends at once).
import { ApiFailure, api } from '../api.ts';
import { session } from '../session.ts';
import { forget, markRefused, type QueuedUse, queued } from './queue.ts';

let sending: Promise<number> | undefined;

/** Whether an answer means "try again later" rather than "refused for good". */
const retryLater = (error: unknown) =>
  !(error instanceof ApiFailure) ||
  error.status === 0 ||
  error.status === 401 ||
  error.status === 408 ||
  error.status === 429 ||
  error.status >= 500;

async function sendAll(): Promise<number> {
  const current = session.get();
  if (!current || (current.role !== 'venue' && current.role !== 'ticket-agent')) return 0;
  let sent = 0;
  for (const use of await queued(current.orgId)) {
    if (use.state !== 'pending') continue;
    try {
      await send(use);
      await forget(use.idempotencyKey);
      sent++;
    } catch (error) {
      if (retryLater(error)) break;
      const failure = error as ApiFailure;
      await markRefused(use, { code: failure.code, message: failure.message });
    }
  }
  return sent;
}

export function send(use: Pick<QueuedUse, 'idempotencyKey' | 'body'> & { readonly orgId?: string }) {
  return api('POST', '/v1/usages', {
    body: use.body,
    // For the organisation it was recorded for, even if this browser has since chosen another.
    ...(use.orgId && { organisation: use.orgId }),
    headers: { 'idempotency-key': use.idempotencyKey },
  });
}

/** Sends what waits; concurrent calls share one run. Resolves to how many uses were stored. */
export function sendQueued(): Promise<number> {
  sending ??= sendAll().finally(() => {
    sending = undefined;
  });
  return sending;
}

let started = false;

export function startQueueSender(): void {
  if (started) return;
  started = true;
  const tick = () => void sendQueued().catch(() => {});
  addEventListener('online', tick);
  setInterval(tick, 20_000);
  tick();
}
