// What DynamoDB Local never does and DynamoDB does: refuse an item-level request that meets an in-flight
// transaction on the same item (docs: "Transaction conflict handling in DynamoDB"). The edge holds the
// items a request writes while DynamoDB Local works on it, and turns an overlap into AWS's own answer:
// - a TransactWriteItems naming an item another in-flight TransactWriteItems holds: TransactionCanceled-
//   Exception, reason TransactionConflict for that item (None for the others);
// - a PutItem, UpdateItem or DeleteItem of an item an in-flight TransactWriteItems holds:
//   TransactionConflictException;
// - a TransactGetItems naming an item an in-flight TransactWriteItems, BatchWriteItem, PutItem,
//   UpdateItem or DeleteItem holds: TransactionCanceledException, reason TransactionConflict.
// A refused request reaches DynamoDB Local not at all: nothing was written, as in AWS.
import { tableDefinition } from '../../../shared/store/table.ts';

type AttributeValue = { S?: string; N?: string; B?: string };
type Body = Record<string, unknown>;

/** How an in-flight request holds its items. */
type Holder = 'transaction' | 'single';

export interface Conflict {
  readonly status: 400;
  readonly type: 'TransactionCanceledException' | 'TransactionConflictException';
  readonly body: string;
}

const keyValue = (value: AttributeValue | undefined) => value?.S ?? value?.N ?? value?.B ?? '';

function itemId(table: unknown, key: Record<string, AttributeValue> | undefined): string {
  return [
    String(table),
    keyValue(key?.[tableDefinition.partitionKey]),
    keyValue(key?.[tableDefinition.sortKey]),
  ].join('\u0000');
}

/** The items one request names, in its order (a transaction's parts, a batch's requests). */
function itemsOf(operation: string, body: Body): string[] {
  switch (operation) {
    case 'PutItem':
      return [itemId(body.TableName, body.Item as Record<string, AttributeValue>)];
    case 'UpdateItem':
    case 'DeleteItem':
      return [itemId(body.TableName, body.Key as Record<string, AttributeValue>)];
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Record<string, Body>[]).map((item) => {
        const [kind, part] = Object.entries(item)[0] ?? ['', {}];
        return itemId(
          part.TableName,
          (kind === 'Put' ? part.Item : part.Key) as Record<string, AttributeValue>,
        );
      });
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as { Get?: Body }[]).map(({ Get }) =>
        itemId(Get?.TableName, Get?.Key as Record<string, AttributeValue>),
      );
    case 'BatchWriteItem':
      return Object.entries(
        (body.RequestItems ?? {}) as Record<
          string,
          {
            PutRequest?: { Item: Record<string, AttributeValue> };
            DeleteRequest?: { Key: Record<string, AttributeValue> };
          }[]
        >,
      ).flatMap(([table, requests]) =>
        requests.map((request) => itemId(table, request.PutRequest?.Item ?? request.DeleteRequest?.Key)),
      );
    default:
      return [];
  }
}

const cancelled = (reasons: { Code: string; Message?: string }[]): Conflict => {
  const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
    .map((reason) => reason.Code)
    .join(', ')}]`;
  return {
    status: 400,
    type: 'TransactionCanceledException',
    body: JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      message,
      Message: message,
      CancellationReasons: reasons,
    }),
  };
};

const ongoing = 'Transaction is ongoing for the item';

export class ItemLocks {
  /** Per item, the in-flight requests holding it, by kind. */
  private readonly held = new Map<string, { transaction: number; single: number }>();
  /** Conflicts answered so far, by operation (tests and the bench read them). */
  readonly conflicts = new Map<string, number>();

  /**
   * Takes the request's items, or says how AWS would refuse it. `release` must be called when
   * DynamoDB Local has answered (and not before any minimum hold the caller adds).
   */
  acquire(operation: string, body: Body): { conflict: Conflict } | { release: () => void } {
    const items = itemsOf(operation, body);
    if (items.length === 0) return { release: () => undefined };
    const conflict = this.conflictOf(operation, items);
    if (conflict) {
      this.conflicts.set(operation, (this.conflicts.get(operation) ?? 0) + 1);
      return { conflict };
    }
    // A TransactGetItems reads: it holds nothing a later write could meet.
    if (operation === 'TransactGetItems') return { release: () => undefined };
    const kind: Holder = operation === 'TransactWriteItems' ? 'transaction' : 'single';
    const unique = [...new Set(items)];
    for (const item of unique) {
      const entry = this.held.get(item) ?? { transaction: 0, single: 0 };
      entry[kind]++;
      this.held.set(item, entry);
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const item of unique) {
          const entry = this.held.get(item);
          if (!entry) continue;
          entry[kind]--;
          if (entry.transaction === 0 && entry.single === 0) this.held.delete(item);
        }
      },
    };
  }

  private conflictOf(operation: string, items: string[]): Conflict | undefined {
    const heldBy = (item: string, kinds: readonly Holder[]) => {
      const entry = this.held.get(item);
      return entry !== undefined && kinds.some((kind) => entry[kind] > 0);
    };
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      const kinds: Holder[] =
        operation === 'TransactWriteItems' ? ['transaction'] : ['transaction', 'single'];
      const reasons = items.map((item) =>
        heldBy(item, kinds) ? { Code: 'TransactionConflict', Message: ongoing } : { Code: 'None' },
      );
      return reasons.some((reason) => reason.Code !== 'None') ? cancelled(reasons) : undefined;
    }
    if (['PutItem', 'UpdateItem', 'DeleteItem'].includes(operation) && heldBy(items[0]!, ['transaction']))
      return {
        status: 400,
        type: 'TransactionConflictException',
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionConflictException',
          message: ongoing,
          Message: ongoing,
        }),
      };
    return undefined;
  }
}
