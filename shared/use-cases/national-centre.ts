// The national centre's organisation and its admin keys: made by `npm start` on first start locally,
// and by `npm run admin -- create-admin-key` against a deployed table.

import { newApiKey } from '../domain/api-keys.ts';
import { nationalCentreId, type Organisation } from '../domain/organisations.ts';
import { now as clockNow } from '../lib/clock.ts';
import { getOrganisation, putApiKey, putOrganisation } from '../store/organisations.ts';

export async function ensureNationalCentre(now: Date): Promise<Organisation> {
  const existing = await getOrganisation(nationalCentreId);
  if (existing) return existing;
  const centre: Organisation = {
    orgId: nationalCentreId,
    kind: 'national-centre',
    name: 'Kaikukeskus',
    status: 'active',
    createdAt: now.toISOString(),
  };
  try {
    await putOrganisation(centre);
  } catch (error) {
    // Two first starts at once: the other one made it, which is just as good.
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
  return centre;
}

/** A new admin key; the secret is returned once and only its hash is stored. */
export async function createAdminKey(now = clockNow()): Promise<{ keyId: string; apiKey: string }> {
  await ensureNationalCentre(now);
  const { apiKey, record } = newApiKey({ orgId: nationalCentreId, role: 'admin' }, now);
  await putApiKey(record);
  return { keyId: record.keyId, apiKey };
}
