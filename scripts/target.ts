// Where an operator script points: the running local service (npm start writes its endpoints to
// $KAIKU_DATA_DIR/runtime.json), or a deployed table and bucket named with --table and --bucket, read
// with the operator's own AWS credentials.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useLocalAws } from '../infra/local/runtime.ts';

export const targetOptions = {
  table: { type: 'string' },
  bucket: { type: 'string' },
  region: { type: 'string' },
} as const;

export function useTarget(values: { table?: string; bucket?: string; region?: string }): string {
  if (values.table) {
    process.env.TABLE_NAME = values.table;
    if (values.bucket) process.env.STATS_BUCKET = values.bucket;
    if (values.region) process.env.AWS_REGION = values.region;
    return `table ${values.table}${values.bucket ? `, bucket ${values.bucket}` : ''}`;
  }
  const dataDir = process.env.KAIKU_DATA_DIR ?? '.kaiku';
  const runtimeFile = join(dataDir, 'runtime.json');
  if (!existsSync(runtimeFile)) {
    console.error(
      `${runtimeFile} is missing: start the service with npm start, or name a deployed table with --table (and --bucket).`,
    );
    process.exit(2);
  }
  const runtime = JSON.parse(readFileSync(runtimeFile, 'utf8'));
  useLocalAws(runtime.dynamoEndpoint, runtime.s3Endpoint, runtime.tableName, runtime.bucket);
  return `the local service (table ${runtime.tableName}, bucket ${runtime.bucket})`;
}
