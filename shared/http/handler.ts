// The one wrapper every HTTP function uses: role check from the route table, body and query validation,
// the contract's error shape, the common headers, and one log line and the metrics per request
// (shared/lib/observability.ts). Handlers stay thin: they get a parsed request and return a reply.
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../contract/roles.ts';
import type { Caller } from '../domain/caller.ts';
import { now } from '../lib/clock.ts';
import { ApiError, invalid, notFound } from '../lib/errors.ts';
import { count, type Invocation, invocation, publishMetrics } from '../lib/observability.ts';
import { validate } from '../lib/schema.ts';
import { claimedCaller, currentCaller, personPrincipal, unauthenticated } from './caller.ts';
import { fromOrigin } from './origin.ts';
import { commonHeaders, contractErrors, json, secretReply } from './responses.ts';
import { defaultMaxBodyBytes, findRoute, type Route, type RouteKey } from './routes.ts';

export interface HttpRequest<Body = unknown, Query = unknown> {
  readonly principal: Principal;
  /** The caller as checked at this request; undefined on public routes. */
  readonly caller: Caller | undefined;
  readonly body: Body;
  readonly query: Query;
  readonly path: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The address of the connection API Gateway (or the local gateway) took the request on. */
  readonly sourceIp: string | undefined;
  /** The raw body, for routes that also take CSV. */
  readonly rawBody: string;
  readonly contentType: string;
  readonly requestId: string;
  readonly now: Date;
}

export type Reply = APIGatewayProxyStructuredResultV2;

export type Event = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { lambda?: Record<string, unknown> } };
};

/**
 * The caller, checked at this request (shared/http/caller.ts): who the authorizer said, still allowed now
 * (one consistent read), acting for which organisation, with the route's role. A person on a route that
 * acts for no organisation (GET /v1/me) gets a principal with no organisation (orgId "", the least role):
 * such routes read `caller`, never the principal's role.
 */
export async function authorise(
  route: Route,
  event: Event,
): Promise<{ principal: Principal; caller: Caller }> {
  const claimed = claimedCaller(event.requestContext.authorizer?.lambda);
  if (!claimed) throw unauthenticated();
  const caller = await currentCaller(claimed);
  let principal: Principal;
  if (caller.kind === 'key') principal = caller.principal;
  else if (route.actsForOrganisation === false)
    principal = {
      kind: 'person',
      personId: caller.person.personId,
      name: caller.person.name,
      orgId: '',
      role: 'partner',
    };
  else principal = personPrincipal(caller.person, caller.memberships, event.headers ?? {});
  if (
    route.roles !== 'public' &&
    route.actsForOrganisation !== false &&
    !route.roles.includes(principal.role)
  )
    throw new ApiError('FORBIDDEN', `The role ${principal.role} may not use ${route.method} ${route.path}.`);
  return { principal, caller };
}

/** Who made each request, once known: its log line names the person or the key. */
const callers = new WeakMap<Event, Principal>();

export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'The body is not valid JSON.', [
      { field: '(body)', problem: 'malformed JSON' },
    ]);
  }
}

// Ids this service hands out are short and plain; anything else cannot name an object (and an
// oversized key would make DynamoDB refuse the lookup with an error that is not the client's to see).
const idPattern = /^[A-Za-z0-9_.-]{1,100}$/;

function checkIds(path: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(path)) {
    // Card numbers are parsed leniently by the card routes themselves.
    if (name !== 'cardNumber' && value !== undefined && !idPattern.test(value))
      throw notFound(`${name} ${value.slice(0, 100)}`);
  }
}

const notFromOrigin = () =>
  new ApiError('FORBIDDEN', "This address does not serve the API: use the service's published address.");

const anonymous: Principal = { kind: 'key', keyId: '', orgId: '', role: 'partner' };

/** Wraps a handler for the route with the given key ("POST /v1/cards"). */
export function httpHandler<Body = unknown, Query = unknown>(
  key: RouteKey,
  handle: (request: HttpRequest<Body, Query>) => Promise<Reply>,
  options: { bodyIsCsvWhen?: (contentType: string) => boolean } = {},
) {
  const route = findRoute(key);
  const wrapped = middy<Event, Reply>()
    .use(contractErrors())
    .handler(async (event) => {
      // Before anything else: a request sent around CloudFront (and its WAF) gets nothing (decision 0022).
      if (!(await fromOrigin(event.headers ?? {}))) throw notFromOrigin();
      const { principal, caller } =
        route.roles === 'public'
          ? { principal: anonymous, caller: undefined }
          : await authorise(route, event);
      if (caller) callers.set(event, principal);
      const headers = event.headers ?? {};
      const contentType = (headers['content-type'] ?? 'application/json').toLowerCase();
      const rawBody = bodyText(event);
      // Refused before any parsing work: a huge body must cost nothing, and its answer stays small.
      const maxBytes = route.maxBodyBytes ?? defaultMaxBodyBytes;
      if (Buffer.byteLength(rawBody) > maxBytes)
        throw invalid([{ field: '(body)', problem: `is larger than ${maxBytes} bytes` }]);
      const csv = options.bodyIsCsvWhen?.(contentType) ?? false;
      const body = route.body && !csv ? validate(route.body, parseJson(rawBody)) : undefined;
      const query = route.query ? validate(route.query, event.queryStringParameters ?? {}) : undefined;
      const path = event.pathParameters ?? {};
      checkIds(path);
      return handle({
        principal,
        caller,
        body: body as Body,
        query: query as Query,
        path,
        headers,
        sourceIp: event.requestContext.http?.sourceIp,
        rawBody,
        contentType,
        requestId: event.requestContext.requestId,
        now: now(),
      });
    });
  return async (event: Event, context: Context): Promise<Reply> => {
    const started = invocation();
    let reply: Reply | undefined;
    try {
      reply = await wrapped(event, context);
      return withHeaders(route, reply);
    } finally {
      // Also when the wrapper itself threw (it does not: contractErrors answers every error), as a 500.
      requestDone(key, event, reply, started);
    }
  };
}

/** The request's log line and metrics, from the route, the caller and the answer alone. */
function requestDone(key: RouteKey, event: Event, reply: Reply | undefined, started: Invocation): void {
  const status = reply ? (reply.statusCode ?? 200) : 500;
  const code = status >= 400 ? (errorCodeOf(reply) ?? (reply ? undefined : 'INTERNAL')) : undefined;
  const caller = callers.get(event) ?? claimedCaller(event.requestContext?.authorizer?.lambda);
  started.finish({
    route: key,
    requestId: event.requestContext?.requestId,
    ...(caller && 'principal' in caller && loggedCaller(caller.principal)),
    ...(caller && 'personId' in caller && { personId: caller.personId }),
    ...(caller && 'role' in caller && loggedCaller(caller)),
    status,
    ...(code && { code }),
  });
  countRouteMetrics(key, status, code, reply);
  publishMetrics();
}

/** The request log names the person or the key (ids only: never a name or an e-mail). */
const loggedCaller = (principal: Principal) => ({
  ...(principal.orgId && { orgId: principal.orgId }),
  ...(principal.keyId && { keyId: principal.keyId }),
  ...(principal.personId && { personId: principal.personId }),
  ...(principal.orgId && { role: principal.role }),
});

/**
 * Every answer says nosniff; every answer of a route whose success carries a secret (a new key, a claim
 * token) is kept out of every cache, errors included.
 */
function withHeaders(route: Route, reply: Reply): Reply {
  const secret = route.secretInReply === true;
  return {
    ...reply,
    headers: { ...reply.headers, ...commonHeaders, ...(secret && secretReply) },
  };
}

function errorCodeOf(reply: Reply | undefined): string | undefined {
  try {
    const code = JSON.parse(String(reply?.body ?? '')).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The service's counts that follow from a route's answer alone (docs/decisions/0009-logging.md). */
function countRouteMetrics(
  key: RouteKey,
  status: number,
  code: string | undefined,
  reply: Reply | undefined,
) {
  if (key === 'POST /v1/usages') {
    if (status === 201) count('UsesRecorded', 1);
    else if (status >= 400 && status < 500) count('UsesRefused', 1, code ?? 'UNKNOWN');
  } else if (key === 'POST /v1/usages/batch' && status === 200) {
    let results: { status?: string; error?: { code?: string } }[] = [];
    try {
      results = JSON.parse(String(reply?.body ?? '')).results ?? [];
    } catch {}
    count('UsesRecorded', results.filter((row) => row.status === 'created').length);
    const refused = new Map<string, number>();
    for (const row of results)
      if (row.status === 'failed') {
        const rowCode = row.error?.code ?? 'UNKNOWN';
        refused.set(rowCode, (refused.get(rowCode) ?? 0) + 1);
      }
    for (const [rowCode, rows] of refused) count('UsesRefused', rows, rowCode);
  } else if (key === 'POST /v1/usages/batch' && status >= 400 && status < 500) {
    count('UsesRefused', 1, code ?? 'UNKNOWN');
  } else if (key === 'POST /v1/cards' && status === 201) count('CardsRegistered', 1);
  else if (key === 'POST /v1/applications' && status === 201) count('ApplicationsSubmitted', 1);
}

export { json };
