// PUT /v1/organisations/{orgId}/profile: the venue (or its area's admin, or the national centre) writes
// the venue's public profile; the directory follows in the same transaction.
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/schema.ts';
import type { venueProfile } from '../../shared/schemas.ts';
import { writeVenueProfile } from '../../shared/venue-profiles.ts';

export const handler = httpHandler<Infer<typeof venueProfile>>(
  'PUT /v1/organisations/{orgId}/profile',
  async ({ principal, path, body, now }) =>
    json(200, await writeVenueProfile(principal, path.orgId ?? '', body, now)),
);
