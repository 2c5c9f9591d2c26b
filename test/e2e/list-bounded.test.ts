// A list page reads what the page shows, not what its partition holds (issue 21): a quiet venue in a busy
// area, and a page of the area's own list, read the same number of index entries when the area holds 8×
// more uses. Store-level, against DynamoDB Local; every date comes from this file's own instant.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../shared/domain/usages.ts';
import { mapLimit } from '../../shared/lib/concurrency.ts';
import { addDays, helsinkiDate } from '../../shared/lib/dates.ts';
import { documentClient } from '../../shared/store/client.ts';
import { tableName } from '../../shared/store/table.ts';
import { listUsages, usageItem } from '../../shared/store/usages.ts';
import { useFreshTable } from '../support/service.ts';

const areaId = 'area-busy';
const quietVenue = 'venue-quiet';
const busyVenue = 'venue-busy';
/** The test's own clock: the uses fall on the ten days before it. */
const instant = new Date('2026-03-31T10:00:00Z');
const lastDay = helsinkiDate(instant);
const firstDay = addDays(lastDay, -9);

let written = 0;
function use(venueId: string, n: number): Usage {
  const occurred = new Date(instant.getTime() - (n % 10) * 86_400_000 - (n % 600) * 60_000);
  written++;
  return {
    usageId: `${venueId}-${n}`,
    cardNumber: '1234567890',
    venueId,
    areaId,
    occurredAt: occurred.toISOString(),
    day: helsinkiDate(occurred),
    sector: 'culture',
    adults: 1,
    children: 0,
    recordedAt: instant.toISOString(),
    recordedBy: venueId,
    fingerprint: 'f',
    voided: false,
  };
}

async function put(uses: Usage[]): Promise<void> {
  const batches = Array.from({ length: Math.ceil(uses.length / 25) }, (_, i) =>
    uses.slice(i * 25, i * 25 + 25),
  );
  await mapLimit(batches, 4, (batch) =>
    documentClient().send(
      new BatchWriteCommand({
        RequestItems: { [tableName()]: batch.map((u) => ({ PutRequest: { Item: usageItem(u) } })) },
      }),
    ),
  );
}

/** Index entries the Queries of one call read (ScannedCount), counted at the client. */
const reads = { entries: 0, queries: 0 };
async function entriesReadBy(list: () => Promise<unknown>): Promise<{ entries: number; queries: number }> {
  reads.entries = 0;
  reads.queries = 0;
  await list();
  return { ...reads };
}

const range = { from: firstDay, to: lastDay };
const venuePage = () => listUsages({ venueId: quietVenue, areaId }, range, 10);
const areaPage = () => listUsages({ areaId }, range, 10);

beforeAll(async () => {
  await useFreshTable();
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        reads.queries++;
        reads.entries += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'countQueryReads' },
  );
  await put(Array.from({ length: 30 }, (_, n) => use(quietVenue, n)));
});

describe('a list page at 1× and 8× the area’s uses', () => {
  it('reads at most one entry more than the page, for a quiet venue and for the area, at any size', async () => {
    await put(Array.from({ length: 200 }, (_, n) => use(busyVenue, n)));
    const small = { venue: await entriesReadBy(venuePage), area: await entriesReadBy(areaPage) };
    await put(Array.from({ length: 1400 }, (_, n) => use(busyVenue, 200 + n)));
    expect(written).toBe(30 + 1600);
    const large = { venue: await entriesReadBy(venuePage), area: await entriesReadBy(areaPage) };

    for (const measured of [small, large]) {
      expect(measured.venue.entries).toBeLessThanOrEqual(11);
      expect(measured.venue.queries).toBe(1);
      expect(measured.area.entries).toBeLessThanOrEqual(11);
    }
    expect(large.venue).toEqual(small.venue);
    expect(large.area).toEqual(small.area);
  }, 180_000);

  it('gives the quiet venue its own uses only, every one once, oldest first', async () => {
    const seen: Usage[] = [];
    let page = await venuePage();
    seen.push(...page.items);
    while (page.next) {
      page = await listUsages({ venueId: quietVenue, areaId }, range, 10, page.next);
      seen.push(...page.items);
    }
    expect(seen.map((u) => u.usageId).sort()).toEqual(
      Array.from({ length: 30 }, (_, n) => `${quietVenue}-${n}`).sort(),
    );
    expect(seen.every((u) => u.venueId === quietVenue)).toBe(true);
    const times = seen.map((u) => u.occurredAt);
    expect(times).toEqual([...times].sort());
  });
});
