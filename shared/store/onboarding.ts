// Applications and their decisions. Approval is one transaction: the area, a claim per municipality
// (a municipality is in one active area only), the area-admin organisation, its key, and the audit entry.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-keys.ts';
import type { AuditEntry } from '../domain/audit.ts';
import { type Application, type ApplicationStatus, maxPendingPerMunicipality } from '../domain/onboarding.ts';
import type { Area, Organisation } from '../domain/organisations.ts';
import { ApiError } from '../errors.ts';
import { tableName } from '../table.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import {
  apiKeyKey,
  applicationKey,
  applicationsWithStatus,
  municipalityClaimKey,
  municipalityPendingKey,
} from './keys.ts';
import { apiKeyItem, areaItem, organisationItem } from './organisations.ts';
import { type Page, queryPage } from './query.ts';
import { type TransactItem, transactWrite } from './transact.ts';
import { setFields } from './update.ts';

const applicationItem = (application: Application) => ({
  ...applicationKey(application.applicationId),
  entity: 'application',
  gsi1pk: applicationsWithStatus(application.status),
  gsi1sk: `${application.createdAt}#${application.applicationId}`,
  ...application,
});

const fromItem = (item: Record<string, unknown>) => {
  const { pk, sk, entity, gsi1pk, gsi1sk, ...application } = item;
  return application as unknown as Application;
};

const pendingCount = (code: string, delta: 1 | -1): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: municipalityPendingKey(code),
    UpdateExpression: 'ADD pending :delta',
    ...(delta > 0 && { ConditionExpression: 'attribute_not_exists(pending) OR pending < :max' }),
    ExpressionAttributeValues: { ':delta': delta, ...(delta > 0 && { ':max': maxPendingPerMunicipality }) },
  },
});

const alreadyInArea = (code: string) =>
  new ApiError('MUNICIPALITY_ALREADY_IN_AREA', `Municipality ${code} already belongs to an active area.`);

export async function putApplication(application: Application): Promise<void> {
  const codes = application.municipalityCodes;
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: applicationItem(application),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...codes.map((code) => pendingCount(code, 1)),
    ...codes.map(
      (code): TransactItem => ({
        ConditionCheck: {
          TableName: tableName(),
          Key: municipalityClaimKey(code),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
  ]);
  if (!cancelled) return;
  const claimed = codes.find((_, index) => cancelled[1 + codes.length + index]?.conditionFailed);
  if (claimed) throw alreadyInArea(claimed);
  const busy = codes.find((_, index) => cancelled[1 + index]?.conditionFailed);
  if (busy)
    throw new ApiError(
      'CONFLICT',
      `Municipality ${busy} already has ${maxPendingPerMunicipality} applications waiting for a decision.`,
    );
  throw new Error('application refused for no known reason');
}

export async function getApplication(applicationId: string): Promise<Application | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: applicationKey(applicationId) }),
  );
  return Item ? fromItem(Item) : undefined;
}

export async function listApplications(
  status: ApplicationStatus,
  limit: number,
  startKey?: Record<string, string>,
): Promise<Page<Application>> {
  const page = await queryPage(
    { index: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', partition: applicationsWithStatus(status) },
    limit,
    startKey,
  );
  return { items: page.items.map(fromItem), next: page.next };
}

const stillPending = () => new ApiError('CONFLICT', 'The application has already been decided.');

function decide(application: Application, set: Record<string, unknown>): TransactItem {
  const { expression, names, values } = setFields(set);
  return {
    Update: {
      TableName: tableName(),
      Key: applicationKey(application.applicationId),
      UpdateExpression: expression,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { ...names, '#status': 'status' },
      ExpressionAttributeValues: { ...values, ':pending': 'pending' },
    },
  };
}

export async function approveApplication(
  application: Application,
  created: { area: Area; areaAdmin: Organisation; key: ApiKeyRecord; audit: AuditEntry },
  now: Date,
): Promise<void> {
  const codes = application.municipalityCodes;
  const cancelled = await transactWrite([
    decide(application, {
      status: 'approved',
      gsi1pk: applicationsWithStatus('approved'),
      decidedAt: now.toISOString(),
      areaId: created.area.areaId,
      adminKeyId: created.key.keyId,
    }),
    ...codes.map(
      (code): TransactItem => ({
        Put: {
          TableName: tableName(),
          Item: { ...municipalityClaimKey(code), entity: 'municipalityClaim', areaId: created.area.areaId },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    ...codes.map((code) => pendingCount(code, -1)),
    {
      Put: {
        TableName: tableName(),
        Item: areaItem(created.area),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: tableName(), Item: organisationItem(created.areaAdmin) } },
    { Put: { TableName: tableName(), Item: apiKeyItem(created.key) } },
    auditPut(created.audit),
  ]);
  if (!cancelled) return;
  if (cancelled[0]?.conditionFailed) throw stillPending();
  const claimed = codes.find((_, index) => cancelled[1 + index]?.conditionFailed);
  if (claimed) throw alreadyInArea(claimed);
  throw new Error('approval refused for no known reason');
}

export async function rejectApplication(
  application: Application,
  reason: string,
  audit: AuditEntry,
  now: Date,
) {
  const cancelled = await transactWrite([
    decide(application, {
      status: 'rejected',
      gsi1pk: applicationsWithStatus('rejected'),
      decidedAt: now.toISOString(),
      reason,
    }),
    ...application.municipalityCodes.map((code) => pendingCount(code, -1)),
    auditPut(audit),
  ]);
  if (cancelled) throw stillPending();
}

/** Gives the area-admin key its secret, once: false if an earlier request already did. */
export async function claimAdminKey(
  application: Application,
  secretHash: string,
  now: Date,
): Promise<boolean> {
  if (!application.adminKeyId) return false;
  const cancelled = await transactWrite([
    {
      Update: {
        TableName: tableName(),
        Key: applicationKey(application.applicationId),
        UpdateExpression: 'SET keyClaimedAt = :at',
        ConditionExpression: 'attribute_not_exists(keyClaimedAt)',
        ExpressionAttributeValues: { ':at': now.toISOString() },
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: apiKeyKey(application.adminKeyId),
        UpdateExpression: 'SET secretHash = :hash',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(secretHash)',
        ExpressionAttributeValues: { ':hash': secretHash },
      },
    },
  ]);
  return cancelled === undefined;
}
