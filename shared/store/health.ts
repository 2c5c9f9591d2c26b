import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client.ts';
import { healthKey } from './keys.ts';
import { tableName } from './table.ts';

/** One cheap read: proves the table exists and this function may read it. */
export async function pingTable(): Promise<void> {
  await documentClient().send(new GetCommand({ TableName: tableName(), Key: healthKey }));
}
