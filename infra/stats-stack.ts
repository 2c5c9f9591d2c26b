import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { jobAccess, jobHandlers } from '../shared/routes.ts';
import { snapshotsPrefix } from '../shared/stats/files.ts';
import { tableDefinition } from '../shared/table.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';
import { snapshotObjectsFinding } from './nag-findings.ts';

export interface StatsStackProps extends StackProps {
  /** The table of the data stack, found by name (see DataStack.tableName). */
  readonly tableName: string;
  /** False skips esbuild: the function gets a stub, for template tests. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
}

/**
 * The statistics bucket's name: fixed by account and region, so the API stack finds it by name as it
 * finds the table (no CloudFormation export to pin the two stacks together).
 */
export const statsBucketName = () => `kaiku-statistics-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/** The snapshot function's name: POST /v1/stats/snapshots invokes it by name. */
export const snapshotFunctionName = 'kaiku-statistics-snapshot';

/** The nightly run: 02:30 Helsinki time, summer and winter alike. */
export const nightlyCron = { minute: '30', hour: '2' } as const;

/**
 * National statistics: the bucket the snapshots are written to (and its access-log bucket), the
 * snapshot function, the nightly schedule with retries and a dead-letter queue, and alarms.
 */
export class StatsStack extends Stack {
  readonly bucket: Bucket;
  readonly deadLetterQueue: Queue;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatsStackProps) {
    super(scope, id, props);
    // S3 delivers access logs under a bucket policy rather than the legacy log-delivery ACL (CDK's flag,
    // set on this stack so that it holds however the app is made).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const table = Table.fromTableAttributes(this, 'Table', {
      tableName: props.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
    });

    // Who fetched which file when: S3 server access logs, kept a year.
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the statistics bucket; logging it too would never end.',
    });

    // Published figures get revised: versions keep what was published before a recomputation.
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: statsBucketName(),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'statistics/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(730) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Failed runs end here: events Scheduler could not deliver, and invocations that failed every retry.
    this.deadLetterQueue = new Queue(this, 'SnapshotDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the snapshot schedule and of the snapshot function; nothing consumes it but an operator.',
    });

    const snapshot = new KaikuFunction(this, 'Snapshot', {
      handlerFile: jobHandlers.snapshot,
      description: 'Nightly statistics snapshot',
      functionName: snapshotFunctionName,
      table,
      tableGrant: jobAccess.snapshot,
      memoryMb: 1024,
      timeoutSeconds: 900,
      bundle: props.bundle,
      tracing: props.tracing,
      environment: { STATS_BUCKET: this.bucket.bucketName },
    });
    const fn = snapshot.lambdaFunction;
    // Snapshot files only (latest.json is read to move it forward, never back).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [snapshotObjectsArn(statsBucketName())],
      }),
    );
    // Without s3:ListBucket, S3 answers a GET of a missing object with 403 instead of NoSuchKey, and the
    // very first snapshot (no latest.json yet) would fail. The bucket holds nothing but snapshots.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${statsBucketName()}`],
      }),
    );
    acknowledgeSnapshotObjects(fn.role!.node.tryFindChild('DefaultPolicy')!);
    // Asynchronous invocations (the schedule, POST /v1/stats/snapshots) are tried three times in all.
    fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // Scheduler's own role: the target grants it lambda:InvokeFunction on the function and its versions.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new Schedule(this, 'Nightly', {
      description: 'The statistics snapshot of the day before, every night at 02:30 Europe/Helsinki',
      schedule: ScheduleExpression.cron({ ...nightlyCron, timeZone: TimeZone.EUROPE_HELSINKI }),
      target: new LambdaInvoke(fn, {
        role: schedulerRole,
        // The scheduled instant, not "now": a run retried after midnight still covers the same day.
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });

    Validations.of(schedulerRole.node.tryFindChild('DefaultPolicy')!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        "CDK's Scheduler target grants invoke on the snapshot function and its versions (Arn:*); it invokes that one function only.",
    });

    // Alarms go to a topic operators subscribe to (e-mail, chat). CloudWatch may publish to an encrypted
    // topic only with a customer managed key that lets it.
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the statistics alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'Alarms', {
      displayName: 'Kaikukortti statistics alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    const alarmAction = new SnsAction(this.alarmTopic);
    const failed = new Alarm(this, 'SnapshotFailed', {
      alarmDescription: 'The statistics snapshot function failed (the schedule or an admin request).',
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const deadLetters = new Alarm(this, 'SnapshotDeadLettered', {
      alarmDescription: 'A snapshot run gave up after its retries: see the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    failed.addAlarmAction(alarmAction);
    deadLetters.addAlarmAction(alarmAction);

    new CfnOutput(this, 'StatisticsBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopic', { value: this.alarmTopic.topicArn });
  }
}

/** The ARN of every snapshot file, from the bucket's name (the same string in every stack). */
export const snapshotObjectsArn = (bucketName: string) =>
  `arn:${Aws.PARTITION}:s3:::${bucketName}/${snapshotsPrefix}*`;

/** Grants on snapshot files name `snapshots/*`: the one wildcard they need, acknowledged where it is. */
export function acknowledgeSnapshotObjects(policy: Construct): void {
  Validations.of(policy).acknowledge({
    id: snapshotObjectsFinding(),
    reason:
      'Snapshot files are objects under snapshots/ in the one statistics bucket; a wildcard below that prefix is the narrowest grant that covers every day.',
  });
}
