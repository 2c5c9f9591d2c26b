// openapi.json, generated from the route table and the schemas that validate requests.

import { errorObject } from '../contract/response-schemas.ts';
import { needsSecondFactor } from '../domain/people.ts';
import { type ErrorCode, errorCodes, statusOfCode } from '../lib/errors.ts';
import { allNamedSchemas, type JsonSchema } from '../lib/schema.ts';
import { type Route, routes } from './routes.ts';

/** The contract's error body, with `error.code` narrowed to the codes of one answer. */
function errorSchema(codes: readonly ErrorCode[]): JsonSchema {
  const definition = errorObject.definition() as { properties: Record<string, unknown> };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['error', 'requestId'],
    properties: {
      error: {
        ...definition,
        properties: { ...definition.properties, code: { type: 'string', enum: codes } },
      },
      requestId: { type: 'string', description: 'quote it when asking about this answer' },
    },
  };
}

/** API Gateway's own answers (no Authorization header, its throttle, a body too large): its own words. */
const gatewayErrorSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: { message: { type: 'string', examples: ['Unauthorized'] } },
  description: "API Gateway's own answer, in its own words (not the contract's error body).",
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorMessages: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid.',
  PERSONAL_DATA_NOT_ALLOWED:
    'A free-text field holds something shaped like a personal identity code; it is not stored.',
  UNAUTHENTICATED: 'Sign in, or send a valid API key: Authorization: Bearer <token or key>.',
  FORBIDDEN: 'The role venue may not use this route.',
  MFA_REQUIRED: 'Acting for an admin or area-admin organisation needs a second factor (TOTP or a passkey).',
  NOT_FOUND: 'It was not found.',
  CARD_NUMBER_TAKEN: 'Card number 7KQ3-XW9A-M2HT is already registered.',
  MUNICIPALITY_ALREADY_IN_AREA: 'Municipality 049 already belongs to an active area.',
  CONFLICT: 'It changed while the request was handled; try again.',
  CARD_EXPIRED: 'The card has expired.',
  CARD_REVOKED: 'The card is revoked.',
  TOO_MANY_CHILDREN: 'The card admits at most 2 children.',
  VENUE_LIMIT_REACHED: "The card has reached the venue's limit of uses for the day.",
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used for another use.',
  ORGANISATION_INACTIVE: 'The venue is not active; it cannot record uses.',
  THROTTLED: 'The service is busy; retry after a moment.',
  INTERNAL: 'Something went wrong on our side; the request may not have been completed. Try again later.',
  SERVICE_UNAVAILABLE: 'The service could not finish the request just now; retry after a moment.',
};

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const statusDescriptions: Record<number, string> = {
  400: 'Bad input; nothing changed.',
  401: 'No valid access token or API key (or it was revoked, expired or the person removed).',
  403: 'The role may not use this route, or the person needs a second factor for it.',
  404: "Not found, or outside the caller's scope.",
  409: 'Conflict with the current state.',
  413: 'The body is larger than the gateway takes.',
  422: 'A business rule refused the request.',
  429: 'Throttled; retry after the seconds in Retry-After.',
  500: 'Something went wrong on our side.',
  503: 'The table or the bucket failed or timed out; retry after Retry-After (a use with its same Idempotency-Key: it is never recorded twice).',
};

/** The answer of one error status: the contract's body with the route's codes (and maybe the gateway's). */
function errorResponse(status: number, codes: readonly ErrorCode[], fromGateway: boolean) {
  const contract = codes.length ? errorSchema(codes) : undefined;
  const schema =
    contract && fromGateway ? { oneOf: [contract, ref('GatewayError')] } : (contract ?? ref('GatewayError'));
  const code = codes[0];
  const example = code
    ? { error: { code, message: errorMessages[code] }, requestId: 'c0a8f1e2-5b7d-4c3a-9e6f-1d2b3c4d5e6f' }
    : { message: 'Request Entity Too Large' };
  return {
    description: `${statusDescriptions[status]}${codes.length ? ` Codes: ${codes.join(', ')}.` : ''}${
      fromGateway ? " Or API Gateway's own answer ({message})." : ''
    }`,
    ...((status === 429 || status === 503) && { headers: retryAfter }),
    content: { 'application/json': { schema, example } },
  };
}

/** Every error code the route can answer, by status: its own (route.errors) and those of its kind. */
export function errorCodesOf(route: Route): Map<number, ErrorCode[]> {
  const secured = route.roles !== 'public';
  const hasPathParameters = route.path.includes('{');
  const usesStorage = Object.keys(route.table).length > 0 || (route.resources?.length ?? 0) > 0;
  const codes = new Set<ErrorCode>([
    'VALIDATION_FAILED',
    ...(secured ? (['UNAUTHENTICATED', 'FORBIDDEN'] as const) : []),
    ...(secured && route.actsForOrganisation !== false && route.roles.some(needsSecondFactor)
      ? (['MFA_REQUIRED'] as const)
      : []),
    ...(hasPathParameters ? (['NOT_FOUND'] as const) : []),
    ...(route.errors ?? []),
    'THROTTLED',
    'INTERNAL',
    ...(usesStorage ? (['SERVICE_UNAVAILABLE'] as const) : []),
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodes.filter((known) => codes.has(known))) {
    const status = statusOfCode(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

const pascal = (code: string) =>
  code.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

/**
 * The route's error answers, each a reference to components/responses: the same codes are the same answer
 * for every route that gives them (named after them: `NotFound`, `CardNumberTakenOrConflict`, …).
 */
function errorResponses(route: Route, shared: Map<string, unknown>) {
  const byStatus = errorCodesOf(route);
  // The gateway answers these itself: no Authorization header (401), its throttle (429), its own failure
  // (500), and in front of routes that take a body, one larger than it takes (413).
  const gateway = new Set([
    ...(route.roles !== 'public' ? [401] : []),
    429,
    500,
    ...(route.body ? [413] : []),
  ]);
  const statuses = [...new Set([...byStatus.keys(), ...gateway])].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const codes = byStatus.get(status) ?? [];
      const name = codes.length ? codes.map(pascal).join('Or') : 'BodyTooLarge';
      shared.set(name, errorResponse(status, codes, gateway.has(status)));
      return [String(status), { $ref: `#/components/responses/${name}` }];
    }),
  );
}

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
            description: 'The same key and body again answer the first answer; another body, 422.',
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
        ]
      : route.path === '/v1/applications/{id}'
        ? [
            {
              name: 'X-Claim-Token',
              in: 'header',
              required: true,
              description: 'The claim token of the answer to POST /v1/applications.',
              schema: { type: 'string', minLength: 1 },
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

/** The media type of a success answer: the route's schema with its examples. */
function jsonContent(route: Route) {
  const { schema, examples } = route.response;
  return {
    'application/json': {
      schema: schema.json(),
      examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }])),
    },
  };
}

/** A list that can answer CSV carries its next cursor in this header there (docs/api.md, "Lists and pagination"). */
function csvList(route: Route) {
  return {
    description: `${route.response.description} JSON \`{items, nextCursor?}\`, or with \`format=csv\` the rows as CSV.`,
    headers: {
      'X-Next-Cursor': {
        description:
          "The CSV answer's next cursor (absent at the end): pass it as `cursor` for the next page.",
        schema: { type: 'string' },
      },
    },
    content: {
      ...jsonContent(route),
      'text/csv': {
        schema: { type: 'string', description: 'A header row, then one row per item.' },
        example:
          'usageId,cardNumber,venueId,areaId,occurredAt,sector,adults,children,eventName,voided\n' +
          'uQ2xY7mN4pL9sT1vW3zK8rB6cD,7KQ3-XW9A-M2HT,o9f8e7d6c5b4a3921,a3f9c1d2e4b5a6978,2026-05-20T15:02:10.000Z,culture,1,2,Family concert,false\n',
      },
    },
  };
}

/** The first sentence of the route's summary: the operation's short name; the whole text describes it. */
const shortSummary = (summary: string) => summary.split(/(?<=[.:;])\s/)[0]!.replace(/[.:;]$/, '');

function operation(route: Route, sharedResponses: Map<string, unknown>) {
  const secured = route.roles !== 'public';
  const queryProperties = (route.query?.json() as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  const answersCsv = queryProperties?.format !== undefined;
  const roles = secured ? ` Roles: ${(route.roles as readonly string[]).join(', ')}.` : ' No key needed.';
  return {
    operationId: operationIdOf(route),
    tags: [tagOf(route)],
    summary: shortSummary(route.summary),
    description: `${route.summary}${roles}`,
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
      [String(route.success ?? 200)]: answersCsv
        ? csvList(route)
        : { description: route.response.description, content: jsonContent(route) },
      ...(route.method === 'POST' &&
        route.path === '/v1/usages' && {
          '200': {
            description: 'The same use was sent before with this Idempotency-Key: its first answer.',
            content: jsonContent(route),
          },
        }),
      ...errorResponses(route, sharedResponses),
    },
  };
}

const tagDescriptions: Record<string, string> = {
  health: 'Whether the service reaches its storage.',
  'openapi.json': 'This document.',
  municipalities: 'Municipalities and the areas they have joined, for application forms.',
  me: 'Who an API key belongs to.',
  cards: 'Registering, reading, correcting, renewing, replacing and revoking cards; abnormal use.',
  usages: 'Recording, voiding and listing uses of cards.',
  applications: "Municipalities' applications to join, and the national centre's decisions.",
  areas: 'Areas and their organisations.',
  organisations: 'Organisations and their API keys.',
  'ticket-agents': 'National ticket agents.',
  partners: 'National statistics partners.',
  keys: 'Revoking API keys.',
  audit: 'Administrative actions.',
  stats: 'Live figures and statistics snapshots.',
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  const sharedResponses = new Map<string, unknown>();
  for (const route of routes as readonly Route[]) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, sharedResponses);
  }
  const tags = [...new Set((routes as readonly Route[]).map(tagOf))].map((name) => ({
    name,
    description: tagDescriptions[name] ?? name,
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kaikukortti national register',
      version: '1.0.0',
      description:
        'The HTTP contract for distributors, venues, ticket agents, areas and partners. Every error is `{error: {code, message, details?}, requestId}`; lists take `limit` and `cursor` and answer `{items, nextCursor?}`.',
      license: {
        name: 'Proprietary: for the organisations of the Kaikukortti scheme',
        identifier: 'LicenseRef-Kaikukortti',
      },
    },
    servers: [{ url: '/', description: 'The origin that serves this document (the API and the web app).' }],
    tags,
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of the organisation.' },
      },
      responses: Object.fromEntries([...sharedResponses].sort(([a], [b]) => a.localeCompare(b))),
      schemas: {
        GatewayError: gatewayErrorSchema,
        ...Object.fromEntries([...allNamedSchemas()].map(([name, schema]) => [name, schema.definition()])),
      },
    },
  };
}
