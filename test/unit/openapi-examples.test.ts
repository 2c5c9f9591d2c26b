// Every answer openapi.json documents has a schema, every success answer has an example, and every example
// (success and error alike) validates against its schema: the examples are what clients read first.
import { describe, expect, it } from 'vitest';
import { responses } from '../../shared/contract/response-schemas.ts';
import { openApiDocument } from '../../shared/http/openapi.ts';
import { type Route, routes } from '../../shared/http/routes.ts';
import { validateJson } from '../support/json-schema.ts';

const document = openApiDocument() as unknown as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { responses: Record<string, unknown>; schemas: Record<string, unknown> };
};

interface MediaType {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}

const resolve = (node: unknown): Record<string, unknown> => {
  const ref = (node as { $ref?: string }).$ref;
  if (!ref) return node as Record<string, unknown>;
  return resolve(document.components.responses[ref.replace('#/components/responses/', '')]);
};

/** Every documented answer: route, status, media type. */
const answers = (routes as readonly Route[]).flatMap((route) => {
  const operation = document.paths[route.path]![route.method.toLowerCase()]!;
  return Object.entries(operation.responses).flatMap(([status, response]) =>
    Object.entries((resolve(response).content ?? {}) as Record<string, MediaType>).map(([type, media]) => ({
      name: `${route.method} ${route.path} ${status} ${type}`,
      status,
      type,
      media,
    })),
  );
});

const examplesOf = (media: MediaType) => [
  ...(media.example !== undefined ? [media.example] : []),
  ...Object.values(media.examples ?? {}).map((example) => example.value),
];

describe('openapi.json examples', () => {
  it('documents a JSON schema for every answer of every route', () => {
    expect(answers.length).toBeGreaterThan(routes.length * 5);
    for (const { name, type, media } of answers) {
      expect(media.schema, name).toBeDefined();
      if (type === 'application/json') expect(JSON.stringify(media.schema), name).not.toBe('{}');
    }
  });

  it('gives every success answer at least one example, and every error answer one', () => {
    for (const { name, media } of answers) expect(examplesOf(media).length, name).toBeGreaterThan(0);
  });

  it('every example validates against its schema', () => {
    let checked = 0;
    for (const { name, type, media } of answers) {
      if (type !== 'application/json') continue;
      for (const example of examplesOf(media)) {
        expect(validateJson(media.schema, example, document), name).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(answers.length / 2);
  });

  it('the checker refuses what a schema does not allow (so the checks above can fail)', () => {
    const card = { $ref: '#/components/schemas/Card' };
    const example = responses.card.examples.personal as Record<string, unknown>;
    expect(validateJson(card, example, document)).toEqual([]);
    const { validUntil, ...withoutValidUntil } = example;
    expect(validateJson(card, { ...withoutValidUntil, validTo: validUntil }, document)).toEqual([
      '$: lacks the required validUntil',
      '$: has the undocumented field validTo',
    ]);
    expect(validateJson(card, { ...example, useCount: -1 }, document)).toEqual(['$.useCount: below 0']);
    expect(validateJson(card, { ...example, status: 'lost' }, document)).toHaveLength(1);
    expect(validateJson(card, { ...example, issuedAt: '2026-05-01' }, document)).toHaveLength(1);
    expect(validateJson(card, { ...example, cardNumber: '7KQ3XW9AM2HT' }, document)).toHaveLength(1);
    // The card or its door view: exactly one of the two.
    const asSeen = (
      document.paths['/v1/cards/{cardNumber}']!.get!.responses['200'] as {
        content: Record<string, MediaType>;
      }
    ).content['application/json']!.schema;
    const { areaId: _areaId, ...half } = example;
    expect(validateJson(asSeen, half, document)[0]).toMatch(/matches 0 of oneOf/);
    expect(validateJson({ type: 'string', unknownKeyword: 1 }, 'x', document)).toHaveLength(1);
  });
});
