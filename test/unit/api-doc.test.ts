// docs/api.md is the contract in words; the route table (shared/http/routes.ts) and the error codes
// (shared/lib/errors.ts) are the contract in code. A route, a success status or an error code that one has and
// the other does not fails here, whichever side forgot it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Route, routeKey, routes } from '../../shared/http/routes.ts';
import { type ErrorCode, errorCodes, statusOfCode } from '../../shared/lib/errors.ts';

const apiDoc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');

/** The cells of a Markdown table row, trimmed (the doc uses no `|` inside a cell). */
const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

const routeCell = /^`((?:GET|POST|PUT|PATCH|DELETE) \/v1\/\S*)`$/;
const codesIn = (cell: string) => [...cell.matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]!);
const sorted = (values: Iterable<string>) => [...values].sort();

/**
 * What the doc and the code disagree on. Route tables have the route in the first cell, who in the second,
 * the request and `→ <status>` in the third and the route's own error codes in the fourth; the error table
 * has the status in the first cell and the code in the second.
 */
function disagreements(doc: string): string[] {
  const rows = doc
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map(cellsOf);
  const routeRows = new Map<string, string[]>();
  const errorRows = new Map<string, number>();
  for (const cells of rows) {
    const key = routeCell.exec(cells[0] ?? '')?.[1];
    if (key) routeRows.set(key, cells);
    const code = /^`([A-Z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code && /^\d{3}$/.test(cells[0] ?? '')) errorRows.set(code, Number(cells[0]));
  }
  const problems: string[] = [];
  const table = routes as readonly Route[];
  for (const route of table) {
    const key = routeKey(route);
    const cells = routeRows.get(key);
    if (!cells) {
      problems.push(`${key}: no row`);
      continue;
    }
    const [, , answer = '', ownErrors = ''] = cells;
    const success = route.success ?? 200;
    if (!answer.includes(`→ ${success}`)) problems.push(`${key}: success status ${success} not given`);
    const documented = sorted(codesIn(ownErrors));
    const declared = sorted(route.errors ?? []);
    if (documented.join() !== declared.join())
      problems.push(`${key}: own errors ${documented.join(', ')} but the table has ${declared.join(', ')}`);
  }
  const known = new Set(table.map(routeKey));
  for (const key of routeRows.keys()) if (!known.has(key)) problems.push(`${key}: not in the route table`);
  for (const code of errorCodes) {
    const status = errorRows.get(code);
    if (status === undefined) problems.push(`${code}: not in the error table`);
    else if (status !== statusOfCode(code))
      problems.push(`${code}: ${status}, but the service answers ${statusOfCode(code)}`);
  }
  for (const code of errorRows.keys())
    if (!errorCodes.includes(code as ErrorCode)) problems.push(`${code}: not an error code of the service`);
  return problems;
}

const replaced = (pattern: RegExp, replacement: string) => {
  const changed = apiDoc.replace(pattern, replacement);
  expect(changed, `${pattern} matched nothing`).not.toBe(apiDoc);
  return changed;
};

describe('docs/api.md against the route table and the error codes', () => {
  it('agrees: every route with its success status and own error codes, every error code with its status', () => {
    expect(disagreements(apiDoc)).toEqual([]);
  });

  it('covers every route and every code (the tables are read, not skipped)', () => {
    const routeLines = apiDoc
      .split('\n')
      .filter((line) => /^\| `(GET|POST|PUT|PATCH|DELETE) \/v1/.test(line));
    expect(routeLines).toHaveLength(routes.length);
    // Biome pads the tables' cells to line them up: a cell is `| <code> <spaces>|`.
    expect(errorCodes.filter((code) => !new RegExp(`\\| \`${code}\` +\\|`).test(apiDoc))).toEqual([]);
  });

  it('notices a route that goes missing or that the table no longer has', () => {
    expect(disagreements(replaced(/^\| `DELETE \/v1\/keys\/\{keyId\}` .*$/m, ''))).toEqual([
      'DELETE /v1/keys/{keyId}: no row',
    ]);
    expect(
      disagreements(replaced(/`PATCH \/v1\/people\/\{personId\}` +\|/, '`PATCH /v1/persons/{personId}` |')),
    ).toEqual([
      'PATCH /v1/people/{personId}: no row',
      'PATCH /v1/persons/{personId}: not in the route table',
    ]);
  });

  it('notices a wrong success status or a missing or extra error code of a route', () => {
    expect(disagreements(replaced(/(\| `POST \/v1\/partners` .*?)→ 201/, '$1→ 200'))).toEqual([
      'POST /v1/partners: success status 201 not given',
    ]);
    expect(
      disagreements(
        replaced(/`CARD_NUMBER_TAKEN`, `CONFLICT`, `CARD_EXPIRED`, /, '`CONFLICT`, `CARD_EXPIRED`, '),
      ),
    ).toEqual([
      'POST /v1/cards/{cardNumber}/replace: own errors CARD_EXPIRED, CARD_REVOKED, CONFLICT but the table has CARD_EXPIRED, CARD_NUMBER_TAKEN, CARD_REVOKED, CONFLICT',
    ]);
  });

  it('notices an error code that goes missing or has the wrong status', () => {
    expect(disagreements(replaced(/^\| 422 +\| `TOO_MANY_CHILDREN` .*$/m, ''))).toEqual([
      'TOO_MANY_CHILDREN: not in the error table',
    ]);
    expect(disagreements(replaced(/^\| 429 +\| `THROTTLED`/m, '| 503 | `THROTTLED`'))).toEqual([
      'THROTTLED: 503, but the service answers 429',
    ]);
  });
});
