import { auditEntry } from '../../shared/domain/audit.ts';
import { keyView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { getApiKey, revokeApiKey } from '../../shared/store/organisations.ts';

export const handler = httpHandler('DELETE /v1/keys/{keyId}', async ({ path, principal, now }) => {
  const keyId = path.keyId ?? '';
  const key = await getApiKey(keyId);
  if (!key) throw notFound(`Key ${keyId}`);
  // An area-admin manages the keys of its own area's organisations; national ones are the centre's.
  requireAreaScope(principal, key.areaId, `Key ${keyId}`);
  if (key.revokedAt) return json(200, keyView(key));
  await revokeApiKey(key, auditEntry(principal, 'key.revoked', `key/${keyId}`, key.areaId, now), now);
  return json(200, keyView({ ...key, revokedAt: now.toISOString() }));
});
