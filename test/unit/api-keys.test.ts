import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken, keyIdOf, keyMatches, newApiKey } from '../../shared/domain/api-keys.ts';

const now = new Date('2026-05-01T09:00:00Z');
const owner = { orgId: 'venue1', role: 'venue' as const, areaId: 'area1' };
const shape = /^kk\.(k[0-9a-f]{20})\.([A-Za-z0-9_-]+)$/;

describe('newApiKey', () => {
  const { apiKey, record } = newApiKey(owner, now);

  it('is kk.<keyId>.<secret>', () => {
    const match = shape.exec(apiKey);
    expect(match).not.toBeNull();
    expect(match?.[1]).toBe(record.keyId);
  });

  it('has a secret of at least 128 random bits', () => {
    const secret = shape.exec(apiKey)![2]!;
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(Buffer.from(secret, 'base64url').toString('base64url')).toBe(secret);
  });

  it('stores the SHA-256 of the key and never the key or its secret', () => {
    expect(record).toEqual({
      keyId: record.keyId,
      orgId: 'venue1',
      role: 'venue',
      areaId: 'area1',
      secretHash: createHash('sha256').update(apiKey).digest('hex'),
      createdAt: '2026-05-01T09:00:00.000Z',
    });
    const stored = JSON.stringify(record);
    expect(stored).not.toContain(apiKey);
    expect(stored).not.toContain(shape.exec(apiKey)![2]!);
  });

  it('makes distinct ids and secrets', () => {
    const keys = Array.from({ length: 1000 }, () => newApiKey(owner, now));
    expect(new Set(keys.map((key) => key.record.keyId)).size).toBe(1000);
    expect(new Set(keys.map((key) => key.apiKey.split('.')[2])).size).toBe(1000);
  });

  it('national organisations have no area', () => {
    expect(newApiKey({ orgId: 'agent1', role: 'ticket-agent' }, now).record.areaId).toBeUndefined();
  });
});

describe('keyIdOf', () => {
  it('finds the key id in a key of ours', () => {
    const { apiKey, record } = newApiKey(owner, now);
    expect(keyIdOf(apiKey)).toBe(record.keyId);
  });

  it('refuses anything not shaped like one of ours', () => {
    const { apiKey } = newApiKey(owner, now);
    for (const text of [
      '',
      'kk',
      apiKey.slice(0, -1),
      `${apiKey}x`,
      apiKey.replace(/^kk\./, 'KK.'),
      apiKey.replace(/^kk\.k/, 'kk.x'),
      `${apiKey.split('.').slice(0, 2).join('.')}.${'!'.repeat(43)}`,
      ` ${apiKey}`,
      `Bearer ${apiKey}`,
    ]) {
      expect(keyIdOf(text), text).toBeUndefined();
    }
  });
});

describe('keyMatches', () => {
  const { apiKey, record } = newApiKey(owner, now);

  it('true for the key itself', () => {
    expect(keyMatches(record, apiKey)).toBe(true);
  });

  it('false for another key, even with the same key id, and for a key one character off', () => {
    const other = newApiKey(owner, now).apiKey;
    expect(keyMatches(record, other)).toBe(false);
    const sameIdOtherSecret = `${apiKey.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`;
    expect(keyIdOf(sameIdOtherSecret)).toBe(record.keyId);
    expect(keyMatches(record, sameIdOtherSecret)).toBe(false);
    const last = apiKey.at(-1) === 'A' ? 'B' : 'A';
    expect(keyMatches(record, apiKey.slice(0, -1) + last)).toBe(false);
    expect(keyMatches(record, '')).toBe(false);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def', 'abc.def'],
    ['Bearer kk.k0123456789abcdef0123.abc_-DEF', 'kk.k0123456789abcdef0123.abc_-DEF'],
    ['Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl', 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl'],
    ['Bearer abc+/=', 'abc+/='],
  ])('%j -> %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'abc',
    'Bearer a b',
    ' Bearer abc',
    'Bearerabc',
    // Issue 17: one key, one spelling; each variant would be an authorizer-cache entry and a WAF counter
    // of its own.
    'bearer abc',
    'BEARER abc',
    'bEaReR abc',
    'Bearer  abc',
    'Bearer\tabc',
    'Bearer abc ',
    'Bearer abc\t',
    'Bearer\u00A0abc',
    'Bearer abc,Bearer def',
    'Bearer ab=c',
  ])('%j -> no token', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});
