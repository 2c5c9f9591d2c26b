// The two writes of the bulk loaders (bulk-usages.ts, bulk-cards.ts): items in BatchWriteItem requests of
// 25 (what DynamoDB leaves unprocessed is sent again, after a growing pause), and one ADD of summed
// values per counter item instead of one per card or use.
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../lib/concurrency.ts';
import { documentClient } from './client.ts';
import { tableName } from './table.ts';

export const bulkConcurrency = 8;

async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  let requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string] | undefined = items.map(
    (item) => ({ PutRequest: { Item: item } }),
  );
  for (let attempt = 0; requests && requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
    const result: BatchWriteCommandOutput = await documentClient().send(
      new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }),
    );
    requests = result.UnprocessedItems?.[tableName()];
  }
}

/** Puts all the items, 25 to a BatchWriteItem request, `bulkConcurrency` requests at a time. */
export async function putAllInBatches(items: readonly Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapLimit(batches, bulkConcurrency, batchPut);
}

export async function add(key: { pk: string; sk: string }, values: Record<string, number>): Promise<void> {
  const names: Record<string, string> = {};
  const amounts: Record<string, number> = {};
  const adds = Object.entries(values).map(([field, value], index) => {
    names[`#f${index}`] = field;
    amounts[`:v${index}`] = value;
    return `#f${index} :v${index}`;
  });
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: amounts,
    }),
  );
}

/** Sums counter values per item, for one `add` each. */
export class CounterSums {
  private readonly sums = new Map<
    string,
    { key: { pk: string; sk: string }; values: Record<string, number> }
  >();

  addTo(key: { pk: string; sk: string }, field: string, value: number): void {
    const id = `${key.pk}\u0000${key.sk}`;
    const entry = this.sums.get(id) ?? { key, values: {} };
    entry.values[field] = (entry.values[field] ?? 0) + value;
    this.sums.set(id, entry);
  }

  entries() {
    return [...this.sums.values()];
  }
}
