// A full read of the table, for offline checks only (npm run verify-stats): no request path scans.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../concurrency.ts';
import { tableName } from '../table.ts';
import { documentClient } from './client.ts';

/** Every item, read in parallel segments with consistent reads; `keep` picks what to hold in memory. */
export async function scanTable(
  keep: (item: Record<string, unknown>) => boolean,
  segments = 4,
): Promise<{ items: Record<string, unknown>[]; scanned: number }> {
  let scanned = 0;
  const parts = await mapLimit(
    Array.from({ length: segments }, (_, segment) => segment),
    segments,
    async (segment) => {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient().send(
          new ScanCommand({
            TableName: tableName(),
            Segment: segment,
            TotalSegments: segments,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        scanned += page.ScannedCount ?? 0;
        items.push(...(page.Items ?? []).filter(keep));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
  );
  return { items: parts.flat(), scanned };
}
