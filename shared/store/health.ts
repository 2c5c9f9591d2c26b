import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';
import { healthKey } from './keys.ts';

/** One cheap read: proves the table exists and this function may read it. */
export async function pingTable(): Promise<void> {
  await documentClient().send(new GetCommand({ TableName: tableName(), Key: healthKey }));
}
