// Who is signed in: the API key and what GET /v1/me said of it. Kept in sessionStorage only, so the key
// is gone when the tab closes, and never in localStorage, a cookie or a URL.
import { isRole, type Role } from './roles.ts';
import { store, useStore } from './store.ts';

export interface Session {
  readonly apiKey: string;
  readonly keyId: string;
  readonly orgId: string;
  readonly role: Role;
  readonly areaId?: string;
}

const storageKey = 'kaiku.session';

function load(): Session | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null') as Partial<Session> | null;
    if (saved && typeof saved.apiKey === 'string' && isRole(saved.role)) return saved as Session;
  } catch {}
  return undefined;
}

export const session = store<Session | undefined>(load());

export function startSession(value: Session): void {
  sessionStorage.setItem(storageKey, JSON.stringify(value));
  session.set(value);
}

export function endSession(): void {
  sessionStorage.removeItem(storageKey);
  session.set(undefined);
}

export const useSession = () => useStore(session);

/** The signed-in session on a page that requires one (the app shows such pages only when signed in). */
export function requireSession(): Session {
  const current = session.get();
  if (!current) throw new Error('not signed in');
  return current;
}
