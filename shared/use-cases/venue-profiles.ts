// Who may see and write a venue's public profile, and the write itself (read, build, write guarded by
// what was read, again if someone changed it meanwhile).

import type { Principal } from '../contract/roles.ts';
import { auditEntry } from '../domain/audit.ts';
import type { Organisation } from '../domain/organisations.ts';
import { canManageArea } from '../domain/scope.ts';
import { newProfile, type ProfileInput, profileView } from '../domain/venue-profile.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { getOrganisation } from '../store/organisations.ts';
import { getVenueProfile, saveVenueProfile } from '../store/venue-directory.ts';

/** The venue itself, its area's admin, the national centre; anyone else is told it does not exist. */
export async function profileOwner(principal: Principal, orgId: string): Promise<Organisation> {
  const org = await getOrganisation(orgId);
  const what = `Venue ${orgId}`;
  if (org?.kind !== 'venue') throw notFound(what);
  const itself = principal.role === 'venue' && principal.orgId === org.orgId;
  if (!itself && !canManageArea(principal, org.areaId)) throw notFound(what);
  return org;
}

const attempts = 3;

export async function writeVenueProfile(principal: Principal, orgId: string, input: ProfileInput, now: Date) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const org = await profileOwner(principal, orgId);
    const before = await getVenueProfile(orgId);
    // Two writes in the same millisecond would share an updatedAt, the guard of the next write.
    const at =
      before && before.updatedAt >= now.toISOString() ? new Date(Date.parse(before.updatedAt) + 1) : now;
    const profile = newProfile(orgId, input, at);
    const audit = auditEntry(principal, 'profile.updated', `organisation/${orgId}`, org.areaId, now);
    if (await saveVenueProfile(org, before, profile, audit)) return profileView(org, profile);
  }
  throw new ApiError('CONFLICT', 'The venue or its profile changed while it was being saved; try again.');
}
