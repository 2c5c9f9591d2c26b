// A small JSON Schema (2020-12, as OpenAPI 3.1 uses it) checker for the parts openapi.json uses: type,
// enum, const, properties, required, additionalProperties, items, min/max (length, items, value), pattern,
// format (date, date-time, uri), oneOf, anyOf, allOf and local $ref. Anything else in a schema is an
// error here, so a keyword this checker does not know can never pass unchecked.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const known = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'pattern',
  'format',
  'oneOf',
  'anyOf',
  'allOf',
  '$ref',
  // Annotations only.
  'description',
  'examples',
  'title',
]);

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : typeof value;

const formats: Record<string, (text: string) => boolean> = {
  date: (text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)),
  'date-time': (text) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text)),
  uri: (text) => URL.canParse(text),
};

/** The problems of `value` against `schema` (empty: it validates); `root` resolves `#/...` references. */
export function validateJson(schema: unknown, value: unknown, root: unknown, path = '$'): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const s = schema as Record<string, unknown>;
  const problems: string[] = [];
  for (const keyword of Object.keys(s))
    if (!known.has(keyword)) problems.push(`${path}: the checker does not know the keyword ${keyword}`);
  if (typeof s.$ref === 'string') {
    const target = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/')],
        root,
      );
    if (target === undefined) return [...problems, `${path}: unresolved ${s.$ref}`];
    problems.push(...validateJson(target, value, root, path));
  }
  const actual = typeOf(value);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const ok = types.some((type) => type === actual || (type === 'number' && actual === 'integer'));
    if (!ok) return [...problems, `${path}: is ${actual}, not ${types.join(' or ')}`];
  }
  if (s.enum && !(s.enum as unknown[]).some((option) => option === value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  if ('const' in s && s.const !== value) problems.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (actual === 'string') {
    const text = value as string;
    if (typeof s.minLength === 'number' && [...text].length < s.minLength)
      problems.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && [...text].length > s.maxLength)
      problems.push(`${path}: longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(text))
      problems.push(`${path}: ${JSON.stringify(text)} does not match ${s.pattern}`);
    if (typeof s.format === 'string') {
      const check = formats[s.format];
      if (!check) problems.push(`${path}: the checker does not know the format ${s.format}`);
      else if (!check(text)) problems.push(`${path}: ${JSON.stringify(text)} is not a ${s.format}`);
    }
  }
  if (actual === 'integer' || actual === 'number') {
    const number = value as number;
    if (typeof s.minimum === 'number' && number < s.minimum) problems.push(`${path}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && number > s.maximum) problems.push(`${path}: above ${s.maximum}`);
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof s.minItems === 'number' && items.length < s.minItems)
      problems.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && items.length > s.maxItems)
      problems.push(`${path}: more than ${s.maxItems} items`);
    if (s.items !== undefined)
      items.forEach((item, index) => {
        problems.push(...validateJson(s.items, item, root, `${path}[${index}]`));
      });
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? [])
      if (!(name in object)) problems.push(`${path}: lacks the required ${name}`);
    for (const [name, field] of Object.entries(object)) {
      if (name in properties)
        problems.push(...validateJson(properties[name], field, root, `${path}.${name}`));
      else if (s.additionalProperties !== undefined)
        problems.push(
          ...(s.additionalProperties === false
            ? [`${path}: has the undocumented field ${name}`]
            : validateJson(s.additionalProperties, field, root, `${path}.${name}`)),
        );
    }
  }
  for (const part of (s.allOf as unknown[] | undefined) ?? [])
    problems.push(...validateJson(part, value, root, path));
  if (s.anyOf && !(s.anyOf as unknown[]).some((part) => validateJson(part, value, root, path).length === 0))
    problems.push(`${path}: matches none of anyOf`);
  if (s.oneOf) {
    const results = (s.oneOf as unknown[]).map((part) => validateJson(part, value, root, path));
    const matching = results.filter((result) => result.length === 0).length;
    if (matching !== 1)
      problems.push(
        `${path}: matches ${matching} of oneOf, not exactly one (${results.map((result) => result[0] ?? 'ok').join('; ')})`,
      );
  }
  return problems;
}
