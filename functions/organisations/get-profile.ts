// GET /v1/organisations/{orgId}/profile: the venue's public profile as its venue and area see it, with
// whether the directory lists it (a venue that has written none yet gets an empty, unpublished one).

import { profileView } from '../../shared/domain/venue-profile.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { getVenueProfile } from '../../shared/store/venue-directory.ts';
import { profileOwner } from '../../shared/use-cases/venue-profiles.ts';

export const handler = httpHandler('GET /v1/organisations/{orgId}/profile', async ({ principal, path }) => {
  const org = await profileOwner(principal, path.orgId ?? '');
  return json(200, profileView(org, await getVenueProfile(org.orgId)));
});
