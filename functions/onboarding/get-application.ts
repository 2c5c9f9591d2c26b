import { mintSecret } from '../../shared/domain/api-keys.ts';
import { applicantView, claimTokenMatches } from '../../shared/domain/onboarding.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { claimAdminKey, getApplication } from '../../shared/store/onboarding.ts';

export const handler = httpHandler('GET /v1/applications/{id}', async ({ path, headers, now }) => {
  const application = await getApplication(path.id ?? '');
  // Without the right token an application does not exist, so ids cannot be probed.
  if (!application || !claimTokenMatches(application, headers['x-claim-token']))
    throw notFound(`Application ${path.id}`);
  if (application.status !== 'approved' || application.keyClaimedAt || !application.adminKeyId)
    return json(200, applicantView(application));
  const { apiKey, secretHash } = mintSecret(application.adminKeyId);
  const claimed = await claimAdminKey(application, secretHash, now);
  return json(200, applicantView(application, claimed ? apiKey : undefined));
});
