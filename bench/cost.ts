// What one million recorded uses cost in AWS, from the capacity units the bench measured (DynamoDB
// Local's ConsumedCapacity of every request, the stream consumer's included) and the sizes of the items
// those uses keep. Prices are inputs, not facts: check the current price list of the
// region before budgeting (docs/performance.md).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/store/client.ts';
import { cardKey, organisationKey, usageKey } from '../shared/store/keys.ts';
import { tableDefinition, tableName } from '../shared/store/table.ts';

/** USD per unit; DynamoDB on-demand and Lambda arm64 list prices (us-east-1, 2025), API Gateway HTTP API. */
export const prices = {
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  storageGbMonth: 0.25,
  apiRequest: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
};

/** DynamoDB's item size: attribute names plus values (strings in UTF-8, numbers about one byte per two digits). */
export function itemBytes(item: Record<string, unknown>): number {
  const valueBytes = (value: unknown): number => {
    if (typeof value === 'string') return Buffer.byteLength(value);
    if (typeof value === 'number')
      return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
    if (typeof value === 'boolean' || value === null) return 1;
    if (Array.isArray(value))
      return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
    if (typeof value === 'object')
      return (
        3 +
        Object.entries(value as object).reduce(
          (sum, [key, v]) => sum + Buffer.byteLength(key) + 1 + valueBytes(v),
          0,
        )
      );
    return 0;
  };
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

async function sizeOf(key: { pk: string; sk: string }): Promise<number> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key }));
  if (!Item) throw new Error(`no item ${key.pk}/${key.sk} to measure`);
  return itemBytes(Item);
}

export interface UseSample {
  readonly usageId: string;
  readonly cardNumber: string;
  readonly venueId: string;
  readonly areaId: string;
  readonly day: string;
  readonly sector: string;
}

/** What one index copy of an item holds: the table's and the index's keys and the projected attributes. */
function indexCopy(item: Record<string, unknown>, index: (typeof tableDefinition.indexes)[number]) {
  if (item[index.partitionKey] === undefined) return undefined;
  if (index.projection === 'ALL') return item;
  const kept: string[] = [
    tableDefinition.partitionKey,
    tableDefinition.sortKey,
    index.partitionKey,
    index.sortKey,
    ...index.projection,
  ];
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.includes(name)));
}

/** DynamoDB bills 100 bytes of overhead for each item and each index copy. */
const itemOverhead = 100;

export async function costOfMillionUses(
  sample: UseSample,
  measured: {
    requestsPerUse: number;
    ageCounterRequestsPerUse: number;
    /** Measured: capacity units DynamoDB Local reported, request path and stream together, per use. */
    writeUnitsPerUse: number;
    readUnitsPerUse: number;
    lambdaMs: number;
  },
) {
  const { Item: usage } = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: usageKey(sample.usageId) }),
  );
  if (!usage) throw new Error(`no use ${sample.usageId} to measure`);
  const copies = tableDefinition.indexes.flatMap((index) => {
    const copy = indexCopy(usage, index);
    return copy ? [itemBytes(copy) + itemOverhead] : [];
  });
  const bytes = {
    usage: itemBytes(usage) + itemOverhead,
    usageIndexCopies: copies.reduce((sum, size) => sum + size, 0),
    card: await sizeOf(cardKey(sample.cardNumber)),
    venue: await sizeOf(organisationKey(sample.venueId)),
  };
  const million = 1e6;
  const lambdaGbSeconds = (measured.lambdaMs / 1000) * 0.256 * million;
  const dollars = {
    dynamoWrites: measured.writeUnitsPerUse * million * prices.writeRequestUnit,
    dynamoReads: measured.readUnitsPerUse * million * prices.readRequestUnit,
    apiGateway: million * prices.apiRequest,
    lambda: million * prices.lambdaRequest + lambdaGbSeconds * prices.lambdaGbSecond,
    // A year of keeping them: the item and its index copies as projected (counters and card days are
    // per day or per card, not per use).
    storageYear:
      (((bytes.usage + bytes.usageIndexCopies) * million) / 1024 ** 3) * prices.storageGbMonth * 12,
  };
  const total = Object.values(dollars).reduce((sum, value) => sum + value, 0);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    itemBytes: bytes,
    requestsPerUse: measured.requestsPerUse,
    ageCounterRequestsPerUse: measured.ageCounterRequestsPerUse,
    writeUnitsPerUse: measured.writeUnitsPerUse,
    readUnitsPerUse: measured.readUnitsPerUse,
    lambdaMsAssumed: measured.lambdaMs,
    usd: Object.fromEntries(Object.entries(dollars).map(([key, value]) => [key, round2(value)])),
    usdTotal: round2(total),
  };
}
