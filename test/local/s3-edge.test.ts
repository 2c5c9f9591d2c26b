// The local S3 endpoint refuses what S3 would refuse: unsigned and forged requests, calls the caller's
// policies do not allow, links that were altered or have expired, and the existence of a key to a caller
// who may not list the bucket. Real SDK clients and real fetch() of presigned links, against s3rver.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DecideS3, type RunningS3Edge, startS3Edge } from '../../infra/local/aws/s3-edge.ts';

const region = 'eu-north-1';
const bucket = 'kaiku-statistics-edge';
const bucketArn = `arn:aws:s3:::${bucket}`;

const secrets: Record<string, string> = {
  AKIDWRITER: 'writer-secret',
  AKIDREADER: 'reader-secret',
  AKIDLISTER: 'lister-secret',
};
/** Allow-lists in place of IAM policies: action and resource pattern ('*' = anything). */
const policies: Record<string, [string, string][]> = {
  AKIDWRITER: [
    ['s3:PutObject', `${bucketArn}/snapshots/*`],
    ['s3:GetObject', `${bucketArn}/snapshots/*`],
  ],
  AKIDREADER: [['s3:GetObject', `${bucketArn}/snapshots/partner/*`]],
  AKIDLISTER: [
    ['s3:GetObject', `${bucketArn}/snapshots/*`],
    ['s3:ListBucket', bucketArn],
  ],
};
const matches = (pattern: string, resource: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(resource);

const calls: Parameters<DecideS3>[0][] = [];
const decide: DecideS3 = (call) => {
  calls.push(call);
  const allowed = (policies[call.accessKeyId] ?? []).some(
    ([action, pattern]) => action === call.action && matches(pattern, call.resource),
  );
  return {
    allowed,
    message: `User: arn:aws:sts::000000000000:assumed-role/${call.accessKeyId}/fn is not authorized to perform: ${call.action} on resource: "${call.resource}" because no identity-based policy allows the ${call.action} action`,
  };
};

let edge: RunningS3Edge;
let dataDir: string;
/** How far the edge's clock runs ahead of this process's. */
let clockAheadMs = 0;
const saved = { ...process.env };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kaiku-s3-edge-'));
  edge = await startS3Edge({
    port: 0,
    dataDir,
    buckets: [bucket],
    region,
    secretOf: (accessKeyId) => secrets[accessKeyId],
    decide,
    now: () => new Date(Date.now() + clockAheadMs),
  });
  await client('AKIDWRITER').send(
    new PutObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/areas.csv', Body: 'area,uses\nA,1\n' }),
  );
  await client('AKIDWRITER').send(
    new PutObjectCommand({ Bucket: bucket, Key: 'snapshots/internal/areas.csv', Body: 'secret\n' }),
  );
});
afterAll(async () => {
  await edge.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.env = { ...saved };
});
beforeEach(() => {
  clockAheadMs = 0;
  calls.length = 0;
});

function client(accessKeyId: string, secretAccessKey = secrets[accessKeyId] ?? 'x') {
  return new S3Client({
    region,
    endpoint: edge.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

const refusedWith = (name: string, status: number) => ({
  name,
  $metadata: expect.objectContaining({ httpStatusCode: status }),
});

async function text(key: string, as = 'AKIDWRITER'): Promise<string> {
  const result = await client(as).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await result.Body?.transformToString()) ?? '';
}

/** Sets what shared/store/s3-links.ts and s3.ts read, for the caller with this key. */
function environmentFor(accessKeyId: string, secret = secrets[accessKeyId]!) {
  process.env.AWS_ENDPOINT_URL_S3 = edge.endpoint;
  process.env.STATS_BUCKET = bucket;
  process.env.AWS_ACCESS_KEY_ID = accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = secret;
  process.env.AWS_REGION = region;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

async function presigned(
  key: string,
  accessKeyId: string,
  secret?: string,
  expiresIn = 900,
): Promise<string> {
  environmentFor(accessKeyId, secret);
  const { presignedGet } = await import('../../shared/store/s3-links.ts');
  return presignedGet(key, expiresIn);
}

async function s3Error(response: Response): Promise<{ status: number; code?: string; message?: string }> {
  const body = await response.text();
  return {
    status: response.status,
    code: /<Code>(.*?)<\/Code>/.exec(body)?.[1],
    message: /<Message>(.*?)<\/Message>/.exec(body)?.[1],
  };
}

describe('signed SDK calls', () => {
  it('put and get round trip', async () => {
    const body = Buffer.from('month,uses\n2026-02,17\n');
    await client('AKIDWRITER').send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'snapshots/partner/monthly.csv',
        Body: body,
        ContentType: 'text/csv',
      }),
    );
    const got = await client('AKIDREADER').send(
      new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/monthly.csv' }),
    );
    expect(got.ContentType).toBe('text/csv');
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    const head = await client('AKIDREADER').send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/monthly.csv' }),
    );
    expect(head.ContentLength).toBe(body.length);
    expect(calls.map((call) => [call.accessKeyId, call.action, call.resource])).toEqual([
      ['AKIDWRITER', 's3:PutObject', `${bucketArn}/snapshots/partner/monthly.csv`],
      ['AKIDREADER', 's3:GetObject', `${bucketArn}/snapshots/partner/monthly.csv`],
      ['AKIDREADER', 's3:GetObject', `${bucketArn}/snapshots/partner/monthly.csv`],
    ]);
  });

  it('an unsigned request is refused: 403 AccessDenied, as an S3 XML error', async () => {
    const response = await fetch(`${edge.endpoint}/${bucket}/snapshots/partner/areas.csv`);
    expect(response.headers.get('content-type')).toBe('application/xml');
    expect(response.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    const body = await response.text();
    expect(response.status).toBe(403);
    expect(body).toMatch(/<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>.*<RequestId>/);
    expect(calls).toEqual([]);
  });

  it('a wrong secret: 403 SignatureDoesNotMatch; an unknown key: 403 InvalidAccessKeyId', async () => {
    await expect(
      client('AKIDWRITER', 'guessed').send(
        new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/areas.csv' }),
      ),
    ).rejects.toMatchObject(refusedWith('SignatureDoesNotMatch', 403));
    await expect(
      client('AKIDNOBODY').send(new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/areas.csv' })),
    ).rejects.toMatchObject(refusedWith('InvalidAccessKeyId', 403));
    expect(calls).toEqual([]);
  });

  it('an action the key lacks: 403 AccessDenied with the policy message, and nothing is written', async () => {
    const refused = await client('AKIDREADER')
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/planted.csv', Body: 'x' }))
      .catch((error: unknown) => error);
    expect(refused).toMatchObject(refusedWith('AccessDenied', 403));
    expect((refused as Error).message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/AKIDREADER/fn is not authorized to perform: s3:PutObject on resource: "${bucketArn}/snapshots/partner/planted.csv" because no identity-based policy allows the s3:PutObject action`,
    );
    await expect(
      client('AKIDLISTER').send(
        new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/planted.csv' }),
      ),
    ).rejects.toMatchObject(refusedWith('NoSuchKey', 404));
    const files = readdirSync(dataDir, { recursive: true }).map(String);
    expect(files.some((file) => file.includes('planted'))).toBe(false);
    await expect(
      client('AKIDWRITER').send(
        new DeleteObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/areas.csv' }),
      ),
    ).rejects.toMatchObject(refusedWith('AccessDenied', 403));
    expect(await text('snapshots/partner/areas.csv')).toBe('area,uses\nA,1\n');
  });

  it('a missing object: 403 AccessDenied without s3:ListBucket, 404 NoSuchKey with it', async () => {
    const key = 'snapshots/partner/2099-01-01/missing.csv';
    await expect(
      client('AKIDREADER').send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject(refusedWith('AccessDenied', 403));
    expect(calls.at(-1)).toEqual({
      accessKeyId: 'AKIDREADER',
      action: 's3:ListBucket',
      resource: bucketArn,
      context: { 's3:prefix': key },
    });
    await expect(
      client('AKIDLISTER').send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject(refusedWith('NoSuchKey', 404));
    // HEAD answers carry no body, so the SDK names them by status alone.
    await expect(
      client('AKIDREADER').send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject({ $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
    await expect(
      client('AKIDLISTER').send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    ).rejects.toMatchObject(refusedWith('NotFound', 404));
  });

  it('ListObjectsV2 is s3:ListBucket on the bucket, with the prefix as s3:prefix', async () => {
    const listed = await client('AKIDLISTER').send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'snapshots/partner/' }),
    );
    expect(listed.Contents?.map((object) => object.Key)).toContain('snapshots/partner/areas.csv');
    expect(listed.Contents?.map((object) => object.Key)).not.toContain('snapshots/internal/areas.csv');
    expect(calls).toEqual([
      {
        accessKeyId: 'AKIDLISTER',
        action: 's3:ListBucket',
        resource: bucketArn,
        context: { 's3:prefix': 'snapshots/partner/' },
      },
    ]);
    await expect(
      client('AKIDWRITER').send(new ListObjectsV2Command({ Bucket: bucket })),
    ).rejects.toMatchObject(refusedWith('AccessDenied', 403));
    expect(calls.at(-1)?.context).toEqual({ 's3:prefix': '' });
  });

  it('keys with spaces and other reserved characters round trip', async () => {
    const key = 'snapshots/partner/2026 03/a+b (ä)*.csv';
    await client('AKIDWRITER').send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'odd\n' }));
    expect(await text(key, 'AKIDREADER')).toBe('odd\n');
    expect(await (await fetch(await presigned(key, 'AKIDREADER'))).text()).toBe('odd\n');
  });

  it("a key with '..' segments is refused before it could reach another object", async () => {
    // s3rver would resolve it to snapshots/internal/areas.csv, which the reader may not read.
    await expect(
      client('AKIDREADER').send(
        new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/../internal/areas.csv' }),
      ),
    ).rejects.toMatchObject(refusedWith('InvalidArgument', 400));
  });

  it('a request dated more than 15 minutes from the endpoint clock: 403 RequestTimeTooSkewed', async () => {
    clockAheadMs = 16 * 60_000;
    await expect(
      client('AKIDWRITER').send(new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/partner/areas.csv' })),
    ).rejects.toMatchObject(refusedWith('RequestTimeTooSkewed', 403));
  });
});

describe('presigned links (shared/store/s3-links.ts)', () => {
  it("work with fetch(), with the signer's permission", async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('area,uses\nA,1\n');
    expect(calls).toEqual([
      {
        accessKeyId: 'AKIDREADER',
        action: 's3:GetObject',
        resource: `${bucketArn}/snapshots/partner/areas.csv`,
        context: {},
      },
    ]);
  });

  it('the same link with partner/ altered to internal/: 403 SignatureDoesNotMatch', async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER');
    const altered = await s3Error(await fetch(link.replace('/partner/', '/internal/')));
    expect(altered).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(calls).toEqual([]);
  });

  it('a query parameter altered or added: 403 SignatureDoesNotMatch', async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER');
    expect(link).toContain('X-Amz-Expires=900');
    expect(
      await s3Error(await fetch(link.replace('X-Amz-Expires=900', 'X-Amz-Expires=604800'))),
    ).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
    expect(await s3Error(await fetch(`${link}&response-content-type=text%2Fhtml`))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('an x-amz-* header the signature does not cover: 403 AccessDenied', async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER');
    expect(
      await s3Error(
        await fetch(link, { headers: { 'x-amz-copy-source': `${bucket}/snapshots/internal/areas.csv` } }),
      ),
    ).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
    });
  });

  it('a forged link (signed with another secret): 403 SignatureDoesNotMatch; an unknown key: 403 InvalidAccessKeyId', async () => {
    const forged = await presigned('snapshots/partner/areas.csv', 'AKIDREADER', 'not-the-secret');
    expect(await s3Error(await fetch(forged))).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const stranger = await presigned('snapshots/partner/areas.csv', 'AKIDNOBODY', 'whatever');
    expect(await s3Error(await fetch(stranger))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
  });

  it('an expired link: 403 AccessDenied, Request has expired', async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER', undefined, 900);
    clockAheadMs = 899_000;
    expect((await fetch(link)).status).toBe(200);
    clockAheadMs = 902_000;
    expect(await s3Error(await fetch(link))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Request has expired',
    });
  });

  it('an expired link, in real time: signed for 1 second, used 2 seconds later', async () => {
    const link = await presigned('snapshots/partner/areas.csv', 'AKIDREADER', undefined, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await s3Error(await fetch(link))).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('a link signed by a key whose policy does not cover the object: 403 AccessDenied', async () => {
    const link = await presigned('snapshots/internal/areas.csv', 'AKIDREADER');
    const refused = await s3Error(await fetch(link));
    expect(refused).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(refused.message).toContain('is not authorized to perform: s3:GetObject');
    // The writer's link to the same object works: the signer's rights decide.
    expect((await fetch(await presigned('snapshots/internal/areas.csv', 'AKIDWRITER'))).status).toBe(200);
  });

  it('a link to a missing object: 403 without s3:ListBucket, 404 NoSuchKey with it', async () => {
    const reader = await presigned('snapshots/partner/nothing.csv', 'AKIDREADER');
    expect(await s3Error(await fetch(reader))).toMatchObject({ status: 403, code: 'AccessDenied' });
    const lister = await presigned('snapshots/partner/nothing.csv', 'AKIDLISTER');
    expect(await s3Error(await fetch(lister))).toMatchObject({ status: 404, code: 'NoSuchKey' });
  });
});

describe('shared/store/s3.ts against the edge', () => {
  it('getObject of a missing key meets AccessDenied, not NoSuchKey, when its role lacks s3:ListBucket', async () => {
    environmentFor('AKIDREADER');
    vi.resetModules();
    const store = await import('../../shared/store/s3.ts');
    expect((await store.getObject('snapshots/partner/areas.csv'))?.toString()).toBe('area,uses\nA,1\n');
    await expect(store.getObject('snapshots/partner/missing.csv')).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('with s3:ListBucket the missing key is undefined', async () => {
    environmentFor('AKIDLISTER');
    vi.resetModules();
    const store = await import('../../shared/store/s3.ts');
    expect(await store.getObject('snapshots/partner/missing.csv')).toBeUndefined();
  });
});
