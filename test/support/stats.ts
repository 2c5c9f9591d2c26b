// Statistics tests: a bucket of their own (the shared test bucket is written by other files' snapshots
// too), and direct reads of it.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { useLocalAws } from '../../infra/local/aws/use-local-aws.ts';
import { getObject, s3Client } from '../../shared/store/s3.ts';
import { localIam } from './service.ts';

/**
 * A fresh bucket on the shared S3 server, made by the operator; STATS_BUCKET points at it from now on in
 * this process. Give it to startTestService for a deployment that writes its statistics there.
 */
export async function useFreshBucket(): Promise<string> {
  const bucket = `kaiku-stats-${randomBytes(4).toString('hex')}`;
  useLocalAws(
    inject('dynamoEndpoint'),
    inject('s3Endpoint'),
    process.env.TABLE_NAME ?? 'none',
    bucket,
    localIam().operator,
  );
  await (await s3Client()).send(new CreateBucketCommand({ Bucket: bucket }));
  process.env.STATS_BUCKET = bucket;
  return bucket;
}

/** Every object of the bucket under `prefix`, by key. */
export async function readObjects(prefix = 'snapshots/'): Promise<Map<string, Buffer>> {
  const objects = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const page = await (await s3Client()).send(
      new ListObjectsV2Command({
        Bucket: process.env.STATS_BUCKET,
        Prefix: prefix,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) objects.set(object.Key!, (await getObject(object.Key!))!);
    token = page.NextContinuationToken;
  } while (token);
  return objects;
}
