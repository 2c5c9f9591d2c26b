// Presigned links are made without the S3 client (shared/store/s3-links.ts). s3rver does not check
// signatures, so this recomputes each link's SigV4 query signature by the published algorithm.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkLifetimeSeconds, maxLinkSeconds, presignedGet } from '../../shared/store/s3-links.ts';

const saved = { ...process.env };
beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  process.env.AWS_SESSION_TOKEN = 'session/token+with=odd chars';
  process.env.AWS_REGION = 'eu-north-1';
  process.env.STATS_BUCKET = 'kaiku-statistics-123456789012-eu-north-1';
});
afterEach(() => {
  process.env = { ...saved };
});

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature S3 expects for a presigned GET (AWS Signature Version 4, query-string authentication). */
function expectedSignature(link: string): string {
  const url = new URL(link);
  const params = [...url.searchParams.entries()].filter(([name]) => name !== 'X-Amz-Signature');
  const query = params
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .sort()
    .join('&');
  const canonical = ['GET', url.pathname, query, `host:${url.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = `${date.slice(0, 8)}/eu-north-1/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join(
    '\n',
  );
  let key: Buffer = hmac(`AWS4${process.env.AWS_SECRET_ACCESS_KEY}`, date.slice(0, 8));
  for (const part of ['eu-north-1', 's3', 'aws4_request']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex');
}

describe('presigned links to snapshot files', () => {
  it("in AWS: the bucket's own host, virtual-hosted style, 15 minutes, a valid signature", async () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    const link = await presignedGet('snapshots/2026-03-01/partner/charts/monthly-uses.svg', 900);
    const url = new URL(link);
    expect(url.origin).toBe('https://kaiku-statistics-123456789012-eu-north-1.s3.eu-north-1.amazonaws.com');
    expect(url.pathname).toBe('/snapshots/2026-03-01/partner/charts/monthly-uses.svg');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-north-1\/s3\/aws4_request$/,
    );
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('session/token+with=odd chars');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(link));
  });

  it('locally: path-style at the configured endpoint, with its port', async () => {
    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:4569';
    const link = await presignedGet('snapshots/2026-03-01/partner/areas.csv', 900);
    const url = new URL(link);
    expect(url.origin).toBe('http://127.0.0.1:4569');
    expect(url.pathname).toBe(
      '/kaiku-statistics-123456789012-eu-north-1/snapshots/2026-03-01/partner/areas.csv',
    );
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(link));
  });

  it('never outlive the credentials that sign them: up to 15 minutes, less when they expire sooner', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    delete process.env.AWS_CREDENTIAL_EXPIRATION;
    expect(linkLifetimeSeconds(900, now)).toBe(900);
    expect(linkLifetimeSeconds(3600, now)).toBe(maxLinkSeconds);
    process.env.AWS_CREDENTIAL_EXPIRATION = '2026-03-01T10:05:00Z';
    // Five minutes left, less 30 s so the link dies before the credentials do.
    expect(linkLifetimeSeconds(900, now)).toBe(270);
    process.env.AWS_CREDENTIAL_EXPIRATION = '2026-03-01T11:00:00Z';
    expect(linkLifetimeSeconds(900, now)).toBe(900);
    process.env.AWS_CREDENTIAL_EXPIRATION = '2026-03-01T10:00:10Z';
    expect(() => linkLifetimeSeconds(900, now)).toThrow(/expired/);
    // A link signed now says so in X-Amz-Expires.
    process.env.AWS_CREDENTIAL_EXPIRATION = new Date(Date.now() + 120_000).toISOString();
    const link = await presignedGet('snapshots/2026-03-01/partner/areas.csv', 900);
    const expires = Number(new URL(link).searchParams.get('X-Amz-Expires'));
    expect(expires).toBeGreaterThan(80);
    expect(expires).toBeLessThanOrEqual(90);
    expect(new URL(link).searchParams.get('X-Amz-Signature')).toBe(expectedSignature(link));
  });
});
