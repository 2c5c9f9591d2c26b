// Locally, e-mail is not sent: each message is an RFC 5322 file in the outbox folder, for a tester to open.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { now } from '../../../shared/lib/clock.ts';
import { localMailDomain } from '../../../shared/mail/mail-domain.ts';

export interface Mail {
  readonly to: string;
  readonly subject: string;
  /** Plain text, UTF-8. */
  readonly text: string;
}

export const senderAddress = `no-reply@${localMailDomain}`;

/** RFC 2047 encoded-word for a header holding anything but printable ASCII. */
function headerText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** RFC 5322 date-time, e.g. "Mon, 07 Dec 2026 10:29:41 +0000". */
function mailDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${two(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/**
 * The message as RFC 5322 text with CRLF lines. The body is UTF-8 as it is (8bit), readable in a text
 * editor too; base64 only if a line would pass RFC 5322's limit of 998 characters.
 */
export function formatMail(mail: Mail, messageId: string, date: Date): string {
  const lines = mail.text.split(/\r?\n/);
  const eightBit = lines.every((line) => Buffer.byteLength(line) <= 998);
  const body = eightBit
    ? lines.join('\r\n')
    : Buffer.from(lines.join('\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: ${headerText('Kaikukortti')} <${senderAddress}>`,
    `To: <${mail.to}>`,
    `Subject: ${headerText(mail.subject)}`,
    `Date: ${mailDate(date)}`,
    `Message-ID: <${messageId}@${localMailDomain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${eightBit ? '8bit' : 'base64'}`,
    '',
    body.replace(/\r\n$/, ''),
    '',
  ].join('\r\n');
}

/** Writes the message to the outbox (mode 600, appearing whole) and returns its file. */
export function writeToOutbox(outboxDir: string, mail: Mail): string {
  mkdirSync(outboxDir, { recursive: true, mode: 0o700 });
  const date = now();
  const messageId = `${date.getTime()}.${randomBytes(6).toString('hex')}`;
  const file = join(
    outboxDir,
    `${date.toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`,
  );
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, formatMail(mail, messageId, date));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}
