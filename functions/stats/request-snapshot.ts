import { addDays, today } from '../../shared/dates.ts';
import { invalid } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import type { Infer } from '../../shared/schema.ts';
import type { requestSnapshot as requestBody } from '../../shared/schemas.ts';
import { requestSnapshot } from '../../shared/stats/request-snapshot.ts';
import { checkSnapshotDate } from '../../shared/stats/snapshot-date.ts';

export const handler = httpHandler<Infer<typeof requestBody>>(
  'POST /v1/stats/snapshots',
  async ({ body, now }) => {
    const date = body.date ?? addDays(today(now), -1);
    const problem = checkSnapshotDate(date, now);
    if (problem) throw invalid([{ field: 'date', problem }]);
    return json(202, await requestSnapshot(date, now));
  },
);
