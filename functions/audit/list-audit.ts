import type { auditQuery } from '../../shared/contract/schemas.ts';
import { auditView } from '../../shared/domain/audit.ts';
import { checkListRange } from '../../shared/domain/list-range.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { decodeCursor, encodeCursor } from '../../shared/lib/cursor.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { listAudit } from '../../shared/store/audit.ts';

export const handler = httpHandler<unknown, Infer<typeof auditQuery>>(
  'GET /v1/audit',
  async ({ principal, query, now }) => {
    const to = query.to ?? today(now);
    const from = query.from ?? addDays(to, -30);
    const scope =
      principal.role === 'admin' ? { national: true as const } : { areaId: principal.areaId ?? '' };
    checkListRange({ from, to }, 'national' in scope);
    const page = await listAudit(scope, { from, to }, query.limit ?? 50, decodeCursor(query.cursor));
    const nextCursor = encodeCursor(page.next);
    return json(200, { items: page.items.map(auditView), ...(nextCursor && { nextCursor }) });
  },
);
