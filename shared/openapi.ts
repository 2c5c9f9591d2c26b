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

function operation(route: Route) {
  const secured = route.roles !== 'public';
  return {
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
      [String(route.success ?? 200)]: {
        description: 'Success.',
      },
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
