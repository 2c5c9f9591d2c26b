// openapi.json, generated from the route table and the schemas that validate requests.
import { errorCodes } from './errors.ts';
import { type Route, routes } from './routes.ts';
import type { JsonSchema } from './schema.ts';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error', 'requestId'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: errorCodes },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, problem: { type: 'string' } } },
        },
      },
    },
    requestId: { type: 'string' },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function parameters(route: Route) {
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = route.query?.json() as
    | { properties?: Record<string, JsonSchema>; required?: string[] }
    | undefined;
  const inQuery = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query?.required?.includes(name) ?? false,
    schema,
  }));
  const headers =
    route.path === '/v1/usages' && route.method === 'POST'
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
        ]
      : [];
  return [...inPath, ...inQuery, ...headers];
}

/** The operation's id, from its handler's file name: `functions/cards/issue-card.ts` is `issueCard`. */
export function operationIdOf(route: Route): string {
  const base = route.handler.split('/').pop()!.replace(/\.ts$/, '');
  return base.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The operation's tag: the first path segment after /v1 (`cards`, `usages`, `stats`, …). */
export const tagOf = (route: Route): string => route.path.split('/')[2] ?? 'service';

/** A list that can answer CSV carries its next cursor in this header there (api.md, Conventions). */
const csvList = {
  description: 'Success: JSON `{items, nextCursor?}`, or with `format=csv` the rows as CSV.',
  headers: {
    'X-Next-Cursor': {
      description: "The CSV answer's next cursor (absent at the end): pass it as `cursor` for the next page.",
      schema: { type: 'string' },
    },
  },
  content: {
    'application/json': { schema: { type: 'object' } },
    'text/csv': { schema: { type: 'string', description: 'A header row, then one row per item.' } },
  },
};

function operation(route: Route) {
  const secured = route.roles !== 'public';
  const queryProperties = (route.query?.json() as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  const answersCsv = queryProperties?.format !== undefined;
  return {
    operationId: operationIdOf(route),
    tags: [tagOf(route)],
    summary: route.summary,
    ...(secured && { description: `Roles: ${(route.roles as readonly string[]).join(', ')}.` }),
    ...(secured ? { security: [{ apiKey: [] }] } : { security: [] }),
    parameters: parameters(route),
    ...(route.body && {
      requestBody: {
        required: route.method !== 'POST' || !route.path.endsWith('/renew'),
        content: {
          'application/json': { schema: route.body.json() },
          ...(route.path === '/v1/usages/batch' && {
            'text/csv': {
              schema: {
                type: 'string',
                description: 'A header row of the item fields, then one row per use.',
              },
            },
          }),
        },
      },
    }),
    responses: {
      [String(route.success ?? 200)]: answersCsv ? csvList : { description: 'Success.' },
      '400': errorResponse('Bad input (VALIDATION_FAILED, PERSONAL_DATA_NOT_ALLOWED); nothing changed.'),
      ...(secured && {
        '401': errorResponse('No valid API key.'),
        '403': errorResponse('The role may not use this route.'),
      }),
      '404': errorResponse("Not found, or outside the caller's scope."),
      '409': errorResponse('Conflict.'),
      '422': errorResponse('A business rule refused the request.'),
      '429': errorResponse('Throttled (THROTTLED); retry after the seconds in Retry-After.'),
      '503': errorResponse(
        'The table or the bucket failed or timed out (SERVICE_UNAVAILABLE); retry after Retry-After, a use with its same Idempotency-Key (it is never recorded twice).',
      ),
    },
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes as readonly Route[]) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kaikukortti national register',
      version: '1.0.0',
      description: 'The HTTP contract for distributors, venues, ticket agents, areas and partners.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of the organisation.' },
      },
      schemas: { Error: errorSchema },
    },
  };
}
