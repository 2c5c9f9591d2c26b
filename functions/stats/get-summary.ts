import type { statsSummaryQuery } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { areasInScope, liveSummary, summaryRange } from '../../shared/stats/counting/summary.ts';

export const handler = httpHandler<unknown, Infer<typeof statsSummaryQuery>>(
  'GET /v1/stats/summary',
  async ({ principal, query, now }) => {
    const { from, to } = summaryRange(query, now);
    const areas = await areasInScope(principal, query.areaId);
    return json(200, await liveSummary(areas, from, to));
  },
);
