// What one million recorded uses cost in AWS, from the request counts the bench measured and the sizes
// of the items those uses wrote. Prices are inputs, not facts: check the current price list of the
// region before budgeting (docs/performance.md).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/store/client.ts';
import { cardKey, organisationKey, usageKey, useAggregateKey } from '../shared/store/keys.ts';
import { tableName } from '../shared/table.ts';

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

const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

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

export async function costOfMillionUses(
  sample: UseSample,
  measured: { requestsPerUse: number; ageCounterRequestsPerUse: number; lambdaMs: number },
) {
  const bytes = {
    usage: await sizeOf(usageKey(sample.usageId)),
    card: await sizeOf(cardKey(sample.cardNumber)),
    aggregate: await sizeOf(useAggregateKey(sample.areaId, sample.day)),
    venue: await sizeOf(organisationKey(sample.venueId)),
  };
  // The request: transactional writes cost two units per KB and item, and the use is in three indexes
  // (one unit per KB each); the venue check is a transactional read.
  const requestWrites =
    2 * (units(bytes.usage, 1024) + units(bytes.card, 1024) + units(bytes.aggregate, 1024)) +
    3 * units(bytes.usage, 1024);
  const requestReads = 2 * units(bytes.venue, 4096);
  // The stream consumer: the card's birth year (eventually consistent, shared by its batch) and a
  // three-item transaction (marker, day and month counters). A card's first use adds one more two-item
  // transaction, once per card: left out here, as it does not recur per use.
  const streamWrites = 3 * 2;
  const streamReads = 0.5;
  const perUse = {
    writeUnits: requestWrites + streamWrites,
    readUnits: requestReads + streamReads,
  };
  const million = 1e6;
  const lambdaGbSeconds = (measured.lambdaMs / 1000) * 0.256 * million;
  const dollars = {
    dynamoWrites: perUse.writeUnits * million * prices.writeRequestUnit,
    dynamoReads: perUse.readUnits * million * prices.readRequestUnit,
    apiGateway: million * prices.apiRequest,
    lambda: million * prices.lambdaRequest + lambdaGbSeconds * prices.lambdaGbSecond,
    // A year of keeping them: the item and its three index copies.
    storageYear: ((4 * bytes.usage * million) / 1024 ** 3) * prices.storageGbMonth * 12,
  };
  const total = Object.values(dollars).reduce((sum, value) => sum + value, 0);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    itemBytes: bytes,
    requestsPerUse: measured.requestsPerUse,
    ageCounterRequestsPerUse: measured.ageCounterRequestsPerUse,
    writeUnitsPerUse: perUse.writeUnits,
    readUnitsPerUse: perUse.readUnits,
    lambdaMsAssumed: measured.lambdaMs,
    usd: Object.fromEntries(Object.entries(dollars).map(([key, value]) => [key, round2(value)])),
    usdTotal: round2(total),
  };
}
