// The local Amazon SES (its v2 API, SendEmail with simple content only: what shared/mail/send-mail.ts
// calls). Each request's signature is checked and the caller's role decides, as IAM would; the sender must
// be of the one verified identity (kaikukortti.localhost); each accepted message is written to the outbox
// for a tester to open, as the invitations are. Writing fails (a full disk, a folder not writable): the
// caller gets SES's 500, as when SES itself fails, so the service's handling of that is tested for real.
import type { ServerResponse } from 'node:http';
import { localMailDomain } from '../../../shared/mail/mail-domain.ts';
import { localAccount } from '../aws/account.ts';
import { answer } from '../aws/http.ts';
import { type IncomingSigned, verifySigV4 } from '../aws/sigv4.ts';
import type { IdentityIam } from './cognito-api.ts';
import { writeToOutbox } from './outbox.ts';
import { region } from './pool.ts';

export const sendEmailPath = '/v2/email/outbound-emails';

export const sesIdentityArn = (domain: string) =>
  `arn:aws:ses:${region}:${localAccount.accountId}:identity/${domain}`;

/** The address in "Name <address>" or a bare address; undefined when it is neither. */
function addressOf(from: string): string | undefined {
  const match = /^(?:[^<>]*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))$/.exec(from.trim());
  return match?.[1] ?? match?.[2];
}

interface SendEmailBody {
  FromEmailAddress?: unknown;
  Destination?: { ToAddresses?: unknown };
  Content?: { Simple?: { Subject?: { Data?: unknown }; Body?: { Text?: { Data?: unknown } } } };
}

export async function serveSes(
  signed: IncomingSigned,
  response: ServerResponse,
  iam: IdentityIam,
  outboxDir: string,
): Promise<void> {
  const refuse = (status: number, type: string, message: string) =>
    answer(response, status, JSON.stringify({ message }), {
      'content-type': 'application/json',
      'x-amzn-errortype': type,
      'x-amzn-requestid': crypto.randomUUID(),
    });
  const verified = verifySigV4(signed, iam.secretOf, new Date());
  if (!verified.ok) {
    if (verified.reason === 'missing')
      return refuse(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (verified.reason === 'unknown-key')
      return refuse(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    return refuse(403, 'InvalidSignatureException', verified.message);
  }
  if (verified.service !== 'ses')
    return refuse(403, 'InvalidSignatureException', "Credential should be scoped to correct service: 'ses'.");
  let body: SendEmailBody;
  try {
    body = JSON.parse(signed.body.toString('utf8') || '{}') as SendEmailBody;
  } catch {
    return refuse(400, 'BadRequestException', 'The request body is not JSON.');
  }
  const from = typeof body.FromEmailAddress === 'string' ? addressOf(body.FromEmailAddress) : undefined;
  const to = body.Destination?.ToAddresses;
  const subject = body.Content?.Simple?.Subject?.Data;
  const text = body.Content?.Simple?.Body?.Text?.Data;
  if (
    !from ||
    !Array.isArray(to) ||
    to.length === 0 ||
    typeof subject !== 'string' ||
    typeof text !== 'string'
  )
    return refuse(
      400,
      'BadRequestException',
      'The local SES takes FromEmailAddress, Destination.ToAddresses and Content.Simple with a text body.',
    );
  const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  const decision = await iam.decide({
    accessKeyId: verified.accessKeyId,
    action: 'ses:SendEmail',
    resource: sesIdentityArn(domain),
    context: {},
  });
  if (!decision.allowed) return refuse(403, 'AccessDeniedException', decision.message);
  if (domain !== localMailDomain)
    return refuse(
      400,
      'MessageRejected',
      `Email address is not verified. The following identities failed the check: ${from}`,
    );
  const recipients = to.filter(
    (address): address is string => typeof address === 'string' && addressOf(address) !== undefined,
  );
  if (recipients.length !== to.length)
    return refuse(400, 'BadRequestException', 'Destination.ToAddresses holds a malformed address.');
  try {
    for (const address of recipients)
      writeToOutbox(outboxDir, { to: addressOf(address) ?? address, subject, text });
  } catch {
    return refuse(500, 'InternalServiceErrorException', 'The local SES could not write to its outbox.');
  }
  answer(response, 200, JSON.stringify({ MessageId: crypto.randomUUID() }), {
    'content-type': 'application/json',
    'x-amzn-requestid': crypto.randomUUID(),
  });
}
