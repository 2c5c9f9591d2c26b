import { areaView } from '../../shared/domain/organisations.ts';
import { requireAreaScope } from '../../shared/domain/scope.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { getArea } from '../../shared/store/organisations.ts';

export const handler = httpHandler('GET /v1/areas/{areaId}', async ({ principal, path }) => {
  const areaId = path.areaId ?? '';
  requireAreaScope(principal, areaId, `Area ${areaId}`);
  const area = await getArea(areaId);
  if (!area) throw notFound(`Area ${areaId}`);
  return json(200, areaView(area));
});
