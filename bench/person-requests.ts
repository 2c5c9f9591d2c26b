// What a person's request adds over a machine key's (issue 16): DynamoDB requests per API request, counted
// at the local DynamoDB endpoint, for the same route (GET /v1/usages?limit=1) by a venue's key and by a
// person of that venue signed in through the local identity provider. Both with the authorizer's answer
// cached (as almost every request in AWS is): what is left is the per-request check of the caller (a key:
// GetItem of the key; a person: one Query of their partition, the person and every membership). Run
// alone with `node bench/person-requests.ts`; `npm run bench` runs it among the others.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { outboxDir } from '../infra/local/identity/server.ts';
import { signInOverHttp } from '../infra/local/identity/sign-in-client.ts';
import { startLocalService } from '../infra/local/runtime.ts';
import { projectRoot } from '../infra/paths.ts';
import { latestInvitation } from '../scripts/seed-people.ts';
import { registerArea, registerOrganisation } from '../shared/use-cases/register-organisation.ts';
import { freePort } from '../test/support/free-port.ts';
import { buildBundles } from './bundles.ts';
import { deployedEnvironments, medianLoadTimes } from './init-time.ts';

const requests = 200;
const round = (value: number) => Number(value.toFixed(3));

const streamReads = new Set([
  'DescribeStream',
  'GetShardIterator',
  'GetRecords',
  'ListStreams',
  'DescribeTable',
]);
const tableRequests = (requestsByOperation: Map<string, number>) =>
  [...requestsByOperation].reduce(
    (sum, [operation, count]) => (streamReads.has(operation) ? sum : sum + count),
    0,
  );

export interface PersonRequestFigures {
  /** DynamoDB requests per API request of a person, minus those of a key (target <= 1). */
  readonly personReadsOverKey: number;
  readonly keyRequestsPerRequest: number;
  readonly personRequestsPerRequest: number;
  /** A person's first request: the authorizer verifies the token and notes the sign-in. */
  readonly personFirstRequestRequests: number;
}

export async function measurePersonRequests(workDir: string): Promise<PersonRequestFigures> {
  const dataDir = join(workDir, 'person-data');
  const port = await freePort();
  const service = await startLocalService({
    port,
    dataDir,
    persist: false,
    dynamoPort: await freePort(),
    s3Port: await freePort(),
    identityPort: await freePort(),
    tableName: 'bench-people',
    streamPollMs: 3_600_000,
  });
  try {
    const area = await registerArea({ name: 'Bench area', municipalityCodes: ['049'], welfareArea: 'LU' });
    const venue = await registerOrganisation({ kind: 'venue', name: 'Bench venue', areaId: area.areaId });
    const orgId = venue.organisation.orgId;
    const email = 'bench.desk@venue.example';
    const invited = await fetch(`${service.url}/v1/organisations/${orgId}/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email, name: 'Bench Desk' }),
    });
    if (invited.status !== 201) throw new Error(`invitation: ${invited.status} ${await invited.text()}`);
    const invitation = latestInvitation(outboxDir(dataDir), email);
    const tokens = await signInOverHttp({
      issuer: service.identity.issuer,
      clientId: service.identity.clientId,
      redirectUri: `${new URL(invitation.link).origin}/signed-in`,
      email,
      password: invitation.password,
      newPassword: 'Bench-desk-2026-long!',
    });
    const counted = () => tableRequests(service.aws.dynamoEdge.requests);
    const get = async (token: string) => {
      const reply = await fetch(`${service.url}/v1/usages?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await reply.arrayBuffer();
      if (reply.status !== 200) throw new Error(`GET /v1/usages: ${reply.status}`);
    };
    const perRequest = async (token: string) => {
      const before = counted();
      for (let i = 0; i < requests; i++) await get(token);
      return (counted() - before) / requests;
    };
    // First requests: the authorizer runs (and notes the key's last use, the person's sign-in) and caches.
    await get(venue.apiKey);
    const beforeFirst = counted();
    await get(tokens.access_token);
    const personFirstRequestRequests = counted() - beforeFirst;
    const keyRequestsPerRequest = await perRequest(venue.apiKey);
    const personRequestsPerRequest = await perRequest(tokens.access_token);
    return {
      personReadsOverKey: round(personRequestsPerRequest - keyRequestsPerRequest),
      keyRequestsPerRequest: round(keyRequestsPerRequest),
      personRequestsPerRequest: round(personRequestsPerRequest),
      personFirstRequestRequests,
    };
  } finally {
    await service.stop();
  }
}

export const describePersonRequests = (figures: PersonRequestFigures) =>
  `personReadsOverKey   ${figures.personReadsOverKey}  (target <= 1; DynamoDB requests per request: a person ${figures.personRequestsPerRequest}, a key ${figures.keyRequestsPerRequest}; a person's first request ${figures.personFirstRequestRequests})`;

/**
 * The authorizer's import time against the bare SDK's, as npm run bench measures every function
 * (bench/run.ts: initRatios.authorizer), for a run of this file alone: only these two bundles are built.
 */
export async function measureAuthorizerInit(workDir: string): Promise<number> {
  const { baseline, functions } = await buildBundles(join(workDir, 'bundles'), (handler) =>
    handler.endsWith('/authorizer.ts'),
  );
  const [authorizer] = functions;
  if (!authorizer) throw new Error('no authorizer among the handlers');
  const environment = deployedEnvironments().get(authorizer.handlerFile) ?? {};
  const nodeOptions: Record<string, string> = environment.NODE_OPTIONS
    ? { NODE_OPTIONS: environment.NODE_OPTIONS }
    : {};
  const [baselineMs, authorizerMs] = medianLoadTimes(
    [
      { file: baseline.file, environment: nodeOptions },
      { file: authorizer.file, environment },
    ],
    11,
  );
  return Number((authorizerMs! / baselineMs!).toFixed(3));
}

if (import.meta.main) {
  const workDir = join(projectRoot, '.bench', 'people');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  // The functions' request lines go to a file, not between the figures.
  process.env.KAIKU_LOG_CAPTURE ??= join(workDir, 'functions.log');
  console.log(describePersonRequests(await measurePersonRequests(workDir)));
  console.log(
    `authorizerInitRatio  ${await measureAuthorizerInit(workDir)}  (target <= 1.25; the authorizer with jose for people's tokens, against the bare SDK)`,
  );
  process.exit(0);
}
