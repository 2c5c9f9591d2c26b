import { httpHandler, json } from '../../shared/http/handler.ts';
import { notFound } from '../../shared/lib/errors.ts';
import { getApplication } from '../../shared/store/onboarding.ts';
import { invitePerson } from '../../shared/use-cases/invite-person.ts';
import { approve } from '../../shared/use-cases/onboarding.ts';
import { sendDecisionMail } from '../../shared/use-cases/send-decision-mail.ts';

export const handler = httpHandler('POST /v1/applications/{id}/approve', async ({ path, principal, now }) => {
  const application = await getApplication(path.id ?? '');
  if (!application) throw notFound(`Application ${path.id}`);
  const { areaId, areaAdmin } = await approve(application, principal, now);
  // The approval is stored; then both contact persons are invited as the area's admins (managers of its
  // people). An invitation that fails does not undo the approval: it is logged, and the national centre
  // invites the person again from the area-admin organisation's people (the area's first key works too).
  const contacts = [application.contacts.culture, application.contacts.social];
  const emails = new Set<string>();
  for (const contact of contacts) {
    const email = contact.email.trim().toLowerCase();
    if (emails.has(email)) continue;
    emails.add(email);
    await invitePerson(principal, areaAdmin, { email, name: contact.name, manager: true }, now).catch(
      (error: unknown) =>
        console.error(
          JSON.stringify({
            level: 'error',
            where: 'approve-application',
            areaId,
            orgId: areaAdmin.orgId,
            problem: 'invitation not sent',
            error: error instanceof Error ? error.name : 'unknown',
          }),
        ),
    );
  }
  // Then the decision e-mail to the contacts; a failure is logged, never undoes or hides the approval.
  await sendDecisionMail({ ...application, status: 'approved', areaId, decidedAt: now.toISOString() });
  return json(200, { areaId });
});
