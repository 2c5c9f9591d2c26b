// People who sign in as themselves (docs/decisions/0016-people-sign-in.md): a person is the identity
// provider's `sub`; what they may do comes from their memberships, one per organisation, never from the
// token. These are the rules, as plain functions; the store is shared/store/people.ts.

import type { Role } from '../contract/roles.ts';
import { ApiError } from '../lib/errors.ts';

export type PersonStatus = 'invited' | 'active' | 'disabled';
/** How the person proved a second factor to the identity provider, as last checked with it. */
export type SecondFactor = 'totp' | 'passkey';

export interface Person {
  /** The identity provider's `sub`: stable for the person's whole life in the user pool. */
  readonly personId: string;
  /** Work e-mail (the sign-in name) and display name: the only staff data kept. */
  readonly email: string;
  readonly name: string;
  /** `invited` until the first signed-in request; `disabled` refuses every request. */
  readonly status: PersonStatus;
  readonly createdAt: string;
  readonly lastSignInAt?: string;
  readonly secondFactor?: SecondFactor;
  readonly secondFactorCheckedAt?: string;
}

export interface Membership {
  readonly personId: string;
  readonly orgId: string;
  /** Follows from the organisation's kind, which never changes. */
  readonly role: Role;
  readonly areaId?: string;
  readonly manager: boolean;
  /** Kept with the membership so that an organisation's list needs no read per person. */
  readonly email: string;
  readonly name: string;
  readonly addedAt: string;
}

/** Roles whose people must have a second factor (403 MFA_REQUIRED otherwise). */
export const needsSecondFactor = (role: Role): boolean => role === 'admin' || role === 'area-admin';

export const organisationHeader = 'x-kaiku-organisation';

/**
 * The membership a person acts with: the one X-Kaiku-Organisation names, or their only one when the
 * header is left out. A named organisation they are not (or no longer) a member of is refused.
 */
export function actingMembership(
  memberships: readonly Membership[],
  requested: string | undefined,
): Membership {
  if (requested !== undefined && requested !== '') {
    const chosen = memberships.find((membership) => membership.orgId === requested);
    if (!chosen)
      throw new ApiError('FORBIDDEN', `You are not a member of organisation ${requested.slice(0, 100)}.`);
    return chosen;
  }
  const [only, ...others] = memberships;
  if (!only) throw new ApiError('FORBIDDEN', 'You are not a member of any organisation.');
  if (others.length > 0)
    throw new ApiError(
      'VALIDATION_FAILED',
      'You are a member of several organisations: name one in X-Kaiku-Organisation.',
      [{ field: 'X-Kaiku-Organisation', problem: 'required with several memberships' }],
    );
  return only;
}

/** A person acts for an admin or area-admin organisation only with a second factor (an enabled person: shared/http/caller.ts). */
export function checkMayAct(person: Person, membership: Membership): void {
  if (needsSecondFactor(membership.role) && !person.secondFactor)
    throw new ApiError(
      'MFA_REQUIRED',
      'Acting for an admin or area-admin organisation needs a second factor: set up a TOTP app or a passkey, then sign in again.',
    );
}

/** A person who manages this organisation's people (besides the admin and the area's area-admin). */
export function isManagerOf(principal: { kind: string; orgId: string; manager?: boolean }, orgId: string) {
  return principal.kind === 'person' && principal.orgId === orgId && principal.manager === true;
}

/** A person as an organisation's list shows them. */
export function personView(membership: Membership, person: Person | undefined) {
  return {
    personId: membership.personId,
    email: person?.email ?? membership.email,
    name: person?.name ?? membership.name,
    status: person?.status ?? 'invited',
    manager: membership.manager,
    ...(person?.lastSignInAt && { lastSignInAt: person.lastSignInAt }),
  };
}

/** E-mail addresses are compared and stored in lower case: the identity provider's user name is one. */
export const normalisedEmail = (email: string) => email.trim().toLowerCase();
