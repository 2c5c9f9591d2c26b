import { httpHandler, json } from '../../shared/http/handler.ts';
import { isRealDay } from '../../shared/lib/dates.ts';
import { invalid, notFound } from '../../shared/lib/errors.ts';
import { manifestFor } from '../../shared/stats/snapshot/published.ts';

export const handler = httpHandler('GET /v1/stats/snapshots/{date}', async ({ principal, path, now }) => {
  const date = path.date ?? '';
  if (!isRealDay(date)) throw invalid([{ field: 'date', problem: 'must be a real day YYYY-MM-DD' }]);
  const manifest = await manifestFor(date, principal.role, now);
  if (!manifest) throw notFound(`The snapshot of ${date}`);
  return json(200, manifest);
});
