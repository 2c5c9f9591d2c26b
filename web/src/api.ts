// Every request to the API goes through here: same origin under /v1 (no CORS), the session's key as a
// Bearer token, JSON in and out, and the contract's error body turned into an ApiFailure.
import { endSession, session } from './session.ts';
import { store } from './store.ts';

export interface ErrorDetail {
  readonly field: string;
  readonly problem: string;
}

export class ApiFailure extends Error {
  readonly status: number;
  /** The contract's error code; NETWORK when no answer came, HTTP_<status> for the gateway's own answers. */
  readonly code: string;
  readonly details: readonly ErrorDetail[];

  constructor(status: number, code: string, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ApiOptions {
  readonly body?: unknown;
  /** A CSV body (text/csv) instead of JSON. */
  readonly csv?: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A public route: no key is sent. */
  readonly anonymous?: boolean;
  /** Use this key instead of the session's (signing in). */
  readonly apiKey?: string;
}

/** Why the session ended on its own (the key stopped working), for the sign-in page to say. */
export const signedOutBecause = store<'key-refused' | undefined>(undefined);

export function pathWithQuery(path: string, query: ApiOptions['query'] = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return `/v1${path}${text ? `?${text}` : ''}`;
}

export async function api<T>(method: string, path: string, options: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const key = options.anonymous ? undefined : (options.apiKey ?? session.get()?.apiKey);
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.csv !== undefined) {
    headers['content-type'] = 'text/csv; charset=utf-8';
    body = options.csv;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(pathWithQuery(path, options.query), {
      method,
      headers,
      body,
      credentials: 'omit',
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'No connection to the service.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  const failure = failureOf(response.status, parsed);
  // The session's key no longer works (revoked, or never valid): sign out rather than fail every page.
  if (response.status === 401 && !options.apiKey && !options.anonymous && session.get()) {
    signedOutBecause.set('key-refused');
    endSession();
  }
  throw failure;
}

function failureOf(status: number, parsed: unknown): ApiFailure {
  const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === 'string')
    return new ApiFailure(
      status,
      error.code,
      typeof error.message === 'string' ? error.message : error.code,
      Array.isArray(error.details) ? (error.details as ErrorDetail[]) : [],
    );
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return new ApiFailure(status, `HTTP_${status}`, typeof message === 'string' ? message : `HTTP ${status}`);
}

/** A fresh Idempotency-Key for one use; kept with the use until the service has answered it. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
