// One local AWS account for the whole test run: DynamoDB Local (in memory) and an S3 server, each behind
// the endpoint that enforces IAM as AWS does. Each test file makes its own table and deploys the service's
// functions on it, each with its own role; files never see each other's data.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LocalIam } from '../../infra/local/aws/account.ts';
import { startLocalAws } from '../../infra/local/aws/local-aws.ts';
import { type FunctionTemplate, functionTemplates } from '../../infra/local/aws/roles.ts';

export const statsBucket = 'kaiku-statistics-test';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'kaiku-test-'));
  const account = { templates: functionTemplates(), secret: randomBytes(32).toString('base64url') };
  const aws = await startLocalAws({
    iam: new LocalIam(account.templates, account.secret, statsBucket),
    dynamoPort: 0,
    s3Port: 0,
    s3DataDir: join(dir, 's3'),
  });
  project.provide('dynamoEndpoint', aws.dynamoEndpoint);
  project.provide('s3Endpoint', aws.s3Endpoint);
  project.provide('account', account);
  return async () => {
    await aws.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
    /** The roles of the CDK app and the account's secret: every test process can deploy and sign. */
    account: { templates: FunctionTemplate[]; secret: string };
  }
}
