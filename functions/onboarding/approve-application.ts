import { notFound } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { approve } from '../../shared/onboarding.ts';
import { getApplication } from '../../shared/store/onboarding.ts';

export const handler = httpHandler('POST /v1/applications/{id}/approve', async ({ path, principal, now }) => {
  const application = await getApplication(path.id ?? '');
  if (!application) throw notFound(`Application ${path.id}`);
  const areaId = await approve(application, principal, now);
  return json(200, { areaId });
});
