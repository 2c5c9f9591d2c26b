// Reading and writing objects of the statistics bucket (the snapshot job). In AWS the default endpoint;
// locally s3rver at AWS_ENDPOINT_URL_S3, which understands only path-style addresses (http://host/bucket/key).
// Links for partners are made in s3-links.ts, without this client.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { statsBucket } from './s3-links.ts';

export { statsBucket };

let client: S3Client | undefined;

export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL_S3 !== undefined });
  return client;
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
