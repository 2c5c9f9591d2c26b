// Where an operator script that reads the table (and bucket) directly points: a deployed table named with
// --table (and --bucket, --region), read with the operator's own AWS credentials; or, without --table, the
// running local service, found through its runtime.json (scripts/local-service.ts).
import { UsageError } from './cli.ts';
import { localServiceEnvHelp, useLocalService } from './local-service.ts';

export const targetOptions = {
  table: { type: 'string' },
  bucket: { type: 'string' },
  region: { type: 'string' },
} as const;

export interface TargetValues {
  table?: string | undefined;
  bucket?: string | undefined;
  region?: string | undefined;
}

/** The options and environment of a script that works on the local service or a deployed table. */
export function targetHelp({ bucket }: { bucket: boolean }): string {
  return [
    'Where (default: the running local service of $KAIKU_DATA_DIR):',
    '  --table NAME      a deployed table instead (the DataStack output TableName), with your AWS credentials',
    ...(bucket ? ['  --bucket NAME     its statistics bucket (the StatsStack output), with --table'] : []),
    '  --region REGION   its region, with --table (default: AWS_REGION or your AWS profile)',
    '',
    'Environment:',
    localServiceEnvHelp,
    '  AWS_PROFILE, AWS_REGION   your AWS credentials and region, with --table',
  ].join('\n');
}

/**
 * Sets this process's AWS environment for the chosen target and describes it for the script's output.
 * `bucket` says whether the script writes or reads the statistics bucket.
 */
export async function useTarget(
  script: string,
  values: TargetValues,
  { bucket = false }: { bucket?: boolean } = {},
): Promise<string> {
  if (values.table) {
    process.env.TABLE_NAME = values.table;
    if (values.bucket) process.env.STATS_BUCKET = values.bucket;
    else if (bucket && !process.env.STATS_BUCKET)
      throw new UsageError(
        script,
        '--table needs --bucket too: the statistics bucket the snapshot is written to',
      );
    if (values.region) process.env.AWS_REGION = values.region;
    const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    return (
      `table ${values.table}${bucket ? `, bucket ${process.env.STATS_BUCKET}` : ''}` +
      `${region ? ` in ${region}` : ''}`
    );
  }
  const stray = (['bucket', 'region'] as const).filter((name) => values[name] !== undefined);
  if (stray.length > 0)
    throw new UsageError(
      script,
      `${stray.map((name) => `--${name}`).join(' and ')} ${stray.length > 1 ? 'go' : 'goes'} only with --table (without it the local service is used)`,
    );
  const { runtime } = await useLocalService('or name a deployed table with --table');
  return `the local service at ${runtime.url} (table ${runtime.tableName}${bucket ? `, bucket ${runtime.bucket}` : ''})`;
}
