// The leak check of the functions' logs. Every test process records what it sent and received that must
// never be logged (API keys, claim tokens, card holder data, free text) into $KAIKU_LOG_SECRETS; every
// function's output goes to $KAIKU_LOG_CAPTURE as well (infra/local/lambda/functions.ts); the global
// teardown (global-setup.ts) searches the captured output for every recorded value and fails the run.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { type Route, routes } from '../../shared/http/routes.ts';

export type Sensitive = 'secret' | 'holder' | 'text';

interface Recorded {
  readonly kind: Sensitive;
  readonly field: string;
  readonly value: string;
}

const secretFields = new Set(['apiKey', 'claimToken', 'adminKey']);
const holderFields = new Set(['birthYear', 'postalCode']);
const textFields = new Set([
  'name',
  'areaName',
  'reason',
  'eventName',
  'contactEmail',
  'email',
  'phone',
  'nameFi',
  'nameSv',
]);
/** Values of text fields that are enumerations, not free text (revocation and flag reasons), and short words any log may hold. */
const notFreeText = new Set(['lost', 'misuse', 'other', 'replaced', 'many-uses', 'many-areas']);
/** Shorter free text is too likely to occur in a log by chance to be searched for. */
const minTextLength = 8;
/** Real keys and claim tokens are long and random; a short one is a test's deliberately wrong token. */
const minSecretLength = 16;
/** Holder values searchable as such: a postal code of five digits, a four-digit year (others were refused). */
const holderShape: Record<string, RegExp> = { postalCode: /^\d{5}$/, birthYear: /^\d{4}$/ };
/** Texts every log may hold: the route templates (a test may send a path as a name). */
const routeTexts = (routes as readonly Route[]).map((route) => `${route.method} ${route.path}`).join('\n');

const seen = new Set<string>();

/** Records a value that must never reach a log (no-op unless the run captures logs). */
export function recordSensitive(kind: Sensitive, field: string, value: unknown): void {
  const file = process.env.KAIKU_LOG_SECRETS;
  if (!file || value === undefined || value === null) return;
  const text = String(value);
  if (text === '') return;
  if (kind === 'text' && (text.length < minTextLength || notFreeText.has(text) || routeTexts.includes(text)))
    return;
  if (kind === 'secret' && text.length < minSecretLength) return;
  if (kind === 'holder' && !holderShape[field]?.test(text)) return;
  const id = `${kind}\u0000${field}\u0000${text}`;
  if (seen.has(id)) return;
  seen.add(id);
  appendFileSync(file, `${JSON.stringify({ kind, field, value: text })}\n`);
  // The secret part of a key alone is as bad as the whole key.
  if (kind === 'secret' && /^kk\.[^.]+\.[^.]{16,}$/.test(text))
    recordSensitive('secret', `${field} (secret part)`, text.split('.')[2]);
}

/** Walks a JSON body (sent or received) and records every sensitive field in it. */
export function recordBody(body: unknown, inContacts = false): void {
  if (Array.isArray(body)) {
    for (const item of body) recordBody(item, inContacts);
    return;
  }
  if (!body || typeof body !== 'object') return;
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (value && typeof value === 'object') recordBody(value, inContacts || field === 'contacts');
    else if (secretFields.has(field)) recordSensitive('secret', field, value);
    else if (holderFields.has(field)) recordSensitive('holder', field, value);
    else if (textFields.has(field) || inContacts) recordSensitive('text', field, value);
  }
}

/** Records the sensitive parts of one HTTP exchange of the tests. */
export function recordExchange(
  path: string,
  headers: Record<string, string>,
  sent: unknown,
  received: unknown,
): void {
  if (!process.env.KAIKU_LOG_SECRETS) return;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization')
      recordSensitive('secret', 'authorization', value.replace(/^Bearer\s+/i, ''));
    if (lower === 'x-claim-token') recordSensitive('secret', 'x-claim-token', value);
  }
  recordBody(sent);
  // The OpenAPI document names fields and parameters; it holds no data of anybody's.
  if (!path.startsWith('/v1/openapi.json')) recordBody(received);
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where a recorded value would show in a log: secrets and free text anywhere, numbers standing alone. */
function matcher(recorded: Recorded): (log: string) => boolean {
  if (recorded.kind === 'holder') {
    // A postal code or birth year is a short number: found only standing alone (not inside a request id
    // or a time), as a log of a body or a value would show it. A four-digit year after a colon could be
    // a duration in milliseconds: there only the field name gives it away (checked below).
    const before = recorded.field === 'birthYear' ? '[^\\w.:-]' : '[^\\w.-]';
    const pattern = new RegExp(`(^|${before})${literal(recorded.value)}(?![\\w.])`);
    return (log) => pattern.test(log);
  }
  return (log) => log.includes(recorded.value);
}

export interface LeakReport {
  readonly recorded: number;
  readonly requestLines: number;
  readonly leaks: string[];
}

/** Searches the captured logs for every recorded value and for holder fields by name. */
export function findLeaks(captureFile: string, recordFile: string): LeakReport {
  const logs = existsSync(captureFile) ? readFileSync(captureFile, 'utf8') : '';
  const recorded: Recorded[] = existsSync(recordFile)
    ? readFileSync(recordFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Recorded)
    : [];
  const lines = logs.split('\n');
  const requestLines = lines.filter((line) => line.includes('"message":"request"')).length;
  const leaks: string[] = [];
  const unique = new Map(recorded.map((entry) => [`${entry.kind}\u0000${entry.value}`, entry]));
  for (const entry of unique.values()) {
    const found = matcher(entry);
    const line = lines.find(found);
    if (line !== undefined)
      leaks.push(`${entry.kind} ${entry.field} ${JSON.stringify(entry.value)} in: ${line.slice(0, 300)}`);
  }
  for (const field of [
    ...holderFields,
    'contacts',
    'authorization',
    'x-claim-token',
    'claimToken',
    'apiKey',
  ]) {
    const line = lines.find((text) => text.toLowerCase().includes(field.toLowerCase()));
    if (line !== undefined) leaks.push(`field ${field} in: ${line.slice(0, 300)}`);
  }
  return { recorded: unique.size, requestLines, leaks };
}
