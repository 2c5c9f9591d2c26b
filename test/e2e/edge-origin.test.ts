// Issue 17, "the edge can be walked around" and "a secret lives in the table": the API answers only
// requests that came through CloudFront (the origin secret CloudFront adds, checked before anything
// else); the client's address is believed only from there, so a forged CloudFront-Viewer-Address changes
// nothing; the secrets are in Secrets Manager (locally its IAM-checked stand-in), read only by the
// functions granted them (docs/decisions/0022-secrets-and-origin.md).
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { localSecretName, secretFile } from '../../infra/local/aws/secrets-edge.ts';
import { viewerAddressHeader } from '../../shared/domain/application-source.ts';
import { originHeader } from '../../shared/http/origin.ts';
import { authorizerHandler, findRoute } from '../../shared/http/routes.ts';
import { secretPurposes } from '../../shared/store/secrets.ts';
import { statsBucket } from '../support/global-setup.ts';
import {
  applicationBody,
  expectError,
  localIam,
  originSecret,
  type Reply,
  scanTable,
  startTestService,
  type TestService,
} from '../support/service.ts';

// Over a hundred applications, each through a gateway of its own, on a shared machine.
vi.setConfig({ testTimeout: 240_000 });

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.stop());

const admin = (method: string, path: string, body?: unknown) =>
  service.call(method, path, { key: service.adminKey, ...(body !== undefined && { body }) });
const pendingSources = async () => {
  const items = (await admin('GET', '/v1/applications?status=pending&limit=500')).body.items as any[];
  return new Map(items.map((item) => [item.id as string, item.source as string]));
};

/** One application on a gateway of its own (the route's throttle is per gateway and not the point). */
async function apply(n: number, headers: Record<string, string>): Promise<Reply> {
  const gateway = await service.gateway();
  try {
    return await gateway.call('POST', '/v1/applications', {
      body: applicationBody(
        { areaName: `Applicant ${n}`, municipalityCodes: ['091'], welfareArea: 'HKI' },
        n,
      ),
      headers,
    });
  } finally {
    await gateway.close();
  }
}

const forged = (n: number) => ({ [viewerAddressHeader]: `10.66.${n >> 8}.${n & 255}:${40_000 + n}` });

describe('a forged CloudFront-Viewer-Address changes nothing', () => {
  it('limits 104 applications from one client, each naming a new address, like one client; a genuine applicant named by three of them still applies', async () => {
    const genuine = '198.51.100.20';
    // Three sent straight to the gateway, each claiming to come from the genuine applicant's address.
    const posing = [];
    for (let n = 0; n < 3; n++)
      posing.push(await apply(n, { [viewerAddressHeader]: `${genuine}:${50_000 + n}` }));
    expect(posing.map((reply) => reply.status)).toEqual([201, 201, 201]);
    // The genuine applicant, as CloudFront passes its request on: its own places are all free.
    const real = await apply(3, { [originHeader]: originSecret(), [viewerAddressHeader]: `${genuine}:443` });
    expect(real.status).toBe(201);
    // 101 more from the same client, each with a new forged address: that client already has 3 waiting.
    const statuses: number[] = [];
    for (let n = 4; n < 105; n++) {
      const reply = await apply(n, forged(n));
      if (reply.status !== 201) expectError(reply, 409, 'CONFLICT');
      statuses.push(reply.status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(0);
    expect(statuses).toHaveLength(101);
    const sources = await pendingSources();
    const posingSources = new Set(posing.map((reply) => sources.get(reply.body.id)));
    expect(posingSources.size).toBe(1);
    expect(posingSources.has(sources.get(real.body.id))).toBe(false);
    // Cleared in one request, by that one source.
    const [spamSource] = [...posingSources];
    const cleared = await admin('POST', '/v1/applications/reject-pending', {
      reason: 'Forged addresses.',
      source: spamSource,
    });
    expect(cleared.body.rejected).toHaveLength(3);
  });
});

/** An API Gateway (payload 2.0) event as execute-api would deliver it, bypassing CloudFront. */
const directEvent = (routeKey: string, headers: Record<string, string>) => {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: {
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.99', userAgent: 'curl' },
    },
  };
};

describe('the API answers only requests that came through CloudFront', () => {
  const invoke = (routeKey: string, headers: Record<string, string>) =>
    service.deployment.functions.invoke<{ statusCode: number; body: string }>(
      findRoute(routeKey as never).handler,
      directEvent(routeKey, headers),
    );

  it('refuses a public route reached without the origin secret, or with a wrong one, with 403 and does nothing', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { [originHeader]: 'guess' },
      { [originHeader]: `${originSecret()}x` },
    ];
    for (const headers of attempts) {
      const reply = await invoke('GET /v1/health', headers);
      expect(reply.statusCode).toBe(403);
      expect(JSON.parse(reply.body).error.code).toBe('FORBIDDEN');
    }
    const before = (await scanTable()).length;
    const application = await service.deployment.functions.invoke<{ statusCode: number }>(
      findRoute('POST /v1/applications').handler,
      {
        ...directEvent('POST /v1/applications', { 'content-type': 'application/json' }),
        body: JSON.stringify(applicationBody({ municipalityCodes: ['092'], welfareArea: 'VK' })),
      },
    );
    expect(application.statusCode).toBe(403);
    expect((await scanTable()).length).toBe(before);
    // With the secret, as CloudFront sends it, the same function answers.
    expect((await invoke('GET /v1/health', { [originHeader]: originSecret() })).statusCode).toBe(200);
  });

  it('refuses a route with a key, and its authorizer looks up no key, without the origin secret', async () => {
    const bearer = `Bearer ${service.adminKey}`;
    const authorized = await service.deployment.functions.invoke<{ context: Record<string, unknown> }>(
      authorizerHandler,
      { headers: { authorization: bearer }, routeKey: 'GET /v1/areas', requestContext: {} },
    );
    expect(authorized.context.authenticated).toBe(false);
    const withOrigin = await service.deployment.functions.invoke<{ context: Record<string, unknown> }>(
      authorizerHandler,
      {
        headers: { authorization: bearer, [originHeader]: originSecret() },
        routeKey: 'GET /v1/areas',
        requestContext: {},
      },
    );
    expect(withOrigin.context.authenticated).toBe(true);
    // Even with the authorizer's answer for the key (as a cached one would be), the handler refuses.
    const reply = await service.deployment.functions.invoke<{ statusCode: number; body: string }>(
      findRoute('GET /v1/areas').handler,
      {
        ...directEvent('GET /v1/areas', { authorization: bearer }),
        requestContext: {
          ...directEvent('GET /v1/areas', {}).requestContext,
          authorizer: { lambda: withOrigin.context },
        },
      },
    );
    expect(reply.statusCode).toBe(403);
  });
});

describe('secrets are in Secrets Manager, read only by the functions granted them', () => {
  const names = () => ({ tableName: service.tableName, bucket: statsBucket });
  const clientAs = (handlerFile: string) =>
    new SecretsManagerClient({
      endpoint: inject('secretsEndpoint'),
      region: 'eu-north-1',
      credentials: localIam().credentialsFor(handlerFile, names()),
    });
  const submitHandler = findRoute('POST /v1/applications').handler;
  const sourceKeyArn = () =>
    service.deployment.functions.environmentOf(submitHandler)[secretPurposes.applicationSource]!;

  it('lets the function of POST /v1/applications read the key of the sources, and refuses one without the grant', async () => {
    expect(sourceKeyArn()).toMatch(/^arn:aws:secretsmanager:eu-north-1:000000000000:secret:/);
    const read = await clientAs(submitHandler).send(new GetSecretValueCommand({ SecretId: sourceKeyArn() }));
    expect(read.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
    for (const other of [findRoute('GET /v1/health').handler, findRoute('GET /v1/applications').handler]) {
      expect(
        service.deployment.functions.environmentOf(other)[secretPurposes.applicationSource],
      ).toBeUndefined();
      await expect(
        clientAs(other).send(new GetSecretValueCommand({ SecretId: sourceKeyArn() })),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
    // Every API function reads the origin secret; none of them may read it under another's name.
    const health = findRoute('GET /v1/health').handler;
    const originArn = service.deployment.functions.environmentOf(health)[secretPurposes.originVerify]!;
    const origin = await clientAs(health).send(new GetSecretValueCommand({ SecretId: originArn }));
    expect(origin.SecretString).toBe(originSecret());
  });

  it('keeps no secret in the table, and each secret in a file only its owner may read', async () => {
    expect((await apply(200, {})).status).toBe(201);
    const items = await scanTable();
    expect(items.filter((item) => String(item.pk).startsWith('SECRET#'))).toEqual([]);
    for (const purpose of ['applicationSource', 'originVerify'] as const) {
      const mode = statSync(secretFile(inject('secretsDir'), localSecretName(purpose))).mode & 0o777;
      expect(mode.toString(8)).toBe('600');
    }
  });
});
