import type { listFlagsQuery } from '../../shared/contract/schemas.ts';
import { flagScopeOf, flagView } from '../../shared/domain/flags.ts';
import { checkListRange } from '../../shared/domain/list-range.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listFlags } from '../../shared/store/flags.ts';

export const defaultRangeDays = 30;

export const handler = httpHandler<unknown, Infer<typeof listFlagsQuery>>(
  'GET /v1/cards/flags',
  async ({ principal, query, now }) => {
    const to = query.to ?? today(now);
    const from = query.from ?? addDays(to, -defaultRangeDays);
    const scope = flagScopeOf(principal);
    checkListRange({ from, to }, 'national' in scope);
    const page = await listFlags(scope, { from, to }, query.limit ?? 50, decodeCursor(query.cursor));
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(flagView), ...(nextCursor && { nextCursor }) });
  },
);
