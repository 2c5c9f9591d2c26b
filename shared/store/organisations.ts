// Areas, organisations and their API keys.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-keys.ts';
import type { Area, Organisation } from '../domain/organisations.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import {
  allAreas,
  apiKeyKey,
  areaKey,
  keysOfOrganisation,
  organisationKey,
  organisationsOfArea,
} from './keys.ts';
import { transactWrite } from './transact.ts';

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk, sk, entity, gsi1pk, gsi1sk, ...rest } = item;
  return rest as T;
}

async function getItem<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key }));
  return Item ? withoutKeys<T>(Item) : undefined;
}

export const getApiKey = (keyId: string) => getItem<ApiKeyRecord>(apiKeyKey(keyId));
export const getOrganisation = (orgId: string) => getItem<Organisation>(organisationKey(orgId));
export const getArea = (areaId: string) => getItem<Area>(areaKey(areaId));

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
