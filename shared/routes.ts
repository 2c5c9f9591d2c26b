// The route table, declared once: API Gateway routes and functions (infra/api-stack.ts), the local
// gateway (infra/local/gateway.ts), the role check in every handler and openapi.json all read it.
import type { Role } from './roles.ts';
import type { AnySchema } from './schemas.ts';
import * as schemas from './schemas.ts';

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The handler file, relative to the project root; it exports `handler`. */
  readonly handler: string;
  /** 'public' routes take no key; the others go through the authorizer and this role check. */
  readonly roles: readonly Role[] | 'public';
  readonly summary: string;
  readonly body?: AnySchema;
  readonly query?: AnySchema;
  /** Requests per second (and burst) for this route, on top of the API's default. */
  readonly throttle?: { readonly rate: number; readonly burst: number };
  /** Memory and timeout above the defaults, for routes that do more work per request. */
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

export const routes = [
  {
    method: 'GET',
    path: '/v1/health',
    handler: 'functions/health.ts',
    roles: 'public',
    summary: 'The service can reach its table.',
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'functions/openapi.ts',
    roles: 'public',
    summary: 'This OpenAPI 3.1 document.',
  },
  {
    method: 'POST',
    path: '/v1/cards',
    handler: 'functions/cards/issue-card.ts',
    roles: ['distributor'],
    summary: 'Register a card for a client.',
    body: schemas.issueCard,
  },
  {
    method: 'GET',
    path: '/v1/cards/{cardNumber}',
    handler: 'functions/cards/get-card.ts',
    roles: ['distributor', 'venue', 'ticket-agent'],
    summary: "A card: the whole card for its area's distributors, a short form for venues and agents.",
  },
  {
    method: 'PATCH',
    path: '/v1/cards/{cardNumber}',
    handler: 'functions/cards/update-card.ts',
    roles: ['distributor'],
    summary: "Correct a card's holder data.",
    body: schemas.updateCard,
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/renew',
    handler: 'functions/cards/renew-card.ts',
    roles: ['distributor'],
    summary: 'Renew a card for 12 months from today.',
    body: schemas.emptyBody,
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/revoke',
    handler: 'functions/cards/revoke-card.ts',
    roles: ['distributor'],
    summary: 'Revoke a card.',
    body: schemas.revokeCard,
  },
  {
    method: 'POST',
    path: '/v1/cards/{cardNumber}/replace',
    handler: 'functions/cards/replace-card.ts',
    roles: ['distributor'],
    summary: 'Replace a lost card: a new card with the same data; the old one is revoked.',
    body: schemas.replaceCard,
  },
  {
    method: 'POST',
    path: '/v1/usages',
    handler: 'functions/usages/record-usage.ts',
    roles: ['venue', 'ticket-agent'],
    summary: 'Record one use of a card (header Idempotency-Key required).',
    body: schemas.recordUsage,
    throttle: { rate: 500, burst: 1000 },
  },
  {
    method: 'POST',
    path: '/v1/usages/batch',
    handler: 'functions/usages/record-usage-batch.ts',
    roles: ['venue', 'ticket-agent'],
    summary: 'Record up to 500 uses at once, as JSON or text/csv; each row succeeds or fails alone.',
    body: schemas.batchUsages,
    throttle: { rate: 20, burst: 40 },
    memoryMb: 1024,
    timeoutSeconds: 29,
  },
  {
    method: 'DELETE',
    path: '/v1/usages/{usageId}',
    handler: 'functions/usages/void-usage.ts',
    roles: ['venue'],
    summary: 'Void a use recorded by this venue within the last 14 days.',
  },
  {
    method: 'GET',
    path: '/v1/usages',
    handler: 'functions/usages/list-usages.ts',
    roles: ['venue', 'area-admin', 'admin'],
    summary: 'Recorded uses, as JSON or CSV.',
    query: schemas.listUsagesQuery,
  },
] as const satisfies readonly Route[];

export type RouteKey = `${(typeof routes)[number]['method']} ${(typeof routes)[number]['path']}`;

export const routeKey = (route: Route) => `${route.method} ${route.path}`;

export function findRoute(key: RouteKey): Route {
  const route = (routes as readonly Route[]).find((candidate) => routeKey(candidate) === key);
  if (!route) throw new Error(`no route ${key}`);
  return route;
}

/** The authorizer is a function too; it is not a route, but CDK and the local gateway share its file. */
export const authorizerHandler = 'functions/authorizer.ts';

/** API-wide throttle (requests per second, burst) when a route sets none. */
export const defaultThrottle = { rate: 200, burst: 400 } as const;

export const authCacheSeconds = (): number => {
  const value = Number(process.env.KAIKU_AUTH_CACHE_SECONDS ?? 300);
  return Number.isFinite(value) && value >= 0 && value <= 3600 ? value : 300;
};
