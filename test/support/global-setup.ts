// One local AWS account for the whole test run: DynamoDB Local (in memory) and an S3 server, each behind
// the endpoint that enforces IAM as AWS does. Each test file makes its own table and deploys the service's
// functions on it, each with its own role; files never see each other's data.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LocalIam } from '../../infra/local/aws/account.ts';
import { startLocalAws } from '../../infra/local/aws/local-aws.ts';
import { type FunctionTemplate, functionTemplates } from '../../infra/local/aws/roles.ts';
import { startLocalIdentity } from '../../infra/local/identity/server.ts';
import { findLeaks } from './log-leaks.ts';
import { applyRunClock } from './run-clock.ts';

export const statsBucket = 'kaiku-statistics-test';

export default async function setup(project: TestProject) {
  applyRunClock();
  const dir = mkdtempSync(join(tmpdir(), 'kaiku-test-'));
  // Every function's output of the run is captured, and every secret and holder value the tests use is
  // recorded (the test processes inherit these); the teardown searches the one for the other.
  const captured = join(dir, 'functions.log');
  const recorded = join(dir, 'sensitive.jsonl');
  writeFileSync(captured, '');
  writeFileSync(recorded, '');
  process.env.KAIKU_LOG_CAPTURE = captured;
  process.env.KAIKU_LOG_SECRETS = recorded;
  // DynamoDB Local on this shared machine can take seconds for one call: the clients' cut-off (2 s in
  // production, shared/store/client.ts) is longer here, except where a test sets the production one.
  process.env.KAIKU_DYNAMODB_TIMEOUT_MS ??= '10000';
  const account = { templates: functionTemplates(), secret: randomBytes(32).toString('base64url') };
  const iam = new LocalIam(account.templates, account.secret, statsBucket);
  const aws = await startLocalAws({
    iam,
    dynamoPort: 0,
    s3Port: 0,
    s3DataDir: join(dir, 's3'),
    secretsDir: join(dir, 'secrets'),
  });
  project.provide('dynamoEndpoint', aws.dynamoEndpoint);
  project.provide('s3Endpoint', aws.s3Endpoint);
  project.provide('secretsEndpoint', aws.secretsEndpoint);
  project.provide('secretsDir', join(dir, 'secrets'));
  project.provide('account', account);
  // The identity provider people sign in with, as npm start runs it: every test service's functions are
  // told of it (GET /v1/auth/config, invitations); tests of sign-in itself may start their own.
  const identity = await startLocalIdentity({
    dataDir: join(dir, 'identity'),
    port: 0,
    webAppOrigin: 'http://localhost:3999',
    outboxDir: join(dir, 'outbox'),
    iam,
  });
  project.provide('identity', {
    issuer: identity.issuer,
    clientId: identity.clientId,
    userPoolId: identity.userPoolId,
    endpoint: identity.endpoint,
    outboxDir: join(dir, 'outbox'),
  });
  return async () => {
    await identity.stop();
    await aws.stop();
    const report = findLeaks(captured, recorded);
    const kept = join(tmpdir(), `kaiku-log-leaks-${process.pid}.log`);
    if (report.leaks.length > 0) writeFileSync(kept, readFileSync(captured));
    rmSync(dir, { recursive: true, force: true });
    if (report.leaks.length > 0)
      throw new Error(
        `The functions' logs hold ${report.leaks.length} secret, holder or free-text value(s) of the tests ` +
          `(logs kept in ${kept}):\n${report.leaks.join('\n')}`,
      );
    // Values were used but no request was logged: the capture is broken, and the check proves nothing.
    if (report.recorded > 0 && report.requestLines === 0)
      throw new Error(`${report.recorded} sensitive values recorded but no request log line was captured`);
    if (report.recorded > 0)
      console.log(
        `Log leak check: ${report.recorded} keys, claim tokens, holder values and texts searched for in ` +
          `${report.requestLines} request lines of the functions' output: none found.`,
      );
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
    /** The local Secrets Manager, and the folder of its files (mode 600). */
    secretsEndpoint: string;
    secretsDir: string;
    /** The roles of the CDK app and the account's secret: every test process can deploy and sign. */
    account: { templates: FunctionTemplate[]; secret: string };
    /** The run's local identity provider (its issuer, app client, pool and Cognito endpoint). */
    identity: { issuer: string; clientId: string; userPoolId: string; endpoint: string; outboxDir: string };
  }
}
