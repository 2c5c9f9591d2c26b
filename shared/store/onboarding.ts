// Applications and their decisions. Approval is one transaction: the area, a claim per municipality
// (a municipality is in one active area only), the area-admin organisation, its key, and the audit entry.
// Each client (by source, a keyed hash of its address) has at most three applications waiting: its own
// item holds their ids, added by the submit and taken out by the decision, in their transactions.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-keys.ts';
import { maxPendingPerSource } from '../domain/application-source.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { Application, ApplicationStatus } from '../domain/onboarding.ts';
import type { Area, Organisation } from '../domain/organisations.ts';
import { nowMs } from '../lib/clock.ts';
import { ApiError } from '../lib/errors.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import {
  apiKeyKey,
  applicationKey,
  applicationsWithStatus,
  municipalityClaimKey,
  pendingOfSourceKey,
} from './keys.ts';
import { apiKeyItem, areaItem, organisationItem } from './organisations.ts';
import { type Page, queryPage } from './query.ts';
import { tableName } from './table.ts';
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

/**
 * A client's item lives on for this long after its last change, then TTL removes it: no hash of an
 * address stays in the table for good. (An application still waiting by then no longer counts.)
 */
const sourceItemLifetimeSeconds = 90 * 24 * 3600;
// The service's clock, not the real time: the 90 days are a rule about the applications, dated by that
// clock. In AWS the two are the same; locally (KAIKU_CLOCK) DynamoDB Local removes nothing by TTL anyway.
const sourceItemExpiry = () => Math.floor(nowMs() / 1000) + sourceItemLifetimeSeconds;

/** Takes one of the client's places: refused when it already has maxPendingPerSource waiting. */
const takePlace = (source: string, applicationId: string): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: pendingOfSourceKey(source),
    UpdateExpression: 'ADD applicationIds :id SET entity = :entity, expiresAt = :expires',
    ConditionExpression: 'attribute_not_exists(applicationIds) OR size(applicationIds) < :max',
    ExpressionAttributeValues: {
      ':id': new Set([applicationId]),
      ':entity': 'applicationSource',
      ':expires': sourceItemExpiry(),
      ':max': maxPendingPerSource,
    },
  },
});

/** Gives the place back when the application is decided (nothing for an application without a source). */
const freePlace = (application: Application): TransactItem[] =>
  application.source
    ? [
        {
          Update: {
            TableName: tableName(),
            Key: pendingOfSourceKey(application.source),
            UpdateExpression: 'DELETE applicationIds :id SET expiresAt = :expires',
            ExpressionAttributeValues: {
              ':id': new Set([application.applicationId]),
              ':expires': sourceItemExpiry(),
            },
          },
        },
      ]
    : [];

/** The ids of the client's applications that wait for a decision. */
export async function pendingOfSource(source: string): Promise<string[]> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: pendingOfSourceKey(source), ConsistentRead: true }),
  );
  const ids = Item?.applicationIds as Set<string> | undefined;
  return ids ? [...ids].sort() : [];
}

const alreadyInArea = (code: string) =>
  new ApiError('MUNICIPALITY_ALREADY_IN_AREA', `Municipality ${code} already belongs to an active area.`);

/** Stores a new application and takes its client's place. */
export async function putApplication(application: Application): Promise<void> {
  const codes = application.municipalityCodes;
  if (!application.source) throw new Error('an application is submitted with its source');
  const cancelled = await transactWrite([
    {
      Put: {
        TableName: tableName(),
        Item: applicationItem(application),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    takePlace(application.source, application.applicationId),
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
  const claimed = codes.find((_, index) => cancelled[2 + index]?.conditionFailed);
  if (claimed) throw alreadyInArea(claimed);
  if (cancelled[1]?.conditionFailed)
    throw new ApiError(
      'CONFLICT',
      `Your address already has ${maxPendingPerSource} applications waiting for a decision. Send a new one ` +
        'once one of them is approved or rejected, or ask Kaikukeskus to reject those you no longer need.',
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

/** The decision, on the condition that the application still waits; its source goes with the wait. */
function decide(application: Application, set: Record<string, unknown>): TransactItem {
  const { expression, names, values } = setFields(set);
  return {
    Update: {
      TableName: tableName(),
      Key: applicationKey(application.applicationId),
      UpdateExpression: `${expression} REMOVE #source`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: { ...names, '#status': 'status', '#source': 'source' },
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
    ...freePlace(application),
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
    auditPut(audit),
    ...freePlace(application),
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
