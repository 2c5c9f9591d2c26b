// Recording a use, shared by the single and the batch route: resolve the venue, apply the request's
// rules, make the one write, and turn a refusal into the rule that failed (or a replay).

import {
  explainRefusal,
  fingerprintOf,
  newUsage,
  type Usage,
  type UsageInput,
  type VenueRef,
  venueIdFor,
} from './domain/usages.ts';
import { ApiError, notFound } from './errors.ts';
import type { Principal } from './roles.ts';
import { getOrganisation } from './store/organisations.ts';
import { writeUsage } from './store/usages.ts';

export interface Recorded {
  readonly usage: Usage;
  /** True when this answers a repeat of a request already recorded. */
  readonly replayed: boolean;
}

/**
 * A venue's own key carries its area and limit (in the authorizer's context); a ticket agent's venue, and
 * a person's (whose cached answer names no organisation), is looked up: one read.
 */
export async function venueFor(principal: Principal, venueId: string): Promise<VenueRef> {
  if (principal.role === 'venue' && principal.kind === 'key') {
    if (!principal.areaId) throw new Error(`venue ${principal.orgId} has no area`);
    return { venueId, areaId: principal.areaId, cardLimitPerDay: principal.cardLimitPerDay };
  }
  const venue = await getOrganisation(venueId);
  if (venue?.kind !== 'venue' || !venue.areaId) throw notFound(`Venue ${venueId}`);
  if (venue.status !== 'active')
    throw new ApiError('ORGANISATION_INACTIVE', `Venue ${venueId} is not active; it cannot record uses.`);
  return { venueId, areaId: venue.areaId, cardLimitPerDay: venue.cardLimitPerDay };
}

export async function recordUsage(
  principal: Principal,
  input: UsageInput,
  usageIdOf: (venueId: string) => string,
  now: Date,
  venues: (venueId: string) => Promise<VenueRef> = (venueId) => venueFor(principal, venueId),
): Promise<Recorded> {
  const venueId = venueIdFor(principal, input);
  const venue = await venues(venueId);
  const usage = newUsage(
    input,
    { usageId: usageIdOf(venueId), fingerprint: fingerprintOf(input), recordedBy: principal.orgId },
    venue,
    now,
  );
  const refusal = await writeUsage(usage, venue);
  if (!refusal) return { usage, replayed: false };
  const outcome = explainRefusal(refusal, usage);
  if ('replay' in outcome) return { usage: outcome.replay, replayed: true };
  throw outcome.error;
}
