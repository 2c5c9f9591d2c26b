// The local runtime refuses what AWS would refuse: each function calls DynamoDB, S3 and Lambda with its
// own role, as synthesised by the CDK app, and a call that role does not allow fails as it does in AWS.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StreamPoller } from '../../infra/local/stream-poller.ts';
import { jobHandlers } from '../../shared/http/routes.ts';
import { addDays, today } from '../../shared/lib/dates.ts';
import { ageUsesKey, auditKey, cardKey } from '../../shared/store/keys.ts';
import { getItem, localIam, startTestService, type TestService } from '../support/service.ts';
import { readObjects, useFreshBucket } from '../support/stats.ts';
import { startStreamCounting } from '../support/streams.ts';

let service: TestService;
let bucket: string;
beforeAll(async () => {
  bucket = await useFreshBucket();
  service = await startTestService({ bucket });
});
afterAll(async () => {
  await service?.stop();
});

/** The clients a function would have, with its role's credentials from the local account. */
function clientsOf(handlerFile: string) {
  const credentials = localIam().credentialsFor(handlerFile, { tableName: service.tableName, bucket });
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-north-1', credentials }),
  );
  const s3 = new S3Client({
    endpoint: inject('s3Endpoint'),
    region: 'eu-north-1',
    forcePathStyle: true,
    credentials,
  });
  return { dynamo, s3 };
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('the call was allowed');
};

describe('enforcement bites', () => {
  it("refuses a DynamoDB call the function's role lacks with AccessDeniedException, and writes nothing", async () => {
    const { dynamo } = clientsOf('functions/cards/get-card.ts');
    const key = cardKey('ABCD-EFGH-JKLM');
    // Reading a card is what the function is for.
    await dynamo.send(new GetCommand({ TableName: service.tableName, Key: key }));
    const denied = await failure(
      dynamo.send(new PutCommand({ TableName: service.tableName, Item: { ...key, entity: 'card' } })),
    );
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('dynamodb:PutItem');
    expect(await getItem(key)).toBeUndefined();
  });

  it('refuses an S3 call the role lacks with 403 AccessDenied', async () => {
    const { s3 } = clientsOf('functions/stats/get-snapshot.ts');
    const denied = await failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'snapshots/forged.json', Body: '{}' })),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
  });

  it('answers 403, not 404, for a missing object when the role may not list the bucket', async () => {
    const { s3 } = clientsOf('functions/stats/get-snapshot.ts');
    const denied = await failure(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'snapshots/none.json' })),
    );
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
  });

  it('lets no function delete an audit entry', async () => {
    const entry = auditKey('2026-01-01T00:00:00.000Z', 'someone');
    for (const handlerFile of localIam().templates.map((template) => template.handlerFile)) {
      const { dynamo } = clientsOf(handlerFile);
      const denied = await failure(
        dynamo.send(new DeleteCommand({ TableName: service.tableName, Key: entry })),
      );
      expect(denied.name, handlerFile).toBe('AccessDeniedException');
    }
  });
});

describe('the two defects that would have broken the statistics on the first day in AWS', () => {
  let streams: StreamPoller;
  afterAll(async () => {
    await streams?.stop();
  });

  it('the stream consumer may write its marker and its counters with its own role', async () => {
    streams = await startStreamCounting();
    const area = await service.area();
    const card = await service.issueCard(area, { birthYear: 1960 });
    const use = await service.recordUse(area.venueKey, {
      cardNumber: card.cardNumber,
      sector: 'culture',
      adults: 1,
      children: 0,
    });
    expect(use.status).toBe(201);
    await streams.drain();
    expect(await getItem(ageUsesKey(area.areaId, today()))).toMatchObject({ uses_1960: 1 });
  });

  it('the first snapshot on an empty bucket is written (no latest.json yet)', async () => {
    expect((await readObjects()).size).toBe(0);
    const day = addDays(today(), -1);
    const reply = await service.call('POST', '/v1/stats/snapshots', {
      key: service.adminKey,
      body: { date: day },
    });
    expect(reply.status).toBe(202);
    const written = await readObjects();
    expect(JSON.parse(written.get('snapshots/latest.json')?.toString() ?? '{}')).toEqual({
      date: day,
      manifest: `snapshots/${day}/manifest.json`,
    });
  });

  it('the snapshot function is invoked through Lambda with the route function’s own permission', async () => {
    const { dynamo } = clientsOf('functions/stats/request-snapshot.ts');
    expect(jobHandlers.snapshot).toBe('functions/jobs/snapshot.ts');
    // The route's function may invoke, and nothing else: not even read the table.
    const denied = await failure(
      dynamo.send(new GetCommand({ TableName: service.tableName, Key: cardKey('ABCD-EFGH-JKLM') })),
    );
    expect(denied.name).toBe('AccessDeniedException');
  });
});
