import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consumedCapacity } from '../lib/consumed-capacity.ts';

let client: DynamoDBDocumentClient | undefined;

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

/**
 * A call that hangs is cut after 2 s and retried on a new connection (the SDK's default waits for ever,
 * and without throwOnRequestTimeout its requestTimeout only logs a warning): a stalled connection costs
 * 2 s, not the route. The SDK's three attempts end within about 6.5 s, inside a route's 10 s, and the
 * client gets the contract's 503 with Retry-After, not API Gateway's 500 for a function that timed out.
 * A DynamoDB call answers in milliseconds; 2 s is far beyond any healthy one. Local only,
 * KAIKU_DYNAMODB_TIMEOUT_MS sets it otherwise: the test run sets 10 s, because DynamoDB Local on a busy
 * shared machine takes seconds for what DynamoDB does in milliseconds, and a write cut there and tried
 * again meets its own first try (test/e2e/stalled-dynamodb.test.ts runs with the 2 s of production).
 */
export function dynamoRequestTimeoutMs(env = process.env): number {
  const value = Number(env.KAIKU_DYNAMODB_TIMEOUT_MS);
  return Number.isInteger(value) && value >= 100 && value <= 60_000 ? value : 2_000;
}

const dynamoRequestHandler = () => ({
  requestTimeout: dynamoRequestTimeoutMs(),
  connectionTimeout: 1_000,
  throwOnRequestTimeout: true,
});

/**
 * Forgets the process's client, so that the next use makes one for the endpoint now configured: for a
 * script that starts a second local service after stopping the first (the bench).
 */
export function forgetDocumentClient(): void {
  client = undefined;
}

/** One client per process, created on first use so that importing a module costs nothing. */
export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const raw = new DynamoDBClient({ requestHandler: dynamoRequestHandler() });
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
