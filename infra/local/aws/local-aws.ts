// The local stand-in for one AWS account: DynamoDB Local behind an endpoint that enforces IAM, and S3
// the same way. Functions reach them with their own role's credentials, the operator with full rights.

import { dirname, join } from 'node:path';
import { startDynamo } from '../dynamodb.ts';
import { type LocalIam, localAccount } from './account.ts';
import { type DynamoEdge, startDynamoEdge } from './dynamodb-edge.ts';
import { freePortOnLoopback } from './ports.ts';
import { startS3Edge } from './s3-edge.ts';
import { type SecretsEdge, startSecretsEdge } from './secrets-edge.ts';

export interface LocalAwsOptions {
  readonly iam: LocalIam;
  /** The DynamoDB endpoint the service and scripts use (DynamoDB Local itself gets a port of its own). */
  readonly dynamoPort: number;
  readonly s3Port: number;
  /** DynamoDB's files (undefined: in memory) and the S3 server's. */
  readonly dynamoDataDir?: string;
  readonly s3DataDir: string;
  /** The secrets' files (mode 600); default: "secrets" beside the S3 server's folder. */
  readonly secretsDir?: string;
  /** The local Secrets Manager's port (default: any free one). */
  readonly secretsPort?: number;
  /** How long a write holds its items past DynamoDB Local's answer (dynamodb-edge.ts; default 0). */
  readonly holdMs?: number;
}

export interface LocalAws {
  readonly iam: LocalIam;
  readonly dynamoEndpoint: string;
  readonly s3Endpoint: string;
  readonly secretsEndpoint: string;
  readonly secrets: SecretsEdge;
  readonly dynamoEdge: DynamoEdge;
  stop(): Promise<void>;
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const part of stops.reverse()) await part().catch(() => undefined);
  };
  try {
    const dynamo = await startDynamo(await freePortOnLoopback(), options.dynamoDataDir);
    stops.push(() => dynamo.stop());
    const dynamoEdge = await startDynamoEdge({
      port: options.dynamoPort,
      backend: dynamo.endpoint,
      iam: options.iam,
      ...(options.holdMs !== undefined && { holdMs: options.holdMs }),
    });
    stops.push(() => dynamoEdge.stop());
    const s3 = await startS3Edge({
      port: options.s3Port,
      dataDir: options.s3DataDir,
      buckets: [options.iam.bucket],
      region: 'eu-north-1',
      secretOf: options.iam.secretOf,
      decide: (call) => options.iam.decide(call),
    });
    stops.push(() => s3.stop());
    const secrets = await startSecretsEdge({
      port: options.secretsPort ?? 0,
      dir: options.secretsDir ?? join(dirname(options.s3DataDir), 'secrets'),
      iam: options.iam,
      names: options.iam.secretNames,
      region: localAccount.region,
      accountId: localAccount.accountId,
    });
    stops.push(() => secrets.stop());
    return {
      iam: options.iam,
      dynamoEndpoint: dynamoEdge.endpoint,
      s3Endpoint: s3.endpoint,
      secretsEndpoint: secrets.endpoint,
      secrets,
      dynamoEdge,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
