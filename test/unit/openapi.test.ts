import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../shared/http/openapi.ts';
import { type Route, routes } from '../../shared/http/routes.ts';

type Operation = {
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
};

const document = openApiDocument();
const all = routes as readonly Route[];
const operationOf = (route: Route) =>
  (document.paths[route.path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];

/** Every object schema inside a JSON Schema (through properties, items and oneOf). */
function objectSchemas(schema: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const value = node as Record<string, unknown>;
    if (value.type === 'object') found.push(value);
    for (const child of Object.values((value.properties as object) ?? {})) walk(child);
    walk(value.items);
    for (const variant of (value.oneOf as unknown[]) ?? []) walk(variant);
  };
  walk(schema);
  return found;
}

describe('openapi.json', () => {
  it('is OpenAPI 3.1 with bearer-key security and the error schema', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const notFound = document.components.responses.NotFound as {
      content: { 'application/json': { schema: Record<string, any> } };
    };
    const schema = notFound.content['application/json'].schema;
    expect(schema).toMatchObject({ required: ['error', 'requestId'], additionalProperties: false });
    expect(schema.properties.error.required).toEqual(['code', 'message']);
    expect(schema.properties.error.properties.code).toEqual({ type: 'string', enum: ['NOT_FOUND'] });
    expect(() => JSON.parse(JSON.stringify(document))).not.toThrow();
  });

  it('has every route of the route table with its method, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(all.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of all) {
      expect(operationOf(route), `${route.method} ${route.path}`).toBeDefined();
    }
  });

  it('includes the contract routes that exist so far', () => {
    for (const key of [
      'get /v1/health',
      'get /v1/openapi.json',
      'post /v1/cards',
      'get /v1/cards/{cardNumber}',
      'patch /v1/cards/{cardNumber}',
      'post /v1/usages',
      'post /v1/usages/batch',
      'delete /v1/usages/{usageId}',
      'get /v1/usages',
    ]) {
      const [method, path] = key.split(' ') as [string, string];
      expect((document.paths[path] as Record<string, unknown> | undefined)?.[method], key).toBeDefined();
    }
  });

  it('non-public routes need the API key and may answer 401 and 403; public ones need nothing', () => {
    for (const route of all) {
      const operation = operationOf(route)!;
      const name = `${route.method} ${route.path}`;
      if (route.roles === 'public') {
        expect(operation.security, name).toEqual([]);
        expect(operation.responses['401'], name).toBeUndefined();
      } else {
        expect(operation.security, name).toEqual([{ apiKey: [] }]);
        expect(operation.responses['401'], name).toBeDefined();
        expect(operation.responses['403'], name).toBeDefined();
      }
    }
    expect(operationOf(all.find((route) => route.path === '/v1/health')!)!.security).toEqual([]);
    expect(operationOf(all.find((route) => route.path === '/v1/usages')!)!.security).toEqual([
      { apiKey: [] },
    ]);
  });

  it('routes with a body have the very schema that validates it; the others have none', () => {
    for (const route of all) {
      const operation = operationOf(route)!;
      const name = `${route.method} ${route.path}`;
      if (route.body) {
        expect(operation.requestBody?.content['application/json']?.schema, name).toEqual(route.body.json());
      } else {
        expect(operation.requestBody, name).toBeUndefined();
      }
    }
    expect(all.filter((route) => route.body).length).toBeGreaterThanOrEqual(7);
  });

  it('every object in a request body refuses unknown fields and lists its required fields', () => {
    for (const route of all.filter((candidate) => candidate.body)) {
      const objects = objectSchemas(operationOf(route)!.requestBody!.content['application/json']!.schema);
      expect(objects.length, route.path).toBeGreaterThan(0);
      for (const object of objects) {
        expect(object.additionalProperties, route.path).toBe(false);
        expect(Array.isArray(object.required), route.path).toBe(true);
        for (const field of object.required as string[])
          expect(Object.keys(object.properties as object), route.path).toContain(field);
      }
    }
  });

  it('POST /v1/cards offers both card types', () => {
    const schema = operationOf(all.find((route) => route.method === 'POST' && route.path === '/v1/cards')!)!
      .requestBody!.content['application/json']!.schema as { oneOf: { properties: { cardType: unknown } }[] };
    expect(schema.oneOf.map((variant) => variant.properties.cardType)).toEqual([
      { type: 'string', enum: ['personal'] },
      { type: 'string', enum: ['community'] },
    ]);
  });

  it('the batch takes JSON or CSV; renewing needs no body', () => {
    const batch = operationOf(all.find((route) => route.path === '/v1/usages/batch')!)!;
    expect(Object.keys(batch.requestBody!.content).sort()).toEqual(['application/json', 'text/csv']);
    const renew = operationOf(all.find((route) => route.path.endsWith('/renew'))!)!;
    expect(renew.requestBody?.required).toBe(false);
    const issue = operationOf(all.find((route) => route.method === 'POST' && route.path === '/v1/cards')!)!;
    expect(issue.requestBody?.required).toBe(true);
  });

  it('every {parameter} of a path is a required path parameter', () => {
    for (const route of all) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const inPath = operationOf(route)!.parameters.filter((parameter) => parameter.in === 'path');
      expect(
        inPath.map((parameter) => parameter.name),
        route.path,
      ).toEqual(names);
      for (const parameter of inPath) expect(parameter.required).toBe(true);
    }
  });

  it('query parameters come from the query schema; POST /v1/usages needs an Idempotency-Key header', () => {
    const list = operationOf(all.find((route) => route.method === 'GET' && route.path === '/v1/usages')!)!;
    expect(list.parameters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
      'from',
      'to',
      'format',
      'limit',
      'cursor',
    ]);
    expect(list.parameters.find((p) => p.name === 'format')?.schema).toEqual({
      type: 'string',
      enum: ['json', 'csv'],
    });
    const record = operationOf(all.find((route) => route.method === 'POST' && route.path === '/v1/usages')!)!;
    expect(record.parameters).toEqual([
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: expect.any(String),
        schema: { type: 'string', minLength: 1, maxLength: 64 },
      },
    ]);
    const status = operationOf(all.find((route) => route.path === '/v1/applications/{id}')!)!;
    expect(status.parameters.find((p) => p.in === 'header')).toMatchObject({
      name: 'X-Claim-Token',
      required: true,
    });
  });

  it('success codes follow the contract: 201 for creation, 200 otherwise', () => {
    const success = (method: string, path: string) =>
      Object.keys(
        operationOf(all.find((route) => route.method === method && route.path === path)!)!.responses,
      ).filter((code) => code.startsWith('2'));
    expect(success('POST', '/v1/cards')).toEqual(['201']);
    expect(success('POST', '/v1/cards/{cardNumber}/replace')).toEqual(['201']);
    // 200: the same use again with its Idempotency-Key answers its first answer.
    expect(success('POST', '/v1/usages')).toEqual(['200', '201']);
    expect(success('POST', '/v1/usages/batch')).toEqual(['200']);
    expect(success('POST', '/v1/cards/{cardNumber}/renew')).toEqual(['200']);
    expect(success('GET', '/v1/usages')).toEqual(['200']);
    expect(success('DELETE', '/v1/usages/{usageId}')).toEqual(['200']);
  });
});

describe('openapi.json for generated clients', () => {
  it('gives every operation a unique operationId and a tag', () => {
    const ids = all.map((route) => (operationOf(route) as unknown as { operationId: string }).operationId);
    expect(new Set(ids).size).toBe(all.length);
    expect(ids).toContain('issueCard');
    expect(ids).toContain('listMunicipalities');
    for (const route of all)
      expect((operationOf(route) as unknown as { tags: string[] }).tags).toHaveLength(1);
  });

  it('names X-Next-Cursor on the lists that answer CSV', () => {
    const usages = operationOf(all.find((route) => route.method === 'GET' && route.path === '/v1/usages')!)!;
    const ok = usages.responses['200'] as {
      headers: Record<string, unknown>;
      content: Record<string, unknown>;
    };
    expect(ok.headers['X-Next-Cursor']).toBeDefined();
    expect(ok.content['text/csv']).toBeDefined();
  });
});

describe('openapi.json answers', () => {
  const resolved = (response: unknown) => {
    const ref = (response as { $ref?: string }).$ref;
    return (ref ? document.components.responses[ref.split('/').pop()!] : response) as {
      content: Record<string, { schema: Record<string, any> }>;
    };
  };
  const codesOf = (route: Route, status: string) => {
    const schema = resolved(operationOf(route)!.responses[status]).content['application/json']!.schema;
    const contract = schema.oneOf ? schema.oneOf[0] : schema;
    return contract.properties.error.properties.code.enum as string[];
  };
  const route = (method: string, path: string) =>
    all.find((candidate) => candidate.method === method && candidate.path === path)!;

  it("every route's success answer has the schema of its response declaration", () => {
    for (const each of all) {
      const ok = operationOf(each)!.responses[String(each.success ?? 200)] as {
        content: Record<string, { schema: unknown }>;
      };
      expect(ok.content['application/json']!.schema, `${each.method} ${each.path}`).toEqual(
        each.response.schema.json(),
      );
    }
  });

  it('lists the codes each route can answer, by status', () => {
    expect(codesOf(route('POST', '/v1/usages'), '422')).toEqual([
      'CARD_EXPIRED',
      'CARD_REVOKED',
      'TOO_MANY_CHILDREN',
      'VENUE_LIMIT_REACHED',
      'IDEMPOTENCY_KEY_REUSED',
      'ORGANISATION_INACTIVE',
    ]);
    expect(codesOf(route('POST', '/v1/cards'), '409')).toEqual(['CARD_NUMBER_TAKEN']);
    expect(codesOf(route('POST', '/v1/applications/{id}/approve'), '409')).toEqual([
      'MUNICIPALITY_ALREADY_IN_AREA',
      'CONFLICT',
    ]);
    expect(codesOf(route('POST', '/v1/applications'), '400')).toEqual([
      'VALIDATION_FAILED',
      'PERSONAL_DATA_NOT_ALLOWED',
    ]);
    expect(codesOf(route('GET', '/v1/health'), '503')).toEqual(['SERVICE_UNAVAILABLE']);
    const health = operationOf(route('GET', '/v1/health'))!.responses;
    expect(Object.keys(health).sort()).toEqual(['200', '400', '429', '500', '503']);
    // 401 is ours or, without any Authorization header, API Gateway's own.
    const unauthenticated = resolved(operationOf(route('GET', '/v1/me'))!.responses['401']);
    expect(unauthenticated.content['application/json']!.schema.oneOf[1]).toEqual({
      $ref: '#/components/schemas/GatewayError',
    });
  });
});
