// A route that takes free text answers 400 PERSONAL_DATA_NOT_ALLOWED for an identity code in it, so the
// route table must say so (its `errors`, from which openapi.json and docs/api.md's check follow). Each
// route's body and query are filled from their own JSON Schema with an identity code in every string, and
// the schema that validates requests decides.
import { describe, expect, it } from 'vitest';
import { type Route, routeKey, routes } from '../../shared/http/routes.ts';
import { type JsonSchema, validate } from '../../shared/lib/schema.ts';

const identityCode = '131052-308T';

/** Values the schema describes, with the identity code in every string; one per branch of a top-level union. */
function samplesOf(schema: JsonSchema): unknown[] {
  const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  return branches ? branches.flatMap(samplesOf) : [sampleOf(schema)];
}

function sampleOf(schema: JsonSchema): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (branches?.[0]) return sampleOf(branches[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, property]) => [
          name,
          sampleOf(property),
        ]),
      );
    case 'array':
      return [sampleOf(schema.items as JsonSchema)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return identityCode;
  }
}

/** The code validation answers for that input: the first sample that is refused as personal data wins. */
function answersPersonalData(route: Route): boolean {
  return [route.body, route.query].some((schema) =>
    schema
      ? samplesOf(schema.json()).some((sample) => {
          try {
            validate(schema, sample);
            return false;
          } catch (error) {
            return (error as { code?: string }).code === 'PERSONAL_DATA_NOT_ALLOWED';
          }
        })
      : false,
  );
}

const all = routes as readonly Route[];

describe('routes that take free text', () => {
  it('are found (the probe reaches free-text fields)', () => {
    const found = all.filter(answersPersonalData).map(routeKey);
    expect(found).toContain('POST /v1/usages');
    expect(found).toContain('GET /v1/venues');
    expect(found).not.toContain('PATCH /v1/people/{personId}');
  });

  it.each(all.map((route) => [routeKey(route), route] as const))(
    '%s declares PERSONAL_DATA_NOT_ALLOWED exactly when its input can be refused with it',
    (_, route) => {
      expect(route.errors?.includes('PERSONAL_DATA_NOT_ALLOWED') ?? false).toBe(answersPersonalData(route));
    },
  );
});
