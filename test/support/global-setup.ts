// One DynamoDB Local (in memory) and one S3 server for the whole test run; each test file makes its
// own table, so files never see each other's data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamo } from '../../infra/local/dynamodb.ts';
import { startS3 } from '../../infra/local/s3.ts';
import { freePort } from './free-port.ts';

export const statsBucket = 'kaiku-statistics-test';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'kaiku-test-'));
  const dynamo = await startDynamo(await freePort());
  const s3 = await startS3(await freePort(), join(dir, 's3'), [statsBucket]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await s3.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}
