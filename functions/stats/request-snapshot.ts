import type { requestSnapshot as requestBody } from '../../shared/contract/schemas.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { invalid } from '../../shared/lib/errors.ts';
import type { Infer } from '../../shared/lib/schema.ts';
import { requestSnapshot } from '../../shared/stats/snapshot/request-snapshot.ts';
import { checkSnapshotDate } from '../../shared/stats/snapshot/snapshot-date.ts';

export const handler = httpHandler<Infer<typeof requestBody>>(
  'POST /v1/stats/snapshots',
  async ({ body, now }) => {
    const date = body.date ?? addDays(today(now), -1);
    const problem = checkSnapshotDate(date, now);
    if (problem) throw invalid([{ field: 'date', problem }]);
    return json(202, await requestSnapshot(date, now));
  },
);
