// Uses recorded without a connection wait here (IndexedDB), each with the Idempotency-Key it was made with,
// until the sender gets the service's answer: stored, or refused with a reason the desk shows.
import type { BodyOf } from '../api.ts';
import { store } from '../store.ts';

/** What POST /v1/usages takes; kept as it is until it is sent. */
export type UseBody = BodyOf<'POST', '/v1/usages'>;

export interface QueuedUse {
  readonly idempotencyKey: string;
  /** The organisation it was recorded for: only a session acting for that organisation sends it. */
  readonly orgId: string;
  readonly body: UseBody;
  readonly queuedAt: string;
  readonly state: 'pending' | 'refused';
  readonly refusal?: { readonly code: string; readonly message: string };
}

/** Bumped on every change, so that lists re-read the queue. */
export const queueVersion = store(0);

const databaseName = 'kaiku-desk';
const storeName = 'uses';
let opened: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(databaseName, 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore(storeName, { keyPath: 'idempotencyKey' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function run<T>(mode: IDBTransactionMode, work: (uses: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const request = work(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

const changed = () => queueVersion.set(queueVersion.get() + 1);

export async function enqueue(use: QueuedUse): Promise<void> {
  await run('readwrite', (uses) => uses.put(use));
  changed();
}

export async function queued(orgId: string): Promise<QueuedUse[]> {
  const all = await run('readonly', (uses) => uses.getAll() as IDBRequest<QueuedUse[]>);
  return all.filter((use) => use.orgId === orgId).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export async function forget(idempotencyKey: string): Promise<void> {
  await run('readwrite', (uses) => uses.delete(idempotencyKey));
  changed();
}

export async function markRefused(use: QueuedUse, refusal: QueuedUse['refusal']): Promise<void> {
  await run('readwrite', (uses) => uses.put({ ...use, state: 'refused', refusal }));
  changed();
}
