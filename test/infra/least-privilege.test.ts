// The synthesised roles, evaluated as IAM would evaluate them: each function may do what the route table
// declares for it and nothing more. The expectations are written out here, not derived from the table.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix } from '../../infra/local/aws/access-matrix.ts';
import { type Credentials, LocalIam, localAccount } from '../../infra/local/aws/account.ts';
import { functionTemplates } from '../../infra/local/aws/roles.ts';
import { defaultStageOfCdkJson, namesOf } from '../../infra/stage.ts';
import { matrixDocument, withMatrix } from '../../scripts/access-matrix.ts';
import { authorizerHandler, jobHandlers, type Route, routes } from '../../shared/http/routes.ts';

const deployment = { tableName: 'kaiku', bucket: 'kaiku-statistics' };
const table = `arn:aws:dynamodb:${localAccount.region}:${localAccount.accountId}:table/kaiku`;
let iam: LocalIam;
beforeAll(() => {
  iam = new LocalIam(functionTemplates(), 'test', deployment.bucket);
});

const credentials = (handlerFile: string): Credentials => iam.credentialsFor(handlerFile, deployment);
const allowed = async (handlerFile: string, action: string, resource: string, leadingKey?: string) =>
  (
    await iam.decide({
      accessKeyId: credentials(handlerFile).accessKeyId,
      action,
      resource,
      context: leadingKey === undefined ? {} : { 'dynamodb:LeadingKeys': [leadingKey] },
    })
  ).allowed;

/** One partition key value of every kind of item in the table. */
const samples = [
  'HEALTH',
  'CARD#ABCD-EFGH-JKLM',
  'KEY#k1',
  'ORG#o1',
  'AREA#a1',
  'AREAS',
  'NATIONAL',
  'USAGE#u1',
  'VENUE#o1',
  'AREAUSES#a1',
  'VENUEUSES#o1',
  'USES#2026-11',
  'AGG#a1',
  'CARDDAY#ABCD-EFGH-JKLM',
  'LIMIT#o1#ABCD-EFGH-JKLM',
  'APP#p1',
  'APPS#pending',
  'APPSOURCE#AbCdEfGhIjKlMnOp',
  'SECRET#APPSOURCE',
  'MUNI#049',
  'AUDIT#2026-11',
  'AUDITAREA#a1',
  'SNAPSHOTS',
  'PERSON#p1',
  'PEOPLE#o1',
];
const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const everyFunction = () => iam.templates.map((template) => template.handlerFile);
const handlerOf = (key: string) =>
  (routes as readonly Route[]).find((route) => `${route.method} ${route.path}` === key)!.handler;

/** Every (action, partition) a function may write, as IAM decides it. */
async function writesOf(handlerFile: string): Promise<string[]> {
  const found: string[] = [];
  for (const action of writes)
    for (const key of samples)
      if (await allowed(handlerFile, action, table, key)) found.push(`${action} ${key}`);
  return found;
}

describe('least privilege, evaluated on the synthesised roles', () => {
  it('reading routes write nothing; the one GET that writes claims the area-admin key once', async () => {
    for (const route of (routes as readonly Route[]).filter((candidate) => candidate.method === 'GET')) {
      const expected =
        route.path === '/v1/applications/{id}'
          ? ['dynamodb:UpdateItem KEY#k1', 'dynamodb:UpdateItem APP#p1']
          : [];
      expect((await writesOf(route.handler)).sort(), route.path).toEqual(expected.sort());
    }
  });

  it('no function deletes anything but a removed membership, or changes an audit entry', async () => {
    const removesPeople = handlerOf('DELETE /v1/organisations/{orgId}/people/{personId}');
    for (const handlerFile of everyFunction()) {
      for (const key of samples)
        expect(await allowed(handlerFile, 'dynamodb:DeleteItem', table, key), `${handlerFile} ${key}`).toBe(
          handlerFile === removesPeople && key === 'PERSON#p1',
        );
      expect(await allowed(handlerFile, 'dynamodb:UpdateItem', table, 'AUDIT#2026-11'), handlerFile).toBe(
        false,
      );
    }
  });

  it('audit entries are added only by the routes that audit an action', async () => {
    const auditing = [
      'POST /v1/cards/{cardNumber}/revoke',
      'POST /v1/cards/{cardNumber}/replace',
      'DELETE /v1/usages/{usageId}',
      'POST /v1/applications/{id}/approve',
      'POST /v1/applications/{id}/reject',
      'POST /v1/applications/reject-pending',
      'POST /v1/areas/{areaId}/organisations',
      'PATCH /v1/organisations/{orgId}',
      'PUT /v1/organisations/{orgId}/profile',
      'POST /v1/ticket-agents',
      'POST /v1/partners',
      'POST /v1/organisations/{orgId}/keys',
      'DELETE /v1/keys/{keyId}',
      'POST /v1/organisations/{orgId}/people',
      'DELETE /v1/organisations/{orgId}/people/{personId}',
      'PATCH /v1/people/{personId}',
    ].map(handlerOf);
    for (const handlerFile of everyFunction())
      expect(await allowed(handlerFile, 'dynamodb:PutItem', table, 'AUDIT#2026-11'), handlerFile).toBe(
        auditing.includes(handlerFile),
      );
  });

  it('keys are made by key creation and approval only, and changed only by the authorizer, revocation and the claim', async () => {
    const makers = ['POST /v1/organisations/{orgId}/keys', 'POST /v1/applications/{id}/approve'].map(
      handlerOf,
    );
    const changers = [
      authorizerHandler,
      handlerOf('DELETE /v1/keys/{keyId}'),
      handlerOf('GET /v1/applications/{id}'),
    ];
    for (const handlerFile of everyFunction()) {
      expect(await allowed(handlerFile, 'dynamodb:PutItem', table, 'KEY#k1'), handlerFile).toBe(
        makers.includes(handlerFile),
      );
      expect(await allowed(handlerFile, 'dynamodb:UpdateItem', table, 'KEY#k1'), handlerFile).toBe(
        changers.includes(handlerFile),
      );
    }
  });

  it('people are written by invitations, removals, sign-in bookkeeping, the second-factor check and disabling only', async () => {
    const writers = [
      handlerOf('PATCH /v1/people/{personId}'),
      authorizerHandler,
      handlerOf('POST /v1/organisations/{orgId}/people'),
      handlerOf('POST /v1/applications/{id}/approve'),
      handlerOf('POST /v1/me/second-factor'),
      handlerOf('DELETE /v1/organisations/{orgId}/people/{personId}'),
    ];
    for (const handlerFile of everyFunction())
      expect(
        (await writesOf(handlerFile)).some((write) => write.endsWith('PERSON#p1')),
        handlerFile,
      ).toBe(writers.includes(handlerFile));
  });

  it('every route behind the authorizer may read its caller (the key with its organisation, the person) and nothing public may', async () => {
    for (const route of routes as readonly Route[]) {
      const guarded = route.roles !== 'public';
      expect(await allowed(route.handler, 'dynamodb:BatchGetItem', table, 'KEY#k1'), route.path).toBe(
        guarded,
      );
      expect(await allowed(route.handler, 'dynamodb:BatchGetItem', table, 'ORG#o1'), route.path).toBe(
        guarded,
      );
      expect(await allowed(route.handler, 'dynamodb:Query', table, 'PERSON#p1'), route.path).toBe(guarded);
    }
  });

  it('public routes get only what they use: openapi nothing, health one read of its own item', async () => {
    const openapi = handlerOf('GET /v1/openapi.json');
    const health = handlerOf('GET /v1/health');
    for (const key of samples) {
      expect(await allowed(openapi, 'dynamodb:GetItem', table, key)).toBe(false);
      expect(await allowed(health, 'dynamodb:GetItem', table, key), key).toBe(key === 'HEALTH');
    }
    expect(await writesOf(health)).toEqual([]);
    expect(
      await allowed(handlerOf('POST /v1/applications'), 'dynamodb:GetItem', table, 'CARD#ABCD-EFGH-JKLM'),
    ).toBe(false);
    // The public directory queries its own partitions and the areas' (to leave out inactive areas), no more.
    const venues = handlerOf('GET /v1/venues');
    expect(await writesOf(venues)).toEqual([]);
    for (const key of [...samples, 'VENUES#all#culture'])
      expect(await allowed(venues, 'dynamodb:Query', table, key), key).toBe(
        key === 'AREAS' || key.startsWith('VENUES#'),
      );
  });

  it('the function behind POST /v1/stats/snapshots only invokes the snapshot function', async () => {
    const requester = handlerOf('POST /v1/stats/snapshots');
    const snapshotFunction = `arn:aws:lambda:${localAccount.region}:${localAccount.accountId}:function:${namesOf(defaultStageOfCdkJson()).snapshotFunction}`;
    expect(await allowed(requester, 'lambda:InvokeFunction', snapshotFunction)).toBe(true);
    expect(await allowed(requester, 'lambda:InvokeFunction', `${snapshotFunction}-other`)).toBe(false);
    // Of the table, only its caller's key and organisation (every route behind the authorizer re-reads
    // them), in one BatchGetItem.
    for (const key of samples) {
      expect(await allowed(requester, 'dynamodb:GetItem', table, key), key).toBe(false);
      expect(await allowed(requester, 'dynamodb:BatchGetItem', table, key), key).toBe(
        key === 'KEY#k1' || key.startsWith('ORG#'),
      );
    }
    expect(
      await allowed(requester, 's3:GetObject', 'arn:aws:s3:::kaiku-statistics/snapshots/latest.json'),
    ).toBe(false);
    // And no other function invokes anything.
    for (const handlerFile of everyFunction().filter((file) => file !== requester))
      expect(await allowed(handlerFile, 'lambda:InvokeFunction', snapshotFunction), handlerFile).toBe(false);
  });

  it('the stream consumer may write its counters and flags, and read the stream it is mapped to', async () => {
    const consumer = jobHandlers.countFromStream;
    // A card's days are tallied in the card (by the use's own write); the consumer only removes old ones.
    expect(await allowed(consumer, 'dynamodb:UpdateItem', table, 'CARD#ABCD-EFGH-JKLM')).toBe(true);
    expect(await allowed(consumer, 'dynamodb:UpdateItem', table, 'CARDDAY#ABCD-EFGH-JKLM')).toBe(false);
    expect(await allowed(consumer, 'dynamodb:PutItem', table, 'COUNTED#USE#u1')).toBe(false);
    expect(await allowed(consumer, 'dynamodb:UpdateItem', table, 'AGG#a1')).toBe(true);
    expect(await allowed(consumer, 'dynamodb:PutItem', table, 'CARD#ABCD-EFGH-JKLM')).toBe(false);
    expect(await allowed(consumer, 'dynamodb:GetRecords', `${table}/stream/2026-11-30T00:00:00.000`)).toBe(
      true,
    );
  });

  it('the snapshot job may list its bucket (a missing latest.json is then 404, not 403) and write snapshot files only', async () => {
    const job = jobHandlers.snapshot;
    expect(await allowed(job, 's3:ListBucket', 'arn:aws:s3:::kaiku-statistics')).toBe(true);
    expect(await allowed(job, 's3:GetObject', 'arn:aws:s3:::kaiku-statistics/snapshots/latest.json')).toBe(
      true,
    );
    expect(
      await allowed(job, 's3:PutObject', 'arn:aws:s3:::kaiku-statistics/snapshots/2026-11-29/manifest.json'),
    ).toBe(true);
    expect(await allowed(job, 's3:PutObject', 'arn:aws:s3:::kaiku-statistics/elsewhere.json')).toBe(false);
    // latest.json alone may be removed (when the only snapshot's day is rewritten); no snapshot file may.
    expect(await allowed(job, 's3:DeleteObject', 'arn:aws:s3:::kaiku-statistics/snapshots/latest.json')).toBe(
      true,
    );
    expect(
      await allowed(
        job,
        's3:DeleteObject',
        'arn:aws:s3:::kaiku-statistics/snapshots/2026-11-29/manifest.json',
      ),
    ).toBe(false);
    expect(await writesOf(job)).toEqual(['dynamodb:PutItem SNAPSHOTS']);
  });

  it('partners’ links carry the permission of the snapshot route: reading snapshot files, nothing else', async () => {
    const links = handlerOf('GET /v1/stats/snapshots/{date}');
    expect(
      await allowed(
        links,
        's3:GetObject',
        'arn:aws:s3:::kaiku-statistics/snapshots/2026-11-29/partner/areas.csv',
      ),
    ).toBe(true);
    expect(await allowed(links, 's3:PutObject', 'arn:aws:s3:::kaiku-statistics/snapshots/latest.json')).toBe(
      false,
    );
    expect(await allowed(links, 's3:ListBucket', 'arn:aws:s3:::kaiku-statistics')).toBe(false);
  });
});

describe('the matrix in docs/decisions/0008-least-privilege.md', () => {
  // Cell by cell: the formatter may pad the table's columns.
  const cells = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|[\s|-]+\|$/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
  it('is the one the synthesised roles give', () => {
    const document = readFileSync(matrixDocument, 'utf8');
    expect(cells(document)).toEqual(cells(withMatrix(document, accessMatrix(iam.templates))));
  });
});
