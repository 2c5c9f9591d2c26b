// What each function may do to the table, declared once: CDK grants exactly this (infra/constructs/
// table-grant.ts), the local runtime enforces the role CDK synthesises from it, and
// docs/decisions/0007-least-privilege.md shows the matrix. Key patterns are partition key values as
// IAM's dynamodb:LeadingKeys sees them (a Query on an index: the index's partition key value).

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem';

/** Per action, the partition keys the function may name (StringLike patterns: `CARD#*`). */
export type TableGrant = Readonly<Partial<Record<TableAction, readonly string[]>>>;

export const readActions: readonly TableAction[] = ['GetItem', 'BatchGetItem', 'Query', 'Scan'];

/** Patterns from the key builders themselves, so a renamed prefix renames its grant. */
export const anyId = '*';
