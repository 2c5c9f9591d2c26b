// Recording a use, shared by the single and the batch route: resolve the venue, apply the request's
// rules, make the one write, and turn a refusal into the rule that failed (or a replay).

import type { Principal } from '../contract/roles.ts';
import type { Caller } from '../domain/caller.ts';
import {
  explainRefusal,
  fingerprintOf,
  newUsage,
  type Usage,
  type UsageInput,
  type VenueRef,
  venueIdFor,
} from '../domain/usages.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { getOrganisationNow } from '../store/organisations.ts';
import { writeUsage } from '../store/usages.ts';

export interface Recorded {
  readonly usage: Usage;
  /** True when this answers a repeat of a request already recorded. */
  readonly replayed: boolean;
}

/**
 * The venue as it is now, strongly consistent, before the use's write: a venue's own key brings it with
 * the caller check (one BatchGetItem, shared/http/caller.ts); anyone else's request reads it (a batch once
 * per venue). Not a ConditionCheck inside every use's transaction: that made the venue's item a part of
 * every transaction of the venue, and DynamoDB cancels a transaction that names an item another one in
 * flight holds, so a venue's desks (and a batch's parallel rows) refused each other (decision 0020). The
 * authorizer's answer is cached for minutes, so it cannot be the check alone.
 */
export async function venueFor(principal: Principal, venueId: string, caller?: Caller): Promise<VenueRef> {
  const venue =
    caller?.kind === 'key' && caller.organisation?.orgId === venueId
      ? caller.organisation
      : await getOrganisationNow(venueId);
  if (venue?.kind !== 'venue' || !venue.areaId) {
    // A venue's own key names an organisation that exists: the stored one went away meanwhile.
    if (principal.role === 'venue')
      throw new ApiError('ORGANISATION_INACTIVE', `Venue ${venueId} is not active; it cannot record uses.`);
    throw notFound(`Venue ${venueId}`);
  }
  if (venue.status !== 'active')
    throw new ApiError('ORGANISATION_INACTIVE', `Venue ${venueId} is not active; it cannot record uses.`);
  return { venueId, areaId: venue.areaId, cardLimitPerDay: venue.cardLimitPerDay };
}

export async function recordUsage(
  principal: Principal,
  input: UsageInput,
  usageIdOf: (venueId: string) => string,
  now: Date,
  venues: (venueId: string) => Promise<VenueRef>,
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
