// A small validation library: each schema both checks input and describes itself as JSON Schema, so
// the OpenAPI document is generated from the very code that validates requests. Kept in-house because
// the usual libraries roughly double a function's cold start (see docs/decisions/0002-lean-validation.md).
import { ApiError, type ErrorDetail, invalid } from './errors.ts';
import { containsPersonalIdentityCode, forbiddenCharacterProblem } from './free-text.ts';

export type JsonSchema = { readonly [key: string]: unknown };

export interface Issue extends ErrorDetail {
  readonly personalData?: boolean;
}

export interface Schema<T> {
  readonly optional: boolean;
  /** Returns the parsed value, or undefined after pushing at least one issue. */
  parse(value: unknown, path: string, issues: Issue[]): T | undefined;
  json(): JsonSchema;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const fail = (issues: Issue[], field: string, problem: string): undefined => {
  issues.push({ field: field || '(body)', problem });
  return undefined;
};

interface StringOptions {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly format?: string;
  readonly description?: string;
  /**
   * A free-text field (shared/lib/free-text.ts): refused if it holds something shaped like a personal identity
   * code (PERSONAL_DATA_NOT_ALLOWED) or a control or bidirectional formatting character.
   */
  readonly freeText?: boolean;
}

export { containsPersonalIdentityCode, normalisedForGuard } from './free-text.ts';

export function string(options: StringOptions = {}): Schema<string> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (typeof value !== 'string') return fail(issues, path, 'must be a string');
      // First: a field that holds an identity code is refused as such, whatever else is wrong with it.
      if (options.freeText && containsPersonalIdentityCode(value)) {
        issues.push({
          field: path,
          problem: 'must not contain a personal identity code',
          personalData: true,
        });
        return undefined;
      }
      const forbidden = options.freeText ? forbiddenCharacterProblem(value) : undefined;
      if (forbidden) return fail(issues, path, forbidden);
      if (options.min !== undefined && value.length < options.min)
        return fail(issues, path, `must be at least ${options.min} characters`);
      if (options.max !== undefined && value.length > options.max)
        return fail(issues, path, `must be at most ${options.max} characters`);
      if (options.pattern && !options.pattern.test(value))
        return fail(issues, path, `must match ${options.description ?? options.pattern.source}`);
      return value;
    },
    json: () => ({
      type: 'string',
      ...(options.min !== undefined && { minLength: options.min }),
      ...(options.max !== undefined && { maxLength: options.max }),
      ...(options.pattern && { pattern: options.pattern.source }),
      ...(options.format && { format: options.format }),
      ...(options.description && { description: options.description }),
    }),
  };
}

export function integer(options: { min: number; max?: number; description?: string }): Schema<number> {
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return {
    optional: false,
    parse(value, path, issues) {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail(issues, path, 'must be an integer');
      if (value < options.min || value > max)
        return fail(issues, path, `must be between ${options.min} and ${max}`);
      return value;
    },
    json: () => ({
      type: 'integer',
      minimum: options.min,
      ...(options.max !== undefined && { maximum: options.max }),
      ...(options.description && { description: options.description }),
    }),
  };
}

export function boolean(options: { description?: string } = {}): Schema<boolean> {
  return {
    optional: false,
    parse: (value, path, issues) =>
      typeof value === 'boolean' ? value : fail(issues, path, 'must be true or false'),
    json: () => ({ type: 'boolean', ...(options.description && { description: options.description }) }),
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value))
        return fail(issues, path, `must be one of ${values.join(', ')}`);
      return value as T;
    },
    json: () => ({ type: 'string', enum: [...values] }),
  };
}

/** Wraps a schema with a conversion (canonical card numbers, dates) that may reject. */
export function refine<A, B>(
  base: Schema<A>,
  convert: (value: A) => B | { problem: string },
  describe: JsonSchema = {},
): Schema<B> {
  return {
    optional: base.optional,
    parse(value, path, issues) {
      const parsed = base.parse(value, path, issues);
      if (parsed === undefined) return undefined;
      const converted = convert(parsed);
      if (converted !== null && typeof converted === 'object' && 'problem' in converted)
        return fail(issues, path, converted.problem);
      return converted as B;
    },
    json: () => ({ ...base.json(), ...describe }),
  };
}

/** The schema's value, or null (a JSON null is an answer's way to say "none", never a request's). */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return {
    optional: false,
    parse: (value, path, issues) => (value === null ? null : schema.parse(value, path, issues)),
    json: () => {
      const base = schema.json();
      return typeof base.type === 'string'
        ? { ...base, type: [base.type, 'null'] }
        : { anyOf: [base, { type: 'null' }] };
    },
  };
}

/** Exactly one of the schemas (told apart by their fields, not by a tag). */
export function union<T>(...variants: readonly Schema<T>[]): Schema<T> {
  return {
    optional: false,
    parse(value, path, issues) {
      const matches = variants
        .map((variant) => variant.parse(value, path, []))
        .filter((parsed) => parsed !== undefined);
      return matches.length === 1 ? matches[0] : fail(issues, path, 'must match exactly one of its forms');
    },
    json: () => ({ oneOf: variants.map((variant) => variant.json()) }),
  };
}

/** Any JSON object (a free-form part of an answer, described but not checked field by field). */
export function jsonObject(description: string): Schema<Record<string, unknown>> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(issues, path, 'must be a JSON object');
      return value as Record<string, unknown>;
    },
    json: () => ({ type: 'object', description }),
  };
}

/**
 * A schema with a name of its own: openapi.json lists it once under components/schemas and refers to it
 * by `$ref` wherever it is used, so a generated client gets one named type for it.
 */
export interface NamedSchema<T> extends Schema<T> {
  readonly schemaName: string;
  /** The schema itself (`json()` answers the reference). */
  definition(): JsonSchema;
}

const namedSchemas = new Map<string, NamedSchema<unknown>>();

export function named<T>(schemaName: string, schema: Schema<T>): NamedSchema<T> {
  if (namedSchemas.has(schemaName)) throw new Error(`two schemas named ${schemaName}`);
  const result: NamedSchema<T> = {
    ...schema,
    schemaName,
    json: () => ({ $ref: `#/components/schemas/${schemaName}` }),
    definition: () => schema.json(),
  };
  namedSchemas.set(schemaName, result as NamedSchema<unknown>);
  return result;
}

/** Every named schema declared so far, by name (the modules that declare them must be imported first). */
export const allNamedSchemas = (): ReadonlyMap<string, NamedSchema<unknown>> => namedSchemas;

export type OptionalSchema<T> = Schema<T | undefined> & { readonly optional: true };

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return { ...schema, optional: true } as OptionalSchema<T>;
}

export function array<T>(item: Schema<T>, options: { min?: number; max: number }): Schema<T[]> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (!Array.isArray(value)) return fail(issues, path, 'must be an array');
      if (value.length < (options.min ?? 0))
        return fail(issues, path, `must have at least ${options.min} items`);
      if (value.length > options.max) return fail(issues, path, `must have at most ${options.max} items`);
      const out: T[] = [];
      let ok = true;
      value.forEach((element, index) => {
        const parsed = item.parse(element, `${path}[${index}]`, issues);
        if (parsed === undefined) ok = false;
        else out.push(parsed);
      });
      return ok ? out : undefined;
    },
    json: () => ({ type: 'array', items: item.json(), maxItems: options.max, minItems: options.min ?? 0 }),
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Parsed<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
};

/** An object that refuses unknown fields: a typo must never be silently dropped. */
export function object<S extends Shape>(shape: S): Schema<Parsed<S>> & { readonly shape: S } {
  return {
    shape,
    optional: false,
    parse(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(issues, path, 'must be a JSON object');
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const before = issues.length;
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) fail(issues, join(path, key), 'is not a known field');
      }
      for (const [key, schema] of Object.entries(shape)) {
        const field = join(path, key);
        const raw = input[key];
        if (raw === undefined || raw === null) {
          if (!schema.optional) fail(issues, field, 'is required');
          continue;
        }
        const parsed = schema.parse(raw, field, issues);
        if (parsed !== undefined) out[key] = parsed;
      }
      return issues.length === before ? (out as Parsed<S>) : undefined;
    },
    json: () => ({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.json()])),
      required: Object.entries(shape)
        .filter(([, schema]) => !schema.optional)
        .map(([key]) => key),
    }),
  };
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Parses or throws the contract's 400 (PERSONAL_DATA_NOT_ALLOWED wins: it must never be echoed back). */
export function validate<T>(schema: Schema<T>, value: unknown, path = ''): T {
  const issues: Issue[] = [];
  const parsed = schema.parse(value, path, issues);
  if (issues.some((issue) => issue.personalData))
    throw new ApiError(
      'PERSONAL_DATA_NOT_ALLOWED',
      'A free-text field holds something shaped like a personal identity code; it is not stored.',
      issues.filter((issue) => issue.personalData).map(({ field, problem }) => ({ field, problem })),
    );
  if (issues.length > 0 || parsed === undefined)
    throw invalid(issues.map(({ field, problem }) => ({ field, problem })));
  return parsed;
}

/** Collects issues instead of throwing: batch rows report their own errors. */
export function check<T>(schema: Schema<T>, value: unknown): { value: T } | { error: ApiError } {
  try {
    return { value: validate(schema, value) };
  } catch (error) {
    if (error instanceof ApiError) return { error };
    throw error;
  }
}

/** Checks only that the value is an object; rows of a batch are validated one by one so a bad row stands alone. */
export function described<T>(schema: Schema<T>): Schema<Record<string, unknown>> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(issues, path, 'must be a JSON object');
      return value as Record<string, unknown>;
    },
    json: () => schema.json(),
  };
}

/** Picks the object schema by the value of one field (a card's type, for example). */
export function discriminated<const K extends string, M extends Record<string, Schema<unknown>>>(
  field: K,
  variants: M,
): Schema<Infer<M[keyof M]>> {
  return {
    optional: false,
    parse(value, path, issues) {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(issues, path, 'must be a JSON object');
      const tag = (value as Record<string, unknown>)[field];
      const variant = typeof tag === 'string' && Object.hasOwn(variants, tag) ? variants[tag] : undefined;
      if (!variant)
        return fail(issues, join(path, field), `must be one of ${Object.keys(variants).join(', ')}`);
      return variant.parse(value, path, issues) as Infer<M[keyof M]> | undefined;
    },
    json: () => ({ oneOf: Object.values(variants).map((variant) => variant.json()) }),
  };
}
