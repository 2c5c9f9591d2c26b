// Every request to the API goes through here: same origin under /v1 (no CORS), the person's access token
// as a Bearer token with the organisation they act for (X-Kaiku-Organisation), JSON in and out, and the
// contract's error body turned into an ApiFailure.
import type { components, paths } from './api/schema.d.ts';
import { session } from './session.ts';
import { accessToken } from './sign-in/oidc.ts';
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

/** The API as web/src/api/schema.d.ts describes it (generated from openapi.json: npm run generate:api). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Operation<M extends Method, P extends keyof paths> = NonNullable<paths[P][Lowercase<M>]>;
/** The paths that take the method. */
export type PathOf<M extends Method> = {
  [P in keyof paths]: paths[P][Lowercase<M>] extends { responses: unknown } ? P : never;
}[keyof paths];

type Parameters<O> = O extends { parameters: infer Ps } ? Ps : never;
type PathParameters<O> = Parameters<O> extends { path: infer X } ? X : undefined;
type QueryOf<O> = Parameters<O> extends { query?: infer Q } ? NonNullable<Q> : never;
type JsonBody<O> = O extends { requestBody?: infer R }
  ? NonNullable<R> extends { content: { 'application/json': infer B } }
    ? B
    : never
  : never;
type SuccessStatus = 200 | 201 | 202;
/** The JSON body of the operation's success answers. */
export type Answer<O> = O extends { responses: infer R }
  ? {
      [S in keyof R & SuccessStatus]: R[S] extends { content: { 'application/json': infer B } } ? B : never;
    }[keyof R & SuccessStatus]
  : never;

/** What `api(method, path)` answers. */
export type AnswerOf<M extends Method, P extends PathOf<M>> = Answer<Operation<M, P>>;
/** The JSON body `api(method, path)` sends. */
export type BodyOf<M extends Method, P extends PathOf<M>> = JsonBody<Operation<M, P>>;
/** A named schema of the API (`Card`, `Organisation`, …). */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

export type ApiOptions<O> = {
  readonly body?: JsonBody<O>;
  /** A CSV body (text/csv) instead of JSON. */
  readonly csv?: string;
  readonly query?: QueryOf<O> & { readonly cursor?: string | undefined };
  readonly headers?: Readonly<Record<string, string>>;
  /** A public route: no token is sent. */
  readonly anonymous?: boolean;
  /** This access token, and no organisation (signing in: GET /v1/me). */
  readonly bearer?: string;
  /** Act for this organisation rather than the session's (a queued use is sent for the one it was made for). */
  readonly organisation?: string;
} & (PathParameters<O> extends undefined
  ? { readonly path?: undefined }
  : { readonly path: PathParameters<O> });

/** Set when the service answers 403 MFA_REQUIRED: the app shows how to set up a second factor. */
export const secondFactorNeeded = store(false);

/** The path with its parameters filled in (each encoded) and the query's defined values. */
export function urlOf(
  path: string,
  parameters: Readonly<Record<string, string>> = {},
  query: Readonly<Record<string, unknown>> = {},
): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return `${filled}${text ? `?${text}` : ''}`;
}

/**
 * One request: the path is one of the contract's (`/v1/cards/{cardNumber}`), its parameters, query and
 * body are typed by it, and so is the answer; a change of the contract the app does not follow fails
 * `npm run typecheck`.
 */
export async function api<M extends Method, P extends PathOf<M>>(
  method: M,
  path: P,
  ...[options]: PathParameters<Operation<M, P>> extends undefined
    ? [options?: ApiOptions<Operation<M, P>>]
    : [options: ApiOptions<Operation<M, P>>]
): Promise<AnswerOf<M, P>> {
  const given = (options ?? {}) as ApiOptions<unknown> & {
    path?: Readonly<Record<string, string>>;
    query?: Readonly<Record<string, unknown>>;
    body?: unknown;
  };
  const url = urlOf(path, given.path, given.query);
  const send = async (token: string | undefined): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json', ...given.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    const organisation = given.bearer ? undefined : (given.organisation ?? session.get()?.orgId);
    if (token && organisation) headers['x-kaiku-organisation'] = organisation;
    let body: string | undefined;
    if (given.csv !== undefined) {
      headers['content-type'] = 'text/csv; charset=utf-8';
      body = given.csv;
    } else if (given.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(given.body);
    }
    try {
      return await fetch(url, { method, headers, body, credentials: 'omit' });
    } catch {
      throw new ApiFailure(0, 'NETWORK', 'No connection to the service.');
    }
  };
  const signedInRequest = !given.anonymous && !given.bearer;
  let response = await send(given.anonymous ? undefined : (given.bearer ?? (await accessToken())));
  // The service refused the token (expired early, signed out elsewhere): once more with a refreshed one.
  // If the refresh token no longer works either, accessToken() has ended the sign-in.
  if (response.status === 401 && signedInRequest) {
    const fresh = await accessToken({ force: true });
    if (fresh) response = await send(fresh);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as AnswerOf<M, P>;
  const failure = failureOf(response.status, parsed);
  if (failure.code === 'MFA_REQUIRED' && signedInRequest) secondFactorNeeded.set(true);
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
