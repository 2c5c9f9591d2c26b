// PUT /v1/organisations/{orgId}/profile: the venue (or its area's admin, or the national centre) writes
// the venue's public profile; the directory follows in the same transaction.

import type { venueProfile } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { writeVenueProfile } from '../../shared/use-cases/venue-profiles.ts';

export const handler = httpHandler<Infer<typeof venueProfile>>(
  'PUT /v1/organisations/{orgId}/profile',
  async ({ principal, path, body, now }) =>
    json(200, await writeVenueProfile(principal, path.orgId ?? '', body, now)),
);
