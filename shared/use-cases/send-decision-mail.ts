// After a decision is stored, the applicant's contacts are told of it by e-mail. The decision stands
// whatever the mail does: a message SES refuses or cannot take (after the SDK's retries) is logged as an
// error for the alarm and the operator (docs/decisions/0023), and the status page still tells the applicant.
import { decisionMails } from '../domain/decision-mail.ts';
import type { Application } from '../domain/onboarding.ts';
import { sendMail, webAppUrl } from '../mail/send-mail.ts';

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

/** How long the decision's answer waits for SES at most: the decision is stored, the mail must not hold it. */
export const mailBudgetMs = 5_000;

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
  const sending = Promise.all(
    mails.map((mail) =>
      sendMail(mail).then(
        () => sent++,
        (error: unknown) => {
          failed++;
          logFailure(application, error);
        },
      ),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), mailBudgetMs);
  });
  const outcome = await Promise.race([sending, late]).finally(() => clearTimeout(timer));
  if (outcome === 'late') {
    // Not confirmed in time: counted as failed (SES may still take it; the log says it is unknown).
    const unconfirmed = mails.length - sent - failed;
    failed += unconfirmed;
    logFailure(application, Object.assign(new Error('no answer in time'), { name: 'MailTimeout' }));
  }
  return { sent, failed };
}
