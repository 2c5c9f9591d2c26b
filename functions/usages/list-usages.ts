import type { listUsagesQuery } from '../../shared/contract/schemas.ts';
import { checkListRange } from '../../shared/domain/list-range.ts';
import { listedUsageView } from '../../shared/domain/usages.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { toCsv } from '../../shared/lib/csv.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listUsages, type UsageScope } from '../../shared/store/usages.ts';

const columns = [
  'usageId',
  'cardNumber',
  'venueId',
  'areaId',
  'occurredAt',
  'sector',
  'adults',
  'children',
  'eventName',
  'voided',
];
export const defaultRangeDays = 60;

export const handler = httpHandler<unknown, Infer<typeof listUsagesQuery>>(
  'GET /v1/usages',
  async ({ principal, query, now }) => {
    const to = query.to ?? today(now);
    const from = query.from ?? addDays(to, -defaultRangeDays);
    const scope: UsageScope =
      principal.role === 'venue'
        ? { venueId: principal.orgId, areaId: principal.areaId ?? '' }
        : principal.role === 'area-admin'
          ? { areaId: principal.areaId ?? '' }
          : { national: true };
    checkListRange({ from, to }, 'national' in scope);
    const page = await listUsages(scope, { from, to }, query.limit ?? 50, decodeCursor(query.cursor));
    const items = page.items.map(listedUsageView);
    const nextCursor = encodeCursor(page.next);
    if (query.format === 'csv')
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          ...(nextCursor && { 'x-next-cursor': nextCursor }),
        },
        body: toCsv(columns, items),
      };
    return json(200, { items, ...(nextCursor && { nextCursor }) });
  },
);
