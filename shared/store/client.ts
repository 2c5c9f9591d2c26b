import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let client: DynamoDBDocumentClient | undefined;

/** Requests sent to DynamoDB by this process, counted at the client (the bench reads it). */
export const dynamoRequests = { count: 0 };

/**
 * Capacity units DynamoDB reported as consumed since the last reset: every table operation asks for
 * `ReturnConsumedCapacity: TOTAL`, and the request log (shared/observability.ts) resets and reads this
 * once per invocation (a Lambda runtime serves one invocation at a time).
 */
export const consumedCapacity = { units: 0 };

const reportsCapacity = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

type Consumed = { CapacityUnits?: number } | readonly { CapacityUnits?: number }[] | undefined;

function unitsOf(consumed: Consumed): number {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** One client per process, created on first use so that importing a module costs nothing. */
export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    // A call that hangs fails after 2.5 s and is retried (the SDK's default waits for ever): with the
    // retries it still ends well inside a route's 10 s timeout, and the client gets a 503 to retry on,
    // not API Gateway's 500 for a function that timed out.
    const raw = new DynamoDBClient({ requestHandler: { requestTimeout: 2_500, connectionTimeout: 1_000 } });
    raw.middlewareStack.add(
      (next) => (args) => {
        dynamoRequests.count++;
        return next(args);
      },
      { step: 'deserialize', name: 'countRequests' },
    );
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        if (!reportsCapacity.has(context.commandName ?? '')) return next(args);
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
        try {
          const result = await next(args);
          consumedCapacity.units += unitsOf(
            (result.output as { ConsumedCapacity?: Consumed }).ConsumedCapacity,
          );
          return result;
        } catch (error) {
          // A refused write (a failed condition, a cancelled transaction) still consumed capacity.
          consumedCapacity.units += unitsOf((error as { ConsumedCapacity?: Consumed }).ConsumedCapacity);
          throw error;
        }
      },
      { step: 'initialize', name: 'consumedCapacity' },
    );
    client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}
