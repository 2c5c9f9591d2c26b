// Presigned links to objects of the statistics bucket, made without the S3 client: a link is a signed
// URL, nothing is sent to S3, so the API's functions need only the SDK's presigner (a fraction of the
// client's size and start-up time). Locally AWS_ENDPOINT_URL_S3 points at s3rver, which wants
// path-style addresses (http://host/bucket/key); in AWS the bucket is the host name.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';

/** Read at call time, like the table name, so tests and the local runtime can point at their own. */
export function statsBucket(): string {
  const bucket = process.env.STATS_BUCKET;
  if (!bucket) throw new Error('STATS_BUCKET is not set: the statistics bucket is unknown');
  return bucket;
}

const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-north-1';

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** SHA-256 (or its HMAC with a key) in the SDK's checksum shape, from node:crypto. */
export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

let presigner: S3RequestPresigner | undefined;

/** The contract: a link is valid for up to 15 minutes. */
export const maxLinkSeconds = 900;
/** A link that would live less than this is not worth handing out: the caller fetches again. */
const safetySeconds = 30;

/**
 * When the credentials in the environment stop working, if known: the SDK's own variable for it
 * (AWS_CREDENTIAL_EXPIRATION, an ISO instant), set by whatever hands out temporary credentials.
 */
function credentialsExpiry(): number | undefined {
  const text = process.env.AWS_CREDENTIAL_EXPIRATION;
  if (!text) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

/**
 * How long a link signed now may say it lives: what was asked, at most 15 minutes, and never past the
 * signing credentials' expiry (S3 refuses a link once they expire, whatever X-Amz-Expires says).
 */
export function linkLifetimeSeconds(requested: number, realNowMs?: number): number {
  const at = realNowMs ?? Date.now(); // real time: credentials expire by it, not by the service's clock
  const asked = Math.min(maxLinkSeconds, Math.floor(requested));
  const expiry = credentialsExpiry();
  if (expiry === undefined) return asked;
  const left = Math.floor((expiry - at) / 1000) - safetySeconds;
  if (left < 1) throw new Error('the credentials that would sign the link have expired');
  return Math.min(asked, left);
}

function presignerOf(): S3RequestPresigner {
  // Lambda gives a function its role's credentials in the environment; locally useLocalAws sets them.
  presigner ??= new S3RequestPresigner({
    region: region(),
    sha256: Sha256,
    credentials: async () => {
      const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
      if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
        throw new Error('no AWS credentials in the environment');
      return {
        accessKeyId: AWS_ACCESS_KEY_ID,
        secretAccessKey: AWS_SECRET_ACCESS_KEY,
        ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
      };
    },
  });
  return presigner;
}

const encodePath = (key: string) => key.split('/').map(encodeURIComponent).join('/');
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Where the object is: path-style at a configured endpoint, the bucket's own host name in AWS. */
function address(key: string) {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  if (endpoint) {
    const url = new URL(endpoint);
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port && { port: Number(url.port) }),
      path: `/${statsBucket()}/${encodePath(key)}`,
    };
  }
  return {
    protocol: 'https:',
    hostname: `${statsBucket()}.s3.${region()}.amazonaws.com`,
    path: `/${encodePath(key)}`,
  };
}

/**
 * A GET link anyone holding it may use until it expires (at most 15 minutes, and never past the signing
 * credentials' expiry: linkLifetimeSeconds); signed with this function's credentials. Signed
 * at the real time (the presigner's own clock), never the service's clock (shared/lib/clock.ts): S3, and the
 * local S3 endpoint that checks links as S3 does, compare X-Amz-Date and the expiry with the real time, so a
 * link signed by a clock months behind (KAIKU_CLOCK) would be refused as expired.
 */
export async function presignedGet(key: string, expiresInSeconds: number): Promise<string> {
  const where = address(key);
  const host = `${where.hostname}${where.port ? `:${where.port}` : ''}`;
  const signed = await presignerOf().presign(
    { method: 'GET', ...where, query: {}, headers: { host } },
    { expiresIn: linkLifetimeSeconds(expiresInSeconds) },
  );
  const query = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : [[name, value]]))
    .map(([name, value]) => `${rfc3986(String(name))}=${rfc3986(String(value ?? ''))}`)
    .sort()
    .join('&');
  return `${where.protocol}//${host}${where.path}?${query}`;
}
