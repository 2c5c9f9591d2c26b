// The local endpoints' SigV4 check, against requests signed by the AWS SDK itself: its signer, its S3
// presigner, and whole SDK clients whose requests are caught on the wire, so the raw paths and queries are
// exactly those AWS would receive.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IncomingSigned, verifySigV4 } from '../../infra/local/aws/sigv4.ts';
import { Sha256 } from '../../shared/store/s3-links.ts';

const region = 'eu-north-1';
const keys: Record<string, string> = {
  AKIDWRITER: 'writer/secret+with=odd chars',
  AKIDREADER: 'reader-secret',
};
const secretOf = (accessKeyId: string) => keys[accessKeyId];
const writer = { accessKeyId: 'AKIDWRITER', secretAccessKey: keys.AKIDWRITER! };

const escapeUri = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** What a server receives for an SDK request: the query serialised as the SDK's HTTP handler does. */
function received(request: SdkRequest): IncomingSigned {
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) =>
      value === null ? [escapeUri(name)] : [value].flat().map((v) => `${escapeUri(name)}=${escapeUri(v)}`),
    )
    .join('&');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([n, v]) => [n.toLowerCase(), v]));
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body as string);
  return { method: request.method, path: request.path, query, headers, body };
}

/** A presigned URL as a server receives it. */
function fromUrl(link: string, headers: Record<string, string> = {}): IncomingSigned {
  const url = new URL(link);
  return {
    method: 'GET',
    path: url.pathname,
    query: url.search.slice(1),
    headers: { host: url.host, ...headers },
    body: Buffer.alloc(0),
  };
}

const signer = (service: string, credentials = writer) =>
  new SignatureV4({ service, region, credentials, sha256: Sha256, uriEscapePath: service !== 's3' });

function expectRefused(request: IncomingSigned, reason: string, now?: Date) {
  const result = verifySigV4(request, secretOf, now);
  expect(result).toMatchObject({ ok: false, reason });
}

describe('DynamoDB (JSON POST, x-amz-target, body hashed by the signer)', () => {
  let signed: IncomingSigned;
  const signedAt = new Date('2026-03-01T10:00:00Z');
  beforeAll(async () => {
    const request = await signer('dynamodb').sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'dynamodb.eu-north-1.amazonaws.com',
        path: '/',
        query: {},
        headers: {
          host: 'dynamodb.eu-north-1.amazonaws.com',
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
        },
        body: JSON.stringify({ TableName: 'kaiku', Key: { pk: { S: 'CARD#1' } } }),
      },
      { signingDate: signedAt },
    );
    signed = received(request as SdkRequest);
  });
  const at = new Date('2026-03-01T10:05:00Z');

  it('a valid signature names the key, the service and the region', () => {
    expect(verifySigV4(signed, secretOf, at)).toEqual({
      ok: true,
      accessKeyId: 'AKIDWRITER',
      service: 'dynamodb',
      region,
      presigned: false,
    });
  });
  it('an altered body is refused', () => {
    expectRefused(
      { ...signed, body: Buffer.from(signed.body.toString().replace('CARD#1', 'CARD#2')) },
      'bad-signature',
      at,
    );
  });
  it('an altered signed header is refused', () => {
    expectRefused(
      { ...signed, headers: { ...signed.headers, 'x-amz-target': 'DynamoDB_20120810.DeleteItem' } },
      'bad-signature',
      at,
    );
  });
  it('an altered path or query is refused', () => {
    expectRefused({ ...signed, path: '/other' }, 'bad-signature', at);
    expectRefused({ ...signed, query: 'x=1' }, 'bad-signature', at);
  });
  it('a wrong secret, an unknown key, no signature at all', async () => {
    const forged = await signer('dynamodb', { accessKeyId: 'AKIDWRITER', secretAccessKey: 'guess' }).sign(
      { method: 'POST', protocol: 'https:', hostname: 'h', path: '/', headers: { host: 'h' }, body: '{}' },
      { signingDate: signedAt },
    );
    expectRefused(received(forged as SdkRequest), 'bad-signature', at);
    const stranger = await signer('dynamodb', { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).sign(
      { method: 'POST', protocol: 'https:', hostname: 'h', path: '/', headers: { host: 'h' }, body: '{}' },
      { signingDate: signedAt },
    );
    expectRefused(received(stranger as SdkRequest), 'unknown-key', at);
    const { authorization: _, ...unsigned } = signed.headers;
    expectRefused({ ...signed, headers: unsigned }, 'missing', at);
  });
  it('a request dated more than 15 minutes from now is refused (RequestTimeTooSkewed)', () => {
    expect(verifySigV4(signed, secretOf, new Date('2026-03-01T10:14:59Z')).ok).toBe(true);
    expectRefused(signed, 'expired', new Date('2026-03-01T10:15:01Z'));
    expectRefused(signed, 'expired', new Date('2026-03-01T09:44:59Z'));
  });
  it('a garbled Authorization header is malformed', () => {
    const garbled = signed.headers.authorization!.replace('SignedHeaders=', 'Signed=');
    expectRefused({ ...signed, headers: { ...signed.headers, authorization: garbled } }, 'malformed', at);
    expectRefused(
      { ...signed, headers: { ...signed.headers, authorization: 'AWS AKIDWRITER:abc' } },
      'malformed',
      at,
    );
  });
});

describe('S3 with the SDK signer (x-amz-content-sha256, path signed as sent)', () => {
  const signedAt = new Date('2026-03-01T10:00:00Z');
  const at = new Date('2026-03-01T10:01:00Z');
  const sign = async (request: SdkRequest) =>
    received(
      (await signer('s3').sign(
        { protocol: 'http:', hostname: '127.0.0.1', port: 4569, ...request },
        { signingDate: signedAt },
      )) as SdkRequest,
    );
  const body = 'a,b\n1,2\n';
  const sha = createHash('sha256').update(body).digest('hex');

  it('GET and PUT verify; the encoded key is not encoded again', async () => {
    const get = await sign({
      method: 'GET',
      path: '/bucket/snapshots/a%20b%2Bc/%C3%A4.csv',
      query: { 'x-id': 'GetObject' },
      headers: { host: '127.0.0.1:4569', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(verifySigV4(get, secretOf, at)).toMatchObject({
      ok: true,
      service: 's3',
      region,
      presigned: false,
    });
    const put = await sign({
      method: 'PUT',
      path: '/bucket/snapshots/partner/x.csv',
      query: { 'x-id': 'PutObject' },
      headers: { host: '127.0.0.1:4569', 'x-amz-content-sha256': sha, 'content-type': 'text/csv' },
      body,
    });
    expect(verifySigV4(put, secretOf, at)).toMatchObject({ ok: true, accessKeyId: 'AKIDWRITER' });
  });
  it('a body other than the signed hash is refused', async () => {
    const put = await sign({
      method: 'PUT',
      path: '/bucket/k',
      headers: { host: '127.0.0.1:4569', 'x-amz-content-sha256': sha },
      body,
    });
    expectRefused({ ...put, body: Buffer.from('a,b\n6,6\n') }, 'bad-signature', at);
    expectRefused(
      {
        ...put,
        headers: { ...put.headers, 'x-amz-content-sha256': createHash('sha256').update('x').digest('hex') },
      },
      'bad-signature',
      at,
    );
  });
  it('an altered path, query or signed header is refused', async () => {
    const list = await sign({
      method: 'GET',
      path: '/bucket',
      query: { 'list-type': '2', prefix: 'snapshots/partner/' },
      headers: { host: '127.0.0.1:4569', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(verifySigV4(list, secretOf, at).ok).toBe(true);
    expectRefused({ ...list, path: '/other' }, 'bad-signature', at);
    expectRefused({ ...list, query: list.query.replace('partner', 'internal') }, 'bad-signature', at);
    expectRefused({ ...list, headers: { ...list.headers, host: '127.0.0.1:9999' } }, 'bad-signature', at);
    // A query parameter order of its own does not matter: the canonical query is sorted.
    const reordered = list.query.split('&').reverse().join('&');
    expect(verifySigV4({ ...list, query: reordered }, secretOf, at).ok).toBe(true);
  });
});

describe('presigned S3 GETs', () => {
  const signedAt = new Date('2026-03-01T10:00:00Z');
  const presign = async (path: string, credentials = writer, expiresIn = 900) => {
    const presigner = new S3RequestPresigner({ region, credentials, sha256: Sha256 });
    const request = await presigner.presign(
      { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4569, path, query: {}, headers: {} },
      { expiresIn, signingDate: signedAt },
    );
    return received(request as SdkRequest);
  };
  const at = new Date('2026-03-01T10:10:00Z');

  it('verifies, and says it was presigned', async () => {
    const link = await presign('/bucket/snapshots/partner/areas.csv');
    expect(link.query).toContain('X-Amz-Signature=');
    expect(verifySigV4(link, secretOf, at)).toEqual({
      ok: true,
      accessKeyId: 'AKIDWRITER',
      service: 's3',
      region,
      presigned: true,
    });
  });
  it('the path, a parameter, the secret: any change is refused', async () => {
    const link = await presign('/bucket/snapshots/partner/areas.csv');
    expectRefused({ ...link, path: '/bucket/snapshots/internal/areas.csv' }, 'bad-signature', at);
    expectRefused(
      { ...link, query: link.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=901') },
      'bad-signature',
      at,
    );
    expectRefused({ ...link, query: `${link.query}&response-content-type=text%2Fhtml` }, 'bad-signature', at);
    const forged = await presign('/bucket/snapshots/partner/areas.csv', {
      accessKeyId: 'AKIDREADER',
      secretAccessKey: 'not-the-secret',
    });
    expectRefused(forged, 'bad-signature', at);
    const stranger = await presign('/bucket/k', { accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' });
    expectRefused(stranger, 'unknown-key', at);
  });
  it('expires X-Amz-Expires seconds after X-Amz-Date', async () => {
    const link = await presign('/bucket/k', writer, 60);
    expect(verifySigV4(link, secretOf, new Date('2026-03-01T10:01:00Z')).ok).toBe(true);
    expect(verifySigV4(link, secretOf, new Date('2026-03-01T10:01:01Z'))).toMatchObject({
      ok: false,
      reason: 'expired',
      message: 'Request has expired',
    });
  });
  it('X-Amz-Expires must be 1..604800 seconds', async () => {
    const link = await presign('/bucket/k');
    expectRefused(
      { ...link, query: link.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=0') },
      'malformed',
      at,
    );
    expectRefused(
      { ...link, query: link.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801') },
      'malformed',
      at,
    );
    expectRefused({ ...link, query: link.query.replace(/&?X-Amz-Credential=[^&]*/, '') }, 'malformed', at);
  });
});

/** SDK clients pointed at a server that only records what arrives. */
describe('requests of real SDK clients, as they arrive on the wire', () => {
  const arrived: IncomingSigned[] = [];
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = request.url ?? '/';
        const at = url.indexOf('?');
        arrived.push({
          method: request.method ?? 'GET',
          path: at < 0 ? url : url.slice(0, at),
          query: at < 0 ? '' : url.slice(at + 1),
          headers: Object.fromEntries(
            Object.entries(request.headers).map(([n, v]) => [n, Array.isArray(v) ? v.join(',') : String(v)]),
          ),
          body: Buffer.concat(chunks),
        });
        const xml = url.includes('list-type')
          ? '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></ListBucketResult>'
          : '';
        response.writeHead(200, {
          'content-type': xml ? 'application/xml' : 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(xml || '{}'),
        });
        response.end(xml || '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const last = () => arrived[arrived.length - 1]!;

  it('DynamoDB GetItem', async () => {
    const client = new DynamoDBClient({ region, endpoint, credentials: writer });
    await client.send(new GetItemCommand({ TableName: 'kaiku', Key: { pk: { S: 'CARD#ä 1' } } }));
    expect(verifySigV4(last(), secretOf)).toMatchObject({
      ok: true,
      service: 'dynamodb',
      accessKeyId: 'AKIDWRITER',
    });
    expectRefused(
      { ...last(), body: Buffer.from(last().body.toString().replace('kaiku', 'other')) },
      'bad-signature',
    );
  });

  it("Lambda Invoke by ARN: the path's percent-encoding is encoded again for the signature", async () => {
    const client = new LambdaClient({ region, endpoint, credentials: writer, maxAttempts: 1 });
    await client
      .send(
        new InvokeCommand({
          FunctionName: 'arn:aws:lambda:eu-north-1:000000000000:function:kaiku-snapshot',
          Payload: Buffer.from('{"day":"2026-03-01"}'),
        }),
      )
      .catch(() => undefined);
    expect(last().path).toContain('%3A');
    expect(verifySigV4(last(), secretOf)).toMatchObject({ ok: true, service: 'lambda' });
  });

  it('S3 PutObject, GetObject and ListObjectsV2 with path-style addresses', async () => {
    const client = new S3Client({ region, endpoint, credentials: writer, forcePathStyle: true });
    const key = 'snapshots/2026-03-01/partner/a b+c(ä)*.csv';
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: Buffer.from('a,b\n') }));
    const put = last();
    expect(put.headers['x-amz-content-sha256']).toBeDefined();
    expect(verifySigV4(put, secretOf)).toMatchObject({ ok: true, service: 's3' });
    expectRefused({ ...put, body: Buffer.from('a,c\n') }, 'bad-signature');
    await client.send(new GetObjectCommand({ Bucket: 'bucket', Key: key })).catch(() => undefined);
    expect(verifySigV4(last(), secretOf)).toMatchObject({ ok: true, service: 's3' });
    await client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'snapshots/ä partner/' }));
    expect(last().query).toContain('prefix=');
    expect(verifySigV4(last(), secretOf)).toMatchObject({ ok: true, service: 's3' });
  });

  it('S3 getSignedUrl links', async () => {
    const client = new S3Client({ region, endpoint, credentials: writer, forcePathStyle: true });
    const link = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: 'bucket', Key: 'snapshots/x y.csv' }),
      {
        expiresIn: 300,
      },
    );
    expect(verifySigV4(fromUrl(link), secretOf)).toMatchObject({ ok: true, presigned: true });
    expectRefused(fromUrl(link.replace('x%20y', 'x%20z')), 'bad-signature');
  });
});
