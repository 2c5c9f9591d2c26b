// The rules of people and keys (decision 0016): which membership a person acts with, who needs a second
// factor, who manages an organisation's people, when a key is no longer valid, and what the authorizer's
// cached context can claim.
import { describe, expect, it } from 'vitest';
import { isExpired, isRevokedOrExpired } from '../../shared/domain/api-keys.ts';
import { actorOf } from '../../shared/domain/audit.ts';
import {
  actingMembership,
  checkMayAct,
  isManagerOf,
  type Membership,
  needsSecondFactor,
  type Person,
  personView,
} from '../../shared/domain/people.ts';
import { claimedCaller } from '../../shared/http/caller.ts';
import { looksLikeJwt } from '../../shared/identity/token-shape.ts';
import { ApiError } from '../../shared/lib/errors.ts';

const membership = (orgId: string, fields: Partial<Membership> = {}): Membership => ({
  personId: 'p1',
  orgId,
  role: 'venue',
  areaId: 'a1',
  manager: false,
  email: 'maija@example.org',
  name: 'Maija',
  addedAt: '2026-12-01T08:00:00.000Z',
  ...fields,
});
const person: Person = {
  personId: 'p1',
  email: 'maija@example.org',
  name: 'Maija',
  status: 'active',
  createdAt: '2026-12-01T08:00:00.000Z',
};
const codeOf = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error instanceof ApiError ? error.code : 'not an ApiError';
  }
  return 'no error';
};

describe('the membership a person acts with', () => {
  it('is their only one when X-Kaiku-Organisation is left out', () => {
    expect(actingMembership([membership('o1')], undefined).orgId).toBe('o1');
    expect(actingMembership([membership('o1')], '').orgId).toBe('o1');
  });
  it('is the one the header names among several; without the header several are 400', () => {
    const both = [membership('o1'), membership('o2', { role: 'distributor' })];
    expect(actingMembership(both, 'o2').role).toBe('distributor');
    expect(codeOf(() => actingMembership(both, undefined))).toBe('VALIDATION_FAILED');
  });
  it('is refused (403) for an organisation they are not a member of, or with no membership at all', () => {
    expect(codeOf(() => actingMembership([membership('o1')], 'o9'))).toBe('FORBIDDEN');
    expect(codeOf(() => actingMembership([], undefined))).toBe('FORBIDDEN');
  });
});

describe('second factor', () => {
  it('is needed for admin and area-admin only', () => {
    expect(needsSecondFactor('admin')).toBe(true);
    expect(needsSecondFactor('area-admin')).toBe(true);
    for (const role of ['distributor', 'venue', 'ticket-agent', 'partner'] as const)
      expect(needsSecondFactor(role)).toBe(false);
  });
  it('refuses an area-admin membership without one (MFA_REQUIRED), lets a venue membership act', () => {
    expect(codeOf(() => checkMayAct(person, membership('o1', { role: 'area-admin' })))).toBe('MFA_REQUIRED');
    expect(
      codeOf(() => checkMayAct({ ...person, secondFactor: 'passkey' }, membership('o1', { role: 'admin' }))),
    ).toBe('no error');
    expect(codeOf(() => checkMayAct(person, membership('o1')))).toBe('no error');
  });
});

describe('managers', () => {
  it('are people acting for that very organisation with the manager flag; a key never is', () => {
    expect(isManagerOf({ kind: 'person', orgId: 'o1', manager: true }, 'o1')).toBe(true);
    expect(isManagerOf({ kind: 'person', orgId: 'o1', manager: true }, 'o2')).toBe(false);
    expect(isManagerOf({ kind: 'person', orgId: 'o1', manager: false }, 'o1')).toBe(false);
    expect(isManagerOf({ kind: 'key', orgId: 'o1', manager: true }, 'o1')).toBe(false);
  });
});

describe('a listed person', () => {
  it("shows the person's current name and status, and the membership's manager flag", () => {
    expect(
      personView(membership('o1', { manager: true }), {
        ...person,
        name: 'Maija M.',
        lastSignInAt: '2026-12-02T07:00:00.000Z',
      }),
    ).toEqual({
      personId: 'p1',
      email: 'maija@example.org',
      name: 'Maija M.',
      status: 'active',
      manager: true,
      lastSignInAt: '2026-12-02T07:00:00.000Z',
    });
    expect(personView(membership('o1'), undefined).status).toBe('invited');
  });
});

describe('keys', () => {
  const key = { keyId: 'k1', orgId: 'o1', role: 'venue' as const, createdAt: '2026-01-01T00:00:00.000Z' };
  it('expire at their expiresAt, to the millisecond; without one never', () => {
    const at = Date.parse('2026-12-07T12:00:00.000Z');
    expect(isExpired({ expiresAt: '2026-12-07T12:00:00.000Z' }, at - 1)).toBe(false);
    expect(isExpired({ expiresAt: '2026-12-07T12:00:00.000Z' }, at)).toBe(true);
    expect(isExpired({}, at)).toBe(false);
    expect(isRevokedOrExpired(key, at)).toBe(false);
    expect(isRevokedOrExpired({ ...key, revokedAt: '2026-12-01T00:00:00.000Z' }, at)).toBe(true);
  });
});

describe("the authorizer's cached context", () => {
  it('names a key with its organisation and role, or a person with the expiry of their token', () => {
    expect(
      claimedCaller({
        authenticated: true,
        kind: 'key',
        keyId: 'k1',
        orgId: 'o1',
        role: 'venue',
        areaId: 'a1',
        cardLimitPerDay: 3,
      }),
    ).toEqual({
      kind: 'key',
      principal: { kind: 'key', keyId: 'k1', orgId: 'o1', role: 'venue', areaId: 'a1', cardLimitPerDay: 3 },
    });
    expect(
      claimedCaller({
        authenticated: 'true',
        kind: 'person',
        personId: 'p1',
        tokenExpiresAt: '1700000000000',
      }),
    ).toEqual({
      kind: 'person',
      personId: 'p1',
      tokenExpiresAt: 1_700_000_000_000,
    });
  });
  it('claims nobody when it says so, or when a field is missing or wrong', () => {
    expect(claimedCaller(undefined)).toBeUndefined();
    expect(claimedCaller({ authenticated: false })).toBeUndefined();
    expect(
      claimedCaller({ authenticated: true, kind: 'person', personId: '', tokenExpiresAt: 1 }),
    ).toBeUndefined();
    expect(claimedCaller({ authenticated: true, kind: 'person', personId: 'p1' })).toBeUndefined();
    expect(
      claimedCaller({ authenticated: true, kind: 'key', keyId: 'k1', orgId: 'o1', role: 'owner' }),
    ).toBeUndefined();
  });
});

describe('audit actor', () => {
  it('names the person (id and name) or the key, with the organisation and role', () => {
    expect(
      actorOf({ kind: 'person', personId: 'p1', name: 'Maija', orgId: 'o1', role: 'venue', manager: true }),
    ).toEqual({
      kind: 'person',
      personId: 'p1',
      name: 'Maija',
      orgId: 'o1',
      role: 'venue',
    });
    expect(actorOf({ kind: 'key', keyId: 'k1', orgId: 'o1', role: 'venue' })).toEqual({
      kind: 'key',
      keyId: 'k1',
      orgId: 'o1',
      role: 'venue',
    });
  });
});

describe('bearer tokens', () => {
  it('tells a JWT from an API key', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt(`kk.k${'0'.repeat(20)}.${'A'.repeat(43)}`)).toBe(false);
    expect(looksLikeJwt('not-a-token')).toBe(false);
  });
});
