// E-mail the service itself sends (the invitations are sent by the identity provider): Amazon SES's v2 API,
// locally the same API served by the local identity provider at AWS_ENDPOINT_URL_SESV2, which writes each
// message to $KAIKU_DATA_DIR/outbox and checks SigV4 and IAM as SES would.
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mail } from '../domain/mail.ts';

let client: SESv2Client | undefined;
function ses(): SESv2Client {
  // Same bounds as the other clients: a hung call fails and is retried, not waited on for ever.
  client ??= new SESv2Client({ maxAttempts: 3, requestHandler: { requestTimeout: 2_500 } });
  return client;
}

/** The sender the function is configured with (MAIL_FROM, an address of the stage's SES identity). */
export function mailSender(): string {
  const from = process.env.MAIL_FROM;
  if (!from || !/^[^@\s]+@[^@\s]+$/.test(from))
    throw new Error('MAIL_FROM is not an e-mail address: this function sends no e-mail');
  return from;
}

/** Where the web app is (WEB_APP_URL), for links in mail; no trailing slash. */
export function webAppUrl(): string {
  const url = process.env.WEB_APP_URL;
  if (!url || !/^https?:\/\/[^/\s]+$/.test(url))
    throw new Error('WEB_APP_URL is not an origin: this function writes no links');
  return url;
}

export async function sendMail(mail: Mail): Promise<void> {
  await ses().send(
    new SendEmailCommand({
      FromEmailAddress: mailSender(),
      Destination: { ToAddresses: [mail.to] },
      Content: {
        Simple: {
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
        },
      },
    }),
  );
}
