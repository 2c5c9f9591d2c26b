// People and their memberships (docs/data-model.md): PERSON#<personId> holds the person (sk PERSON) and
// one item per membership (sk MEMBER#<orgId>, in gsi1 under PEOPLE#<orgId> for the organisation's list).
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit.ts';
import type { Membership, Person, SecondFactor } from '../domain/people.ts';
import { auditPut } from './audit.ts';
import { documentClient } from './client.ts';
import { membershipKey, peopleOfOrganisation, personKey, personPartition } from './keys.ts';
import { queryPage } from './query.ts';
import { tableName } from './table.ts';
import { type TransactItem, transactWrite } from './transact.ts';

function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk, sk, entity, gsi1pk, gsi1sk, ...rest } = item;
  return rest as T;
}

export const personItem = (person: Person) => ({
  ...personKey(person.personId),
  entity: 'person',
  ...person,
});

export const membershipItem = (membership: Membership) => ({
  ...membershipKey(membership.personId, membership.orgId),
  entity: 'membership',
  gsi1pk: peopleOfOrganisation(membership.orgId),
  gsi1sk: `PERSON#${membership.personId}`,
  ...membership,
});

/**
 * The person and every membership, in one strongly consistent Query (one read unit up to 4 KB): what each
 * request of a person is checked against, so that a removal or a disabling counts from the next request.
 */
export async function getPersonWithMemberships(
  personId: string,
): Promise<{ person?: Person; memberships: Membership[] }> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': personPartition(personId) },
      ConsistentRead: true,
    }),
  );
  const person = Items.find((item) => item.sk === 'PERSON');
  return {
    ...(person && { person: withoutKeys<Person>(person) }),
    memberships: Items.filter((item) => String(item.sk).startsWith('MEMBER#')).map((item) =>
      withoutKeys<Membership>(item),
    ),
  };
}

/**
 * Adds a membership (and the person, the first time) with its audit entry. False when the person is a
 * member of that organisation already (nothing written).
 */
export async function addMembership(
  person: Person,
  membership: Membership,
  audit: AuditEntry,
): Promise<boolean> {
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: membershipItem(membership),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut(audit),
  ];
  // The person's item is written once; later invitations leave its name, status and factors alone.
  const created = await transactWrite([
    ...items,
    {
      Put: {
        TableName: tableName(),
        Item: personItem(person),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  if (!created) return true;
  if (created[0]?.conditionFailed) return false;
  // A known person: a removal may have set them to expire (staffRetentionDays); a membership keeps them.
  const cancelled = await transactWrite([
    ...items,
    {
      Update: {
        TableName: tableName(),
        Key: personKey(person.personId),
        UpdateExpression: 'REMOVE expiresAt',
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
  ]);
  return cancelled === undefined;
}

/**
 * How long a person's item (work e-mail, display name, last sign-in) is kept after their last membership
 * was removed: long enough to invite them back by mistake-free means within a season, then gone (the
 * table's TTL deletes it). The audit keeps the id and name an entry was written with.
 */
export const staffRetentionDays = 90;

/**
 * Removes a membership with its audit entry; false if there was none. When it was the person's last one,
 * their item is set to expire staffRetentionDays later (a new invitation clears it).
 */
export async function removeMembership(
  personId: string,
  orgId: string,
  audit: AuditEntry,
  now: Date,
): Promise<boolean> {
  const cancelled = await transactWrite([
    {
      Delete: {
        TableName: tableName(),
        Key: membershipKey(personId, orgId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    auditPut(audit),
  ]);
  if (cancelled !== undefined) return false;
  const { person, memberships } = await getPersonWithMemberships(personId);
  if (person && memberships.length === 0)
    await documentClient()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: personKey(personId),
          UpdateExpression: 'SET expiresAt = :expires',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':expires': Math.floor(now.getTime() / 1000) + staffRetentionDays * 86_400,
          },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      });
  return true;
}

/** An organisation's people: its memberships (a page), with each person's current state. */
export async function listPeopleOfOrganisation(
  orgId: string,
  limit: number,
  startKey?: Record<string, string>,
): Promise<{ items: { membership: Membership; person?: Person }[]; next?: { key: Record<string, string> } }> {
  const page = await queryPage(
    {
      index: 'gsi1',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      partition: peopleOfOrganisation(orgId),
      prefix: 'PERSON#',
    },
    limit,
    startKey,
  );
  const memberships = page.items.map((item) => withoutKeys<Membership>(item));
  const people = await getPeople(memberships.map((membership) => membership.personId));
  return {
    items: memberships.map((membership) => ({ membership, person: people.get(membership.personId) })),
    ...(page.next && { next: page.next as { key: Record<string, string> } }),
  };
}

async function getPeople(personIds: readonly string[]): Promise<Map<string, Person>> {
  const found = new Map<string, Person>();
  const unique = [...new Set(personIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(personKey);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await documentClient().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const person = withoutKeys<Person>(item);
        found.set(person.personId, person);
      }
      keys = result.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

/**
 * Notes a signed-in request: the first makes an invited person active; lastSignInAt to the hour (written
 * only when older, as a key's lastUsedAt). A disabled person stays disabled.
 */
export async function touchPerson(personId: string, now: Date): Promise<void> {
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: personKey(personId),
        UpdateExpression: 'SET lastSignInAt = :now, #status = :active',
        ConditionExpression:
          'attribute_exists(pk) AND #status <> :disabled AND (attribute_not_exists(lastSignInAt) OR lastSignInAt < :hourAgo)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':hourAgo': hourAgo,
          ':active': 'active',
          ':disabled': 'disabled',
        },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
}

/** Records the second factor the identity provider confirmed for the person (or that it has none). */
export async function setSecondFactor(
  personId: string,
  factor: SecondFactor | undefined,
  now: Date,
): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: personKey(personId),
      UpdateExpression: factor
        ? 'SET secondFactor = :factor, secondFactorCheckedAt = :now'
        : 'SET secondFactorCheckedAt = :now REMOVE secondFactor',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString(), ...(factor && { ':factor': factor }) },
    }),
  );
}

/** Sets a person's status (disabled: every request refused from the next one on). */
export async function setPersonStatus(personId: string, status: Person['status']): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: personKey(personId),
      UpdateExpression: 'SET #status = :status',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    }),
  );
}

/**
 * Disables or enables a person, with its audit entry, in one transaction. An enabled person is active
 * again if they have ever signed in, else still invited. False when there is no such person.
 */
export async function changePersonStatus(
  person: Person,
  status: 'disabled' | 'enabled',
  audit: AuditEntry,
): Promise<Person['status'] | undefined> {
  const next: Person['status'] =
    status === 'disabled' ? 'disabled' : person.lastSignInAt ? 'active' : 'invited';
  const cancelled = await transactWrite([
    {
      Update: {
        TableName: tableName(),
        Key: personKey(person.personId),
        UpdateExpression: 'SET #status = :status',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': next },
      },
    },
    auditPut(audit),
  ]);
  return cancelled === undefined ? next : undefined;
}
