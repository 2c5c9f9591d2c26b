// What IAM sees in a DynamoDB request: the action of each part, the resource it names, and the leading
// keys (partition key values) a fine-grained policy can test with dynamodb:LeadingKeys.
import { tableDefinition } from '../../../shared/store/table.ts';
import { localAccount } from './account.ts';

export interface IamCall {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

type AttributeValue = { S?: string; N?: string; B?: string };
type Key = Record<string, AttributeValue>;
type Body = Record<string, unknown>;

const tableArn = (table: string) =>
  `arn:aws:dynamodb:${localAccount.region}:${localAccount.accountId}:table/${table}`;

/** DynamoDB Local names its streams in region ddblocal; IAM sees them in the account's region. */
export const normaliseStreamArn = (arn: string) =>
  arn.replace(/^arn:aws:dynamodb:ddblocal:/, `arn:aws:dynamodb:${localAccount.region}:`);

const keyValue = (value: AttributeValue | undefined): string | undefined => value?.S ?? value?.N ?? value?.B;

function leading(keys: (string | undefined)[]): Record<string, string[]> {
  const values = [...new Set(keys.filter((key): key is string => key !== undefined))];
  return { 'dynamodb:LeadingKeys': values };
}

const partitionOf = (key: Key | undefined) => keyValue(key?.[tableDefinition.partitionKey]);

/** The partition key value a Query names in its key condition (on the table or on an index). */
function queriedPartition(body: Body): string | undefined {
  const index = tableDefinition.indexes.find((candidate) => candidate.name === body.IndexName);
  const attribute = index ? index.partitionKey : tableDefinition.partitionKey;
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  for (const match of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = match[1]!.startsWith('#') ? names[match[1]!] : match[1];
    if (name === attribute) return keyValue(values[match[2]!]);
  }
  const legacy = (body.KeyConditions ?? {}) as Record<string, { AttributeValueList?: AttributeValue[] }>;
  return keyValue(legacy[attribute]?.AttributeValueList?.[0]);
}

const onTable = (body: Body, index = false) =>
  index && typeof body.IndexName === 'string'
    ? `${tableArn(String(body.TableName))}/index/${body.IndexName}`
    : tableArn(String(body.TableName));

/**
 * The calls IAM authorises for one request. A transaction's parts are authorised as their own actions
 * (TransactWriteItems is not an IAM action), as AWS does; a batch is one action over all its keys.
 */
export function iamCallsOf(
  target: string,
  body: Body,
  streamOfIterator: (iterator: string) => string | undefined,
): IamCall[] {
  const [service, operation = ''] = target.split('.');
  if (service?.startsWith('DynamoDBStreams')) {
    const action = `dynamodb:${operation}`;
    if (operation === 'ListStreams') return [{ action, resource: '*', context: {} }];
    const arn =
      typeof body.StreamArn === 'string'
        ? body.StreamArn
        : streamOfIterator(String(body.ShardIterator ?? ''));
    return [{ action, resource: normaliseStreamArn(arn ?? '*'), context: {} }];
  }
  const action = `dynamodb:${operation}`;
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [{ action, resource: onTable(body), context: leading([partitionOf(body.Key as Key)]) }];
    case 'PutItem':
      return [{ action, resource: onTable(body), context: leading([partitionOf(body.Item as Key)]) }];
    case 'Query':
      return [{ action, resource: onTable(body, true), context: leading([queriedPartition(body)]) }];
    case 'Scan':
      return [{ action, resource: onTable(body, true), context: {} }];
    case 'BatchGetItem':
      return Object.entries((body.RequestItems ?? {}) as Record<string, { Keys?: Key[] }>).map(
        ([table, request]) => ({
          action,
          resource: tableArn(table),
          context: leading((request.Keys ?? []).map(partitionOf)),
        }),
      );
    case 'BatchWriteItem':
      return Object.entries(
        (body.RequestItems ?? {}) as Record<
          string,
          { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]
        >,
      ).map(([table, requests]) => ({
        action,
        resource: tableArn(table),
        context: leading(requests.map((r) => partitionOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key))),
      }));
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Record<string, Body>[]).map((item) => {
        const [kind, part] = Object.entries(item)[0] ?? ['', {}];
        const actionOf: Record<string, string> = {
          Put: 'dynamodb:PutItem',
          Update: 'dynamodb:UpdateItem',
          Delete: 'dynamodb:DeleteItem',
          ConditionCheck: 'dynamodb:ConditionCheckItem',
        };
        const key = kind === 'Put' ? (part.Item as Key) : (part.Key as Key);
        return {
          action: actionOf[kind] ?? `dynamodb:${kind}`,
          resource: onTable(part),
          context: leading([partitionOf(key)]),
        };
      });
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as { Get: Body }[]).map(({ Get }) => ({
        action: 'dynamodb:GetItem',
        resource: onTable(Get),
        context: leading([partitionOf(Get.Key as Key)]),
      }));
    case 'ListTables':
      return [{ action, resource: '*', context: {} }];
    default:
      // DescribeTable, CreateTable, UpdateTable, UpdateTimeToLive, DescribeTimeToLive, DeleteTable...
      return [{ action, resource: onTable(body), context: {} }];
  }
}
