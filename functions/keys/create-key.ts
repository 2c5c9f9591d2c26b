import type { createKey } from '../../shared/contract/schemas.ts';
import { newApiKey } from '../../shared/domain/api-keys.ts';
import { auditEntry } from '../../shared/domain/audit.ts';
import { roleOfKind } from '../../shared/domain/organisations.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { manageableOrganisation } from '../../shared/http/organisation-request.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { createApiKey } from '../../shared/store/organisations.ts';

export const handler = httpHandler<Infer<typeof createKey>>(
  'POST /v1/organisations/{orgId}/keys',
  async (request) => {
    const organisation = await manageableOrganisation(request);
    const { apiKey, record } = newApiKey(
      { orgId: organisation.orgId, role: roleOfKind[organisation.kind], areaId: organisation.areaId },
      request.now,
      request.body,
    );
    const audit = auditEntry(
      request.principal,
      'key.created',
      `key/${record.keyId}`,
      organisation.areaId,
      request.now,
    );
    await createApiKey(record, audit);
    return json(201, {
      keyId: record.keyId,
      apiKey,
      role: record.role,
      ...(record.name !== undefined && { name: record.name }),
      ...(record.expiresAt !== undefined && { expiresAt: record.expiresAt }),
    });
  },
);
