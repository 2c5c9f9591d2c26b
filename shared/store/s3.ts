// The statistics bucket. The one place that knows how to reach S3: in AWS the default endpoint, locally
// s3rver at AWS_ENDPOINT_URL_S3, which understands only path-style addresses (http://host/bucket/key).
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

let client: S3Client | undefined;

export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
  return client;
}

/** Read at call time, like the table name, so tests and the local runtime can point at their own. */
export function statsBucket(): string {
  const bucket = process.env.STATS_BUCKET;
  if (!bucket) throw new Error('STATS_BUCKET is not set: the statistics bucket is unknown');
  return bucket;
}

export async function putObject(key: string, body: Buffer, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: statsBucket(), Key: key, Body: body, ContentType: contentType }),
  );
}

/** The object's bytes, or undefined when there is no such object. */
export async function getObject(key: string): Promise<Buffer | undefined> {
  try {
    const result = await s3Client().send(new GetObjectCommand({ Bucket: statsBucket(), Key: key }));
    return Buffer.from((await result.Body?.transformToByteArray()) ?? []);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** A GET link anyone holding it may use until it expires; signed with this function's credentials. */
export function presignedGet(key: string, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: statsBucket(), Key: key }), {
    expiresIn: expiresInSeconds,
  });
}
