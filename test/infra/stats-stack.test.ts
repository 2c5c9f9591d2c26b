// The statistics stack's template, and the API's grants to reach it, without bundling.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';
import { defaultStageOfCdkJson, namesOf } from '../../infra/stage.ts';

const names = namesOf(defaultStageOfCdkJson());
const snapshotFunctionName = names.snapshotFunction;

type Resource = { Type: string; Properties: Record<string, any> } & Record<string, any>;

const { stats, api } = addKaikuStacks(new App(), { bundle: false });
const template = Template.fromStack(stats);
const resources = template.toJSON().Resources as Record<string, Resource>;
const apiResources = Template.fromStack(api).toJSON().Resources as Record<string, Resource>;
const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const [snapshotFunctionId, snapshotFunction] = ofType('AWS::Lambda::Function').find(
  ([, fn]) => fn.Properties.FunctionName === snapshotFunctionName,
)!;
const [queueId] = ofType('AWS::SQS::Queue')[0]!;
const json = (value: unknown) => String(JSON.stringify(value));

describe('statistics bucket', () => {
  const buckets = ofType('AWS::S3::Bucket');
  const [bucketId, bucket] = buckets.find(([, b]) => json(b.Properties.BucketName).includes('-statistics-'))!;

  it('blocks public access, is encrypted, versioned and logged; in dev removed with the stack', () => {
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) } },
    });
    expect(bucket.DeletionPolicy).toBe('Delete');
    const logBucket = resources[bucket.Properties.LoggingConfiguration.DestinationBucketName.Ref]!;
    expect(logBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(logBucket.DeletionPolicy).toBe('Delete');
  });

  it('refuses requests without TLS, on both buckets', () => {
    for (const [id] of buckets)
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    expect(bucketId).toBeDefined();
  });

  it('has a name the API stack can compute: stage, account and region, no export', () => {
    expect(bucket.Properties.BucketName).toBe(names.statsBucket);
    expect(names.statsBucket).toBe('kaiku-dev-statistics-111111111111-eu-north-1');
    expect(json(apiResources)).not.toContain('Fn::ImportValue');
  });
});

describe('nightly schedule', () => {
  it('runs at 02:30 Europe/Helsinki with the scheduled time, retries and a dead-letter queue', () => {
    const [[, schedule]] = ofType('AWS::Scheduler::Schedule') as [[string, Resource]];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Helsinki',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [snapshotFunctionId, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      },
    });
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
  });

  it('sends invocations that failed every retry to the same dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: snapshotFunctionId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('has an encrypted dead-letter queue that refuses requests without TLS', () => {
    expect(resources[queueId]!.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('alarms', () => {
  it('fire on a failed run, on anything in the dead-letter queue and on no snapshot by 04:00', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const measuring = (metricName: string) =>
      alarms.find((alarm) => json(alarm.Metrics).includes(`"MetricName":"${metricName}"`))!;
    const errors = measuring('Errors');
    expect(errors).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(json(errors.Metrics)).toContain(snapshotFunctionId);
    const dead = measuring('ApproximateNumberOfMessagesVisible');
    expect(dead).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(json(dead.Metrics)).toContain(queueId);
    // The window reaches from yesterday's 02:30 run to today's 04:00: 25.5 hours, missing data breaching.
    const deadline = alarms.find((alarm) => json(alarm.AlarmName).includes('SnapshotNotWrittenBy0400'))!;
    expect(deadline).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
    expect(deadline.TreatMissingData).toBe('breaching');
    expect(json(deadline.Metrics)).toContain('"Period":91800');
    for (const alarm of alarms) expect(json(alarm.AlarmActions)).toContain(`:${names.alarmTopic}`);
  });
});

describe('snapshot function', () => {
  const policyOf = (fn: Resource, from: Record<string, Resource>) => {
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    return json(
      Object.values(from)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && json(r.Properties.Roles).includes(role))
        .map((r) => r.Properties.PolicyDocument),
    );
  };

  it('reads the table, puts only its index item, and writes snapshot files to the bucket', () => {
    expect(snapshotFunction.Properties).toMatchObject({
      Timeout: 900,
      Environment: { Variables: { STATS_BUCKET: { Ref: expect.any(String) }, TABLE_NAME: names.table } },
    });
    const policy = policyOf(snapshotFunction, resources);
    expect(policy).toContain('dynamodb:Query');
    expect(policy).toContain('dynamodb:PutItem');
    expect(policy).not.toContain('dynamodb:DeleteItem');
    expect(policy).not.toContain('dynamodb:UpdateItem');
    expect(policy).toContain('s3:PutObject');
    expect(policy).toContain('/snapshots/*');
  });

  it('is what POST /v1/stats/snapshots invokes, and the manifest route may only read snapshot files', () => {
    const [, post] = ofType('AWS::Lambda::Function', apiResources).find(
      ([, fn]) => fn.Properties.Description === 'POST /v1/stats/snapshots',
    )!;
    expect(post.Properties.Environment.Variables.SNAPSHOT_FUNCTION_NAME).toBe(snapshotFunctionName);
    expect(policyOf(post, apiResources)).toContain(`function:${snapshotFunctionName}`);
    const [, get] = ofType('AWS::Lambda::Function', apiResources).find(
      ([, fn]) => fn.Properties.Description === 'GET /v1/stats/snapshots/{date}',
    )!;
    expect(get.Properties.Environment.Variables.STATS_BUCKET).toBe(names.statsBucket);
    const policy = policyOf(get, apiResources);
    expect(policy).toContain('s3:GetObject');
    expect(policy).not.toContain('s3:PutObject');
    expect(policy).toContain('/snapshots/*');
  });
});
