// After a decision is stored, the applicant's contacts are told of it by e-mail. The decision stands
// whatever the mail does: a message SES refuses or cannot take (after the SDK's retries) is logged as an
// error for the alarm and the operator (docs/decisions/0023), and the status page still tells the applicant.
import { decisionMails } from './domain/decision-mail.ts';
import type { Application } from './domain/onboarding.ts';
import { sendMail, webAppUrl } from './mail/send-mail.ts';

export interface MailOutcome {
  readonly sent: number;
  readonly failed: number;
}

const logFailure = (application: Application, error: unknown) =>
  console.error(
    JSON.stringify({
      level: 'error',
      where: 'decision-mail',
      applicationId: application.applicationId,
      status: application.status,
      problem: 'decision e-mail not sent',
      // The error's name only: its message may quote the address.
      error: error instanceof Error ? error.name : 'unknown',
    }),
  );

export async function sendDecisionMail(application: Application): Promise<MailOutcome> {
  let mails: ReturnType<typeof decisionMails>;
  try {
    mails = decisionMails(application, webAppUrl());
  } catch (error) {
    logFailure(application, error);
    return { sent: 0, failed: 1 };
  }
  let sent = 0;
  let failed = 0;
  for (const mail of mails)
    await sendMail(mail).then(
      () => sent++,
      (error: unknown) => {
        failed++;
        logFailure(application, error);
      },
    );
  return { sent, failed };
}
