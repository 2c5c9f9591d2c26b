// The one wrapper every HTTP function uses: role check from the route table, body and query validation,
// and the contract's error shape. Handlers stay thin: they get a parsed request and return a reply.
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError, notFound } from '../errors.ts';
import { isRole, type Principal } from '../roles.ts';
import { findRoute, type Route, type RouteKey } from '../routes.ts';
import { validate } from '../schema.ts';
import { contractErrors, json } from './responses.ts';

export interface HttpRequest<Body = unknown, Query = unknown> {
  readonly principal: Principal;
  readonly body: Body;
  readonly query: Query;
  readonly path: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
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

/** What the authorizer put in its context; it lets every request through so that we answer 401 ourselves. */
export function principalOf(event: Event): Principal | undefined {
  const context = event.requestContext.authorizer?.lambda;
  if (!context || (context.authenticated !== true && context.authenticated !== 'true')) return undefined;
  const { keyId, orgId, role, areaId, cardLimitPerDay } = context;
  if (typeof keyId !== 'string' || typeof orgId !== 'string' || !isRole(role)) return undefined;
  const limit = Number(cardLimitPerDay);
  return {
    keyId,
    orgId,
    role,
    ...(typeof areaId === 'string' && areaId !== '' && { areaId }),
    ...(cardLimitPerDay !== undefined &&
      cardLimitPerDay !== '' &&
      Number.isInteger(limit) && { cardLimitPerDay: limit }),
  };
}

export function authorise(route: Route, event: Event): Principal {
  const principal = principalOf(event);
  if (!principal) throw new ApiError('UNAUTHENTICATED', 'Send a valid API key: Authorization: Bearer <key>.');
  if (route.roles !== 'public' && !route.roles.includes(principal.role))
    throw new ApiError('FORBIDDEN', `The role ${principal.role} may not use ${route.method} ${route.path}.`);
  return principal;
}

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

const anonymous: Principal = { keyId: '', orgId: '', role: 'partner' };

/** Wraps a handler for the route with the given key ("POST /v1/cards"). */
export function httpHandler<Body = unknown, Query = unknown>(
  key: RouteKey,
  handle: (request: HttpRequest<Body, Query>) => Promise<Reply>,
  options: { bodyIsCsvWhen?: (contentType: string) => boolean } = {},
) {
  const route = findRoute(key);
  return middy<Event, Reply>()
    .use(contractErrors())
    .handler(async (event) => {
      const principal = route.roles === 'public' ? anonymous : authorise(route, event);
      const headers = event.headers ?? {};
      const contentType = (headers['content-type'] ?? 'application/json').toLowerCase();
      const rawBody = bodyText(event);
      const csv = options.bodyIsCsvWhen?.(contentType) ?? false;
      const body = route.body && !csv ? validate(route.body, parseJson(rawBody)) : undefined;
      const query = route.query ? validate(route.query, event.queryStringParameters ?? {}) : undefined;
      const path = event.pathParameters ?? {};
      checkIds(path);
      return handle({
        principal,
        body: body as Body,
        query: query as Query,
        path,
        headers,
        rawBody,
        contentType,
        requestId: event.requestContext.requestId,
        now: new Date(),
      });
    });
}

export { json };
