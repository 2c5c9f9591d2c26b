import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let client: DynamoDBDocumentClient | undefined;

/** Requests sent to DynamoDB by this process, counted at the client (the bench reads it). */
export const dynamoRequests = { count: 0 };

/** One client per process, created on first use so that importing a module costs nothing. */
export function documentClient(): DynamoDBDocumentClient {
  if (!client) {
    const raw = new DynamoDBClient({});
    raw.middlewareStack.add(
      (next) => (args) => {
        dynamoRequests.count++;
        return next(args);
      },
      { step: 'deserialize', name: 'countRequests' },
    );
    client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}
