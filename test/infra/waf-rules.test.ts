// Issue 17, finding 5: the web ACL's rate rules evaluated on requests, as WAF would, from the synthesised
// prod template: the public rule counts every request to a public route (a junk Authorization header no
// longer takes it out), and the per-key rule counts every spelling of one key's header as one key.
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';
import { routes } from '../../shared/http/routes.ts';

interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}
type Transformation = { Priority: number; Type: string };

// WAF's text transformations used by the rules, as AWS documents them.
function transform(value: string, transformations: readonly Transformation[]): string {
  let text = value;
  for (const { Type } of [...transformations].sort((a, b) => a.Priority - b.Priority)) {
    if (Type === 'NONE') continue;
    else if (Type === 'LOWERCASE') text = text.toLowerCase();
    else if (Type === 'COMPRESS_WHITE_SPACE') text = text.replace(/[\t\n\r\v\f\u00A0 ]+/g, ' ');
    else if (Type === 'URL_DECODE') text = decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
    else if (Type === 'NORMALIZE_PATH') {
      const out: string[] = [];
      for (const segment of text.replace(/\/+/g, '/').split('/'))
        if (segment === '..') out.pop();
        else if (segment !== '.') out.push(segment);
      text = out.join('/');
    } else throw new Error(`no evaluator for the text transformation ${Type}`);
  }
  return text;
}

function field(request: Request, fieldToMatch: Record<string, { Name?: string }>): string | undefined {
  if ('UriPath' in fieldToMatch) return request.path;
  if ('Method' in fieldToMatch) return request.method;
  const header = fieldToMatch.SingleHeader?.Name;
  if (header) return request.headers[header.toLowerCase()];
  throw new Error(`no evaluator for ${JSON.stringify(fieldToMatch)}`);
}

function matches(statement: any, request: Request): boolean {
  if (statement.AndStatement)
    return statement.AndStatement.Statements.every((s: unknown) => matches(s, request));
  if (statement.OrStatement)
    return statement.OrStatement.Statements.some((s: unknown) => matches(s, request));
  if (statement.NotStatement) return !matches(statement.NotStatement.Statement, request);
  if (statement.RegexMatchStatement) {
    const { FieldToMatch, RegexString, TextTransformations } = statement.RegexMatchStatement;
    const value = field(request, FieldToMatch);
    return value !== undefined && new RegExp(RegexString).test(transform(value, TextTransformations));
  }
  if (statement.ByteMatchStatement) {
    const { FieldToMatch, SearchString, PositionalConstraint, TextTransformations } =
      statement.ByteMatchStatement;
    const value = field(request, FieldToMatch);
    if (value === undefined) return false;
    const text = transform(value, TextTransformations);
    if (PositionalConstraint === 'EXACTLY') return text === SearchString;
    if (PositionalConstraint === 'STARTS_WITH') return text.startsWith(SearchString);
    if (PositionalConstraint === 'CONTAINS') return text.includes(SearchString);
  }
  if (statement.SizeConstraintStatement) {
    const { FieldToMatch, ComparisonOperator, Size } = statement.SizeConstraintStatement;
    const value = field(request, FieldToMatch);
    // A header that is absent matches no size constraint.
    if (value === undefined || ComparisonOperator !== 'GE') return false;
    return Buffer.byteLength(value) >= Size;
  }
  throw new Error(`no evaluator for ${JSON.stringify(statement)}`);
}

const app = new App({ context: { stage: 'prod' } });
const stacks = addKaikuStacks(app, { bundle: false }) as Record<string, Stack>;
const acl = Object.values(
  Template.fromStack(stacks.edge!).toJSON().Resources as Record<string, { Type: string; Properties: any }>,
).find((resource) => resource.Type === 'AWS::WAFv2::WebACL')!.Properties;
const rule = (name: string): any => acl.Rules.find((r: { Name: string }) => r.Name === name);

/** Whether the rate rule counts the request, and under which key. */
function counted(name: string, request: Request): string | undefined {
  const rate = rule(name).Statement.RateBasedStatement;
  if (rate.ScopeDownStatement && !matches(rate.ScopeDownStatement, request)) return undefined;
  if (rate.AggregateKeyType === 'IP') return 'the client address';
  const keys = rate.CustomKeys.map(
    ({ Header }: { Header: { Name: string; TextTransformations: Transformation[] } }) =>
      transform(request.headers[Header.Name] ?? '', Header.TextTransformations),
  );
  return JSON.stringify(keys);
}

const key = 'kk.k0123456789abcdef0123.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';

describe('the WAF rate rules on requests', () => {
  it('count every request to a public route per address, with or without an Authorization header', () => {
    const publicPaths = routes
      .filter((route) => route.roles === 'public')
      .map((route) => route.path.replace(/\{[^}]+\}/g, 'abc123'));
    expect(publicPaths.length).toBeGreaterThan(3);
    for (const path of [...publicPaths, '/V1/HEALTH', '/v1//health', '/v1/%68ealth', '/v1/x/../health'])
      for (const headers of [{}, { authorization: 'junk' }, { authorization: `Bearer ${key}` }] as Record<
        string,
        string
      >[])
        expect(
          counted('PublicPerIp', { method: 'GET', path, headers }),
          `${path} ${JSON.stringify(headers)}`,
        ).toBe('the client address');
    for (const path of ['/v1/cards', '/v1/applications/abc/approve', '/v1/usages'])
      expect(
        counted('PublicPerIp', { method: 'POST', path, headers: { authorization: 'junk' } }),
      ).toBeUndefined();
  });

  it('counts the spellings of one key as one key, and two keys as two', () => {
    const spellings = [
      `Bearer ${key}`,
      `bearer ${key}`,
      `BEARER ${key}`,
      `Bearer  ${key}`,
      `Bearer\t${key}`,
      `Bearer \u00A0 ${key}`,
    ];
    const counters = new Set(
      spellings.map((authorization) =>
        counted('PerApiKey', { method: 'GET', path: '/v1/me', headers: { authorization } }),
      ),
    );
    expect(counters.size).toBe(1);
    const other = counted('PerApiKey', {
      method: 'GET',
      path: '/v1/me',
      headers: { authorization: `Bearer ${key}x` },
    });
    expect(counters.has(other)).toBe(false);
  });
});
