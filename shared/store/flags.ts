// Listing the flags of abnormal use (written by the stream consumer, shared/store/stream-counters.ts):
// national from gsi3, one partition per month; an area's from gsi1. Both sort by day, card, reason.
import type { Flag, FlagScope } from '../domain/flags.ts';
import { flagsOfArea, flagsOfMonth } from './keys.ts';
import { monthByMonth, type Page, queryPage } from './query.ts';

const fromItem = (item: Record<string, unknown>): Flag => ({
  cardNumber: String(item.cardNumber),
  day: String(item.day),
  reason: item.reason as Flag['reason'],
  uses: Number(item.uses),
  areas: Number(item.areas),
  ...(typeof item.areaId === 'string' && { areaId: item.areaId }),
});

/** Flags of the Helsinki days [from, to] (the days are the sort keys: no margin, no filter). */
export async function listFlags(
  scope: FlagScope,
  range: { from: string; to: string },
  limit: number,
  position?: { key?: Record<string, string>; month?: string },
): Promise<Page<Flag>> {
  const lower = `${range.from}#`;
  const upper = `${range.to}#~`;
  if ('areaId' in scope) {
    const page = await queryPage(
      {
        index: 'gsi1',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        partition: flagsOfArea(scope.areaId),
        lower,
        upper,
      },
      limit,
      position?.key,
    );
    return { items: page.items.map(fromItem), next: page.next };
  }
  // A flag's day is a Helsinki day already: only the months of `from` to `to` are read.
  return monthByMonth(
    range,
    limit,
    position,
    async (month, startKey, left) => {
      const page = await queryPage(
        {
          index: 'gsi3',
          partitionKey: 'gsi3pk',
          sortKey: 'gsi3sk',
          partition: flagsOfMonth(month),
          lower,
          upper,
        },
        left,
        startKey,
      );
      return { items: page.items.map(fromItem), next: page.next };
    },
    0,
  );
}
