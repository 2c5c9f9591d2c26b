// Who the caller is and whether they may still act, at every request. The authorizer's answer is cached
// per Authorization header (KAIKU_AUTH_CACHE_SECONDS, API Gateway's cache in AWS), so it is taken only as
// "who": the key's id or the person's id. Whether that key or person may act now is read here from the
// table in one strongly consistent read (a key: its item and its organisation's; a person: their partition,
// the person and every membership), so that no cached decision outlives a revocation, an expiry, a removed membership or a
// disabled person (docs/decisions/0016-people-sign-in.md).

import { isRole, type Principal } from '../contract/roles.ts';
import { isRevokedOrExpired } from '../domain/api-keys.ts';
import type { Caller } from '../domain/caller.ts';
import {
  actingMembership,
  checkMayAct,
  type Membership,
  organisationHeader,
  type Person,
} from '../domain/people.ts';
import { nowMs } from '../lib/clock.ts';
import { ApiError } from '../lib/errors.ts';
import { getKeyWithOrganisationNow } from '../store/organisations.ts';
import { getPersonWithMemberships } from '../store/people.ts';

/** What the authorizer's context says, before the per-request check. */
export type Claimed =
  | { readonly kind: 'key'; readonly principal: Principal }
  | { readonly kind: 'person'; readonly personId: string; readonly tokenExpiresAt: number };

export const unauthenticated = (message = 'Sign in, or send a valid API key: Authorization: Bearer <key>.') =>
  new ApiError('UNAUTHENTICATED', message);

/** Reads the authorizer's context (it lets every request through; `authenticated` says whether it knew). */
export function claimedCaller(context: Record<string, unknown> | undefined): Claimed | undefined {
  if (!context || (context.authenticated !== true && context.authenticated !== 'true')) return undefined;
  if (context.kind === 'person') {
    const { personId } = context;
    const tokenExpiresAt = Number(context.tokenExpiresAt);
    if (typeof personId !== 'string' || personId === '' || !Number.isFinite(tokenExpiresAt)) return undefined;
    return { kind: 'person', personId, tokenExpiresAt };
  }
  const { keyId, orgId, role, areaId, cardLimitPerDay } = context;
  if (typeof keyId !== 'string' || typeof orgId !== 'string' || !isRole(role)) return undefined;
  const limit = Number(cardLimitPerDay);
  return {
    kind: 'key',
    principal: {
      kind: 'key',
      keyId,
      orgId,
      role,
      ...(typeof areaId === 'string' && areaId !== '' && { areaId }),
      ...(cardLimitPerDay !== undefined &&
        cardLimitPerDay !== '' &&
        Number.isInteger(limit) && { cardLimitPerDay: limit }),
    },
  };
}

/** The per-request check: one consistent read. Throws 401 when the caller may no longer act at all. */
export async function currentCaller(claimed: Claimed): Promise<Caller> {
  if (claimed.kind === 'key') {
    const { key, organisation } = await getKeyWithOrganisationNow(
      claimed.principal.keyId ?? '',
      claimed.principal.orgId,
    );
    if (!key || isRevokedOrExpired(key, nowMs()))
      throw unauthenticated('This API key has been revoked or has expired.');
    return { ...claimed, key, ...(organisation && { organisation }) };
  }
  // The authorizer's answer may be cached past the token's own expiry: the token's expiry wins.
  if (claimed.tokenExpiresAt <= nowMs()) throw unauthenticated('Your sign-in has expired: sign in again.');
  const { person, memberships } = await getPersonWithMemberships(claimed.personId);
  if (!person || person.status === 'disabled')
    throw unauthenticated('Your account is not enabled in this service.');
  return { kind: 'person', person, memberships };
}

/**
 * The principal a person acts as: the membership X-Kaiku-Organisation names (or their only one), with the
 * second factor that role needs.
 */
export function personPrincipal(
  person: Person,
  memberships: readonly Membership[],
  headers: Readonly<Record<string, string | undefined>>,
): Principal {
  const membership = actingMembership(memberships, headers[organisationHeader]);
  checkMayAct(person, membership);
  return {
    kind: 'person',
    personId: person.personId,
    name: person.name,
    manager: membership.manager,
    orgId: membership.orgId,
    role: membership.role,
    ...(membership.areaId && { areaId: membership.areaId }),
  };
}
