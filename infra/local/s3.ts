// An S3-compatible server (s3rver) for the statistics bucket.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface RunningS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3(port: number, dataDir: string, buckets: readonly string[]): Promise<RunningS3> {
  mkdirSync(dataDir, { recursive: true });
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
