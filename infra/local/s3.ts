// An S3-compatible server (s3rver) for the statistics bucket.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import S3rver from 's3rver';

export interface RunningS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The credentials useLocalAws gives this process's SDK clients (DynamoDB Local accepts any). */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * s3rver checks signatures (headers and presigned URLs alike) against its own account, which knows only
 * the key S3RVER; it has no option for others, so the local key pair is added to that account.
 */
function acceptLocalCredentials(): void {
  const account = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
  };
  account.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
}

export async function startS3(port: number, dataDir: string, buckets: readonly string[]): Promise<RunningS3> {
  mkdirSync(dataDir, { recursive: true });
  acceptLocalCredentials();
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    directory: dataDir,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await server.close();
    },
  };
}
