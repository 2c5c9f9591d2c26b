// Areas, organisations and their API keys.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-keys.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { Area, Organisation } from '../domain/organisations.ts';
import { notFound } from '../lib/errors.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import {
  allAreas,
  apiKeyKey,
  areaKey,
  keysOfOrganisation,
  organisationKey,
  organisationsOfArea,
} from './keys.ts';
import { queryPage } from './query.ts';
import { tableName } from './table.ts';
import { type TransactItem, transactWrite } from './transact.ts';
import { setFields } from './update.ts';

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk, sk, entity, gsi1pk, gsi1sk, ...rest } = item;
  return rest as T;
}

async function getItem<T>(key: { pk: string; sk: string }, consistent = false): Promise<T | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: key, ...(consistent && { ConsistentRead: true }) }),
  );
  return Item ? withoutKeys<T>(Item) : undefined;
}

export const getApiKey = (keyId: string) => getItem<ApiKeyRecord>(apiKeyKey(keyId));
export const getOrganisation = (orgId: string) => getItem<Organisation>(organisationKey(orgId));
/**
 * A key and its organisation as they are now, in one strongly consistent BatchGetItem: the per-request
 * caller check (shared/http/caller.ts), which so also hands a venue's own use its venue without a second
 * request (docs/performance.md).
 */
export async function getKeyWithOrganisationNow(
  keyId: string,
  orgId: string,
): Promise<{ key?: ApiKeyRecord; organisation?: Organisation }> {
  const found: { key?: ApiKeyRecord; organisation?: Organisation } = {};
  let keys: Record<string, unknown>[] | undefined = [apiKeyKey(keyId), organisationKey(orgId)];
  // DynamoDB may leave keys unprocessed under load: asked again after a pause, as its guide says.
  for (let attempt = 0; keys && keys.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(attempt, 6)));
    const result: BatchGetCommandOutput = await documentClient().send(
      new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of result.Responses?.[tableName()] ?? []) {
      if (item.entity === 'apiKey') found.key = withoutKeys<ApiKeyRecord>(item);
      else if (item.entity === 'organisation') found.organisation = withoutKeys<Organisation>(item);
    }
    keys = result.UnprocessedKeys?.[tableName()]?.Keys;
  }
  return found;
}

/** The organisation as it is now (a strongly consistent read): a status changed a moment ago counts. */
export const getOrganisationNow = (orgId: string) => getItem<Organisation>(organisationKey(orgId), true);
export const getArea = (areaId: string) => getItem<Area>(areaKey(areaId));

/** Several organisations by id, in one BatchGetItem per hundred (those not found are left out). */
export async function getOrganisations(orgIds: readonly string[]): Promise<Map<string, Organisation>> {
  const found = new Map<string, Organisation>();
  const unique = [...new Set(orgIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(organisationKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const org = withoutKeys<Organisation>(item);
        found.set(org.orgId, org);
      }
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

export const apiKeyItem = (record: ApiKeyRecord) => ({
  ...apiKeyKey(record.keyId),
  entity: 'apiKey',
  gsi1pk: keysOfOrganisation(record.orgId),
  gsi1sk: `KEY#${record.createdAt}#${record.keyId}`,
  ...record,
});

export const organisationItem = (org: Organisation) => ({
  ...organisationKey(org.orgId),
  entity: 'organisation',
  gsi1pk: organisationsOfArea(org.areaId),
  gsi1sk: `ORG#${org.orgId}`,
  ...org,
});

export const areaItem = (area: Area) => ({
  ...areaKey(area.areaId),
  entity: 'area',
  gsi1pk: allAreas,
  gsi1sk: `AREA#${area.areaId}`,
  ...area,
});

export async function putApiKey(record: ApiKeyRecord): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: apiKeyItem(record),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** An organisation and its first key, together: no organisation is left without a way in. */
export async function putOrganisationWithKey(org: Organisation, key: ApiKeyRecord): Promise<void> {
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: organisationItem(org),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: { TableName: tableName(), Item: apiKeyItem(key), ConditionExpression: 'attribute_not_exists(pk)' },
    },
  ]);
  if (cancelled) throw new Error(`organisation ${org.orgId} already exists`);
}

export async function putOrganisation(org: Organisation): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: organisationItem(org),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function putArea(area: Area): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: areaItem(area),
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Puts one item together with its audit entry: nothing administrative happens unrecorded. */
async function putAudited(item: Record<string, unknown>, audit: AuditEntry): Promise<void> {
  const cancelled = await transactWrite([
    { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    auditPut(audit),
  ]);
  if (cancelled) throw new Error(`${String(item.pk)} already exists`);
}

export const createOrganisation = (org: Organisation, audit: AuditEntry) =>
  putAudited(organisationItem(org), audit);
export const createApiKey = (record: ApiKeyRecord, audit: AuditEntry) =>
  putAudited(apiKeyItem(record), audit);

/**
 * Changes an organisation with its audit entry. With `follows` (the venue directory's entries), the
 * organisation must also be as it was read (`unchanged`): false when it was not, and nothing is written.
 */
export async function updateOrganisation(
  org: Organisation,
  set: Record<string, unknown>,
  audit: AuditEntry,
  follows?: {
    items: TransactItem[];
    unchanged: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  },
): Promise<boolean> {
  const { expression, names, values } = setFields(set);
  const cancelled = await transactWrite([
    {
      Update: {
        TableName: tableName(),
        Key: organisationKey(org.orgId),
        UpdateExpression: expression,
        ConditionExpression: follows
          ? `attribute_exists(pk) AND ${follows.unchanged.expression}`
          : 'attribute_exists(pk)',
        ExpressionAttributeNames: { ...names, ...follows?.unchanged.names },
        ExpressionAttributeValues: { ...values, ...follows?.unchanged.values },
      },
    },
    ...(follows?.items ?? []),
    auditPut(audit),
  ]);
  if (cancelled && !follows) throw notFound(`Organisation ${org.orgId}`);
  return cancelled === undefined;
}

/** Revokes a key; false if it was already revoked (the caller answers the same either way). */
export async function revokeApiKey(key: ApiKeyRecord, audit: AuditEntry, now: Date): Promise<boolean> {
  const cancelled = await transactWrite([
    {
      Update: {
        TableName: tableName(),
        Key: apiKeyKey(key.keyId),
        UpdateExpression: 'SET revokedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': now.toISOString() },
      },
    },
    auditPut(audit),
  ]);
  return cancelled === undefined;
}

/** Records that a key was used, at most once an hour whatever the traffic. */
export async function touchApiKey(keyId: string, now: Date): Promise<void> {
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: apiKeyKey(keyId),
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :hourAgo)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':hourAgo': hourAgo },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
}

export async function listOrganisations(
  areaId: string | undefined,
  limit: number,
  startKey?: Record<string, string>,
) {
  const page = await queryPage(
    {
      index: 'gsi1',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      partition: organisationsOfArea(areaId),
      prefix: 'ORG#',
    },
    limit,
    startKey,
  );
  return { items: page.items.map((item) => withoutKeys<Organisation>(item)), next: page.next };
}

export async function listApiKeys(orgId: string, limit: number, startKey?: Record<string, string>) {
  const page = await queryPage(
    {
      index: 'gsi1',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      partition: keysOfOrganisation(orgId),
      prefix: 'KEY#',
    },
    limit,
    startKey,
  );
  return { items: page.items.map((item) => withoutKeys<ApiKeyRecord>(item)), next: page.next };
}

export async function listAreas(limit: number, startKey?: Record<string, string>) {
  const page = await queryPage(
    { index: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', partition: allAreas, prefix: 'AREA#' },
    limit,
    startKey,
  );
  return { items: page.items.map((item) => withoutKeys<Area>(item)), next: page.next };
}
