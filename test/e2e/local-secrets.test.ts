// Issue 17, "a secret lives in the table", for `npm start` itself: the first start makes each secret of
// the CDK app a file of mode 600 in the data folder; an application is hashed with the key of the sources
// and the table holds no SECRET# item; a forged CloudFront-Viewer-Address sent to the service changes
// nothing (docs/decisions/0022-secrets-and-origin.md).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localSecretName, secretFile } from '../../infra/local/aws/secrets-edge.ts';
import { type ServiceProcess, startServiceProcess } from '../support/local-process.ts';
import { applicationBody } from '../support/service.ts';

vi.setConfig({ testTimeout: 120_000 });

// A first start synthesises the app and starts DynamoDB Local: minutes on a loaded shared machine.
const startupMs = 300_000;

const dataDir = mkdtempSync(join(tmpdir(), 'kaiku-secrets-'));
let service: ServiceProcess;
beforeAll(async () => {
  service = await startServiceProcess(dataDir, {}, startupMs);
}, startupMs + 10_000);
afterAll(async () => {
  await service?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const apply = (n: number, headers: Record<string, string>) =>
  fetch(`${service.url}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(applicationBody({ municipalityCodes: ['091'], welfareArea: 'HKI' }, n)),
  });

describe('npm start keeps its secrets in files of mode 600, never in the table', () => {
  it('makes each secret a file only its owner may read, on the first start', () => {
    const dir = join(dataDir, 'secrets');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(
      [localSecretName('applicationSource'), localSecretName('originVerify')]
        .map((name) => secretFile(dir, name).slice(dir.length + 1))
        .sort(),
    );
    for (const purpose of ['applicationSource', 'originVerify'] as const) {
      const file = secretFile(dir, localSecretName(purpose));
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
      expect(readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9]{64}$/);
    }
  });

  it('limits one client that forges a new CloudFront-Viewer-Address each time, and stores no secret in the table', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) {
      const reply = await apply(n, { 'cloudfront-viewer-address': `192.0.2.${n + 1}:443` });
      statuses.push(reply.status);
      await reply.arrayBuffer();
      // The route's throttle (1 a second, burst 5) is not the point.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    expect(statuses).toEqual([201, 201, 201, 409, 409]);
    const runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8'));
    const client = new DynamoDBClient({
      endpoint: runtime.dynamoEndpoint,
      region: runtime.region,
      credentials: runtime.operator,
    });
    const { Items = [] } = await client.send(new ScanCommand({ TableName: runtime.tableName }));
    const keys = Items.map((item) => item.pk?.S ?? '');
    expect(keys.filter((key) => key.startsWith('APP#'))).toHaveLength(3);
    expect(keys.filter((key) => key.startsWith('SECRET#'))).toEqual([]);
  });
});
