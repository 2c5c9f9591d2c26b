// Reading and writing objects of the statistics bucket (the snapshot job). In AWS the default endpoint;
// locally s3rver at AWS_ENDPOINT_URL_S3, which understands only path-style addresses (http://host/bucket/key).
// Links for partners are made in s3-links.ts, without this client.
import type { S3Client } from '@aws-sdk/client-s3';
import { statsBucket } from './s3-links.ts';

export { statsBucket };

// Loaded on first use: the S3 client is large, and evaluating it at import would slow the cold start.
let client: Promise<{ s3: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;

function s3() {
  client ??= import('@aws-sdk/client-s3').then((sdk) => ({
    sdk,
    s3: new sdk.S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined }),
  }));
  return client;
}

export async function putObject(key: string, body: Buffer, contentType: string): Promise<void> {
  const { s3: client, sdk } = await s3();
  await client.send(
    new sdk.PutObjectCommand({ Bucket: statsBucket(), Key: key, Body: body, ContentType: contentType }),
  );
}

/** The object's bytes, or undefined when there is no such object. */
export async function getObject(key: string): Promise<Buffer | undefined> {
  const { s3: client, sdk } = await s3();
  try {
    const result = await client.send(new sdk.GetObjectCommand({ Bucket: statsBucket(), Key: key }));
    return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Every key under `prefix`, in S3's (code-unit) order. */
export async function listKeys(prefix: string): Promise<string[]> {
  const { s3: client, sdk } = await s3();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new sdk.ListObjectsV2Command({ Bucket: statsBucket(), Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

export async function deleteObject(key: string): Promise<void> {
  const { s3: client, sdk } = await s3();
  await client.send(new sdk.DeleteObjectCommand({ Bucket: statsBucket(), Key: key }));
}

/** The client itself, for tests that list or create buckets. */
export async function s3Client(): Promise<S3Client> {
  return (await s3()).s3;
}
