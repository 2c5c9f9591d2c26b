// AWS Signature Version 4, checked the way AWS's endpoints check it, so the local endpoints can tell who
// is calling (the access key id) and trust nothing a caller did not sign. Both forms are understood: the
// Authorization header (every SDK call) and the presigned query string (S3 links).
// Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface IncomingSigned {
  method: string;
  /** The raw path as sent, percent-encoded. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; service: string; region: string; presigned: boolean }
  | {
      ok: false;
      reason: 'missing' | 'unknown-key' | 'bad-signature' | 'expired' | 'malformed';
      message: string;
    };

type Refusal = Extract<SigV4Result, { ok: false }>;

/** How AWS's JSON-protocol services (DynamoDB, Secrets Manager) name a refused signature. */
export function jsonSignatureError(refusal: Refusal): { type: string; message: string } {
  if (refusal.reason === 'missing')
    return {
      type: 'MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    };
  if (refusal.reason === 'unknown-key')
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  return { type: 'InvalidSignatureException', message: refusal.message };
}

const algorithm = 'AWS4-HMAC-SHA256';
const unsignedPayload = 'UNSIGNED-PAYLOAD';
/** AWS refuses header-signed requests dated further than this from its clock (RequestTimeTooSkewed). */
const maxSkewMs = 15 * 60 * 1000;
/** A presigned URL lives at most a week. */
const maxExpiresSeconds = 604_800;

const refuse = (reason: Refusal['reason'], message: string): Refusal => ({ ok: false, reason, message });
const malformed = (message: string) => refuse('malformed', message);

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

/** RFC 3986 encoding, as the SDK's escapeUri: everything but A-Z a-z 0-9 - _ . ~ */
const escapeUri = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The query's parameters, decoded, in order; undefined when its percent-encoding is broken. */
function parseQuery(raw: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    try {
      pairs.push(
        at < 0
          ? [decodeURIComponent(part), '']
          : [decodeURIComponent(part.slice(0, at)), decodeURIComponent(part.slice(at + 1))],
      );
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/** Sorted by encoded name, then value; the signature itself is not part of what it signs. */
function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .filter(([name]) => name.toLowerCase() !== 'x-amz-signature')
    .map(([name, value]) => [escapeUri(name), escapeUri(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * S3 signs the path exactly as sent (the SDK's uriEscapePath: false); every other service signs it
 * normalised (no empty, '.' or '..' segments) and encoded once more, as the SDK's signer does.
 */
function canonicalUri(path: string, service: string): string {
  if (service === 's3') return path === '' ? '/' : path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${
    segments.length > 0 && path.endsWith('/') ? '/' : ''
  }`;
  return escapeUri(normalised).replace(/%2F/g, '/');
}

/** Values as the SDK's signer canonicalises them: line breaks and runs of blanks become one space. */
const canonicalHeaderValue = (value: string) =>
  value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');

/** 20240131T235959Z, as a time; undefined when it is not that format. */
function parseAmzDate(text: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

interface Parsed {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  /** Seconds, for presigned requests. */
  expires?: number;
}

/** Credential=AKID/20240131/eu-north-1/s3/aws4_request */
function parseCredential(
  credential: string,
): Pick<Parsed, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, scopeDate, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !/^\d{8}$/.test(scopeDate) || !region || !service) return undefined;
  return { accessKeyId, scopeDate, region, service };
}

function parseSignedHeaders(list: string): string[] | undefined {
  const names = list.split(';');
  if (names.some((name) => name === '' || name !== name.toLowerCase())) return undefined;
  return names;
}

function parseAuthorizationHeader(header: string, headers: Record<string, string>): Parsed | Refusal {
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme !== algorithm)
    return malformed(`Unsupported Authorization Type: only ${algorithm} is accepted.`);
  const components = new Map<string, string>();
  for (const component of header.slice(space + 1).split(',')) {
    const trimmed = component.trim();
    const at = trimmed.indexOf('=');
    if (at < 0) return malformed(`The authorization header is malformed; '${trimmed}' is not name=value.`);
    components.set(trimmed.slice(0, at), trimmed.slice(at + 1));
  }
  const credential = components.get('Credential');
  const signedHeaderList = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (components.size !== 3 || credential === undefined || signedHeaderList === undefined || !signature)
    return malformed(
      'The authorization header is malformed; it requires three components: Credential, SignedHeaders, and Signature.',
    );
  const scope = parseCredential(credential);
  if (!scope)
    return malformed(
      `The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`,
    );
  const signedHeaders = parseSignedHeaders(signedHeaderList);
  if (!signedHeaders) return malformed('The authorization header is malformed; SignedHeaders is not valid.');
  const amzDate = headers['x-amz-date'];
  if (!amzDate || !parseAmzDate(amzDate))
    return malformed('AWS authentication requires a valid x-amz-date header (yyyyMMddTHHmmssZ).');
  return { ...scope, signedHeaders, signature, amzDate, presigned: false };
}

function parsePresigned(pairs: [string, string][]): Parsed | Refusal {
  const auth = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (!name.startsWith('X-Amz-')) continue;
    if (auth.has(name)) return malformed(`The query parameter ${name} is given more than once.`);
    auth.set(name, value);
  }
  if (auth.get('X-Amz-Algorithm') !== algorithm)
    return malformed(`X-Amz-Algorithm only supports "${algorithm}".`);
  const credential = auth.get('X-Amz-Credential');
  const amzDate = auth.get('X-Amz-Date');
  const expiresText = auth.get('X-Amz-Expires');
  const signedHeaderList = auth.get('X-Amz-SignedHeaders');
  const signature = auth.get('X-Amz-Signature');
  if (!credential || !amzDate || !expiresText || !signedHeaderList || !signature)
    return malformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  const scope = parseCredential(credential);
  if (!scope)
    return malformed(
      'Error parsing the X-Amz-Credential parameter; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  if (!parseAmzDate(amzDate))
    return malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'".`);
  const expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : Number.NaN;
  if (!(expires >= 1 && expires <= maxExpiresSeconds))
    return malformed('X-Amz-Expires must be a whole number of seconds from 1 to 604800 (a week).');
  const signedHeaders = parseSignedHeaders(signedHeaderList);
  if (!signedHeaders) return malformed('X-Amz-SignedHeaders is not valid.');
  return { ...scope, signedHeaders, signature, amzDate, presigned: true, expires };
}

/**
 * The payload hash the signer used: S3 declares it in x-amz-content-sha256 (which the signature then
 * covers, so the body is checked against it afterwards); other services hash the body itself. A
 * presigned S3 request never signs its body.
 */
function declaredPayloadHash(
  request: IncomingSigned,
  pairs: [string, string][],
  parsed: Parsed,
): string | Refusal {
  let declared = request.headers['x-amz-content-sha256'];
  if (declared === undefined && parsed.presigned)
    declared = pairs.find(([name]) => name.toLowerCase() === 'x-amz-content-sha256')?.[1];
  if (declared === undefined)
    return parsed.presigned && parsed.service === 's3' ? unsignedPayload : sha256Hex(request.body);
  if (declared === unsignedPayload || /^[0-9a-f]{64}$/.test(declared)) return declared;
  // aws-chunked bodies carry a signature per chunk; nothing here checks those, so they are not let in.
  if (declared.startsWith('STREAMING-'))
    return malformed(`x-amz-content-sha256 ${declared} (aws-chunked upload) is not supported locally.`);
  return malformed('x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.');
}

export function verifySigV4(
  request: IncomingSigned,
  secretOf: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): SigV4Result {
  const pairs = parseQuery(request.query);
  if (!pairs) return malformed('The query string is not validly percent-encoded.');
  const authorization = request.headers.authorization;
  const queryAuth = pairs.some(([name]) => name === 'X-Amz-Algorithm');
  if (authorization === undefined && !queryAuth)
    return refuse(
      'missing',
      'The request is not signed: it has neither an Authorization header nor X-Amz-Signature.',
    );
  if (authorization !== undefined && queryAuth)
    return malformed(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.',
    );

  const parsed =
    authorization !== undefined
      ? parseAuthorizationHeader(authorization, request.headers)
      : parsePresigned(pairs);
  if ('ok' in parsed) return parsed;
  if (parsed.amzDate.slice(0, 8) !== parsed.scopeDate)
    return malformed(
      `The date in the credential scope (${parsed.scopeDate}) does not match the request's date (${parsed.amzDate}).`,
    );
  // AWS accepts no signature that leaves the Host out: it binds the request to the endpoint.
  if (!parsed.signedHeaders.includes('host'))
    return malformed("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const missingHeader = parsed.signedHeaders.find((name) => request.headers[name] === undefined);
  if (missingHeader)
    return refuse('bad-signature', `The signed header '${missingHeader}' is not in the request.`);

  const secret = secretOf(parsed.accessKeyId);
  if (secret === undefined)
    return refuse('unknown-key', 'The AWS Access Key Id you provided does not exist in our records.');

  const signedAt = parseAmzDate(parsed.amzDate)!.getTime();
  if (parsed.presigned) {
    if (now.getTime() > signedAt + parsed.expires! * 1000) return refuse('expired', 'Request has expired');
    if (signedAt - now.getTime() > maxSkewMs) return refuse('expired', 'Request is not valid yet');
  } else if (Math.abs(now.getTime() - signedAt) > maxSkewMs) {
    return refuse('expired', 'The difference between the request time and the current time is too large.');
  }

  const payloadHash = declaredPayloadHash(request, pairs, parsed);
  if (typeof payloadHash !== 'string') return payloadHash;
  const canonicalRequest = [
    request.method,
    canonicalUri(request.path, parsed.service),
    canonicalQuery(pairs),
    ...parsed.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name]!)}`),
    '',
    parsed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${parsed.scopeDate}/${parsed.region}/${parsed.service}/aws4_request`;
  const stringToSign = [algorithm, parsed.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, parsed.scopeDate);
  for (const part of [parsed.region, parsed.service, 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const provided = Buffer.from(parsed.signature);
  // Constant time, so the response time tells nothing about how much of a forged signature was right.
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected))
    return refuse(
      'bad-signature',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256Hex(request.body))
    return refuse(
      'bad-signature',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );

  return {
    ok: true,
    accessKeyId: parsed.accessKeyId,
    service: parsed.service,
    region: parsed.region,
    presigned: parsed.presigned,
  };
}
