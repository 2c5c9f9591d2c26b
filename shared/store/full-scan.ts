// A full read of the table, for offline checks only (npm run verify-stats): no request path scans.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../lib/concurrency.ts';
import { documentClient } from './client.ts';
import { tableName } from './table.ts';

/**
 * Every item, page by page, to `take` as each page comes (nothing is kept here): parallel segments,
 * eventually consistent reads (half the units of consistent ones; a scan of a live table is no snapshot
 * whatever its reads, so consistency would buy nothing). Answers the number of items read.
 */
const pageItems = 500;

export async function scanPages(
  take: (items: Record<string, unknown>[]) => void | Promise<void>,
  segments = 4,
): Promise<number> {
  let scanned = 0;
  await mapLimit(
    Array.from({ length: segments }, (_, segment) => segment),
    segments,
    async (segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient().send(
          new ScanCommand({
            TableName: tableName(),
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: startKey,
            // A page of up to 1 MB is several MB as objects; four segments of them would be most of a
            // small heap. A fixed number of items keeps what a page holds bounded whatever items are.
            Limit: pageItems,
          }),
        );
        scanned += page.ScannedCount ?? 0;
        await take(page.Items ?? []);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
  );
  return scanned;
}

/** Every item `keep` picks, held in memory: for tests and small tables only (reconcile streams). */
export async function scanTable(
  keep: (item: Record<string, unknown>) => boolean,
  segments = 4,
): Promise<{ items: Record<string, unknown>[]; scanned: number }> {
  const items: Record<string, unknown>[] = [];
  const scanned = await scanPages((page) => {
    items.push(...page.filter(keep));
  }, segments);
  return { items, scanned };
}
