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
import { ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { jobAccess, jobHandlers } from '../shared/http/routes.ts';
import { latestKey, snapshotsPrefix } from '../shared/stats/snapshot/files.ts';
import { tableDefinition } from '../shared/store/table.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';
import { kaikuMonitoring, monitorFailureQueue, monitorFunction } from './constructs/monitoring.ts';
import { reservedConcurrency } from './edge.ts';
import { snapshotObjectsFinding } from './nag-findings.ts';
import { type KaikuStage, namesOf } from './stage.ts';

export interface StatsStackProps extends StackProps {
  readonly stage: KaikuStage;
  /** The table of the data stack, found by name (see DataStack.tableName). */
  readonly tableName: string;
  /** False skips esbuild: the function gets a stub, for template tests. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
}

/** The nightly run: 02:30 Helsinki time, summer and winter alike. */
export const nightlyCron = { minute: '30', hour: '2' } as const;

/**
 * National statistics: the bucket the snapshots are written to (and its access-log bucket), the
 * snapshot function, the nightly schedule with retries and a dead-letter queue, and alarms.
 */
export class StatsStack extends Stack {
  readonly bucket: Bucket;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: StatsStackProps) {
    super(scope, id, props);
    // S3 delivers access logs under a bucket policy rather than the legacy log-delivery ACL (CDK's flag,
    // set on this stack so that it holds however the app is made).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const { stage } = props;
    const names = namesOf(stage);
    // Prod keeps the snapshots and the access logs; a dev stage is removed whole by `cdk destroy --all`.
    const retention = stage.production
      ? { removalPolicy: RemovalPolicy.RETAIN }
      : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    const table = Table.fromTableAttributes(this, 'Table', {
      tableName: props.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
    });

    // Who fetched which file when: S3 server access logs, kept a year in prod (a month in dev).
    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(stage.production ? 365 : 30) }],
      ...retention,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the statistics bucket; logging it too would never end.',
    });

    // Published figures get revised: versions keep what was published before a recomputation.
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: names.statsBucket,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'statistics/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(730) }],
      ...retention,
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
      functionName: names.snapshotFunction,
      table,
      tableGrant: jobAccess.snapshot,
      memoryMb: 1024,
      timeoutSeconds: 900,
      sourceMapsAtRuntime: false,
      ...(stage.production && { reservedConcurrency: reservedConcurrency[jobHandlers.snapshot] }),
      bundle: props.bundle,
      tracing: props.tracing,
      environment: { STATS_BUCKET: this.bucket.bucketName },
    });
    const fn = snapshot.lambdaFunction;
    // Snapshot files only (latest.json is read to move it forward, never back).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [snapshotObjectsArn(names.statsBucket)],
      }),
    );
    // latest.json alone may go: when the only snapshot's day is recomputed with new figures, it points
    // at nothing rather than at files half rewritten (shared/stats/snapshot/snapshot-job.ts).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${names.statsBucket}/${latestKey}`],
      }),
    );
    // Without s3:ListBucket, S3 answers a GET of a missing object with 403 instead of NoSuchKey, and the
    // very first snapshot (no latest.json yet) would fail. The bucket holds nothing but snapshots.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${names.statsBucket}`],
      }),
    );
    acknowledgeSnapshotObjects(fn.role!.node.tryFindChild('DefaultPolicy')!, names.statsBucket);
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

    this.monitor(props.stage, fn);

    new CfnOutput(this, 'StatisticsBucket', { value: this.bucket.bucketName });
  }

  /**
   * The snapshot function's errors and throttles, anything in the dead-letter queue, and "no snapshot by
   * 04:00 Helsinki time": no successful run (invocations minus errors) in the window that reaches back from
   * now to yesterday's run (see snapshotWindow). A missing metric (no run at all) is breaching.
   */
  private monitor(stage: KaikuStage, fn: IFunction): void {
    const monitoring = kaikuMonitoring(this, stage, 'Stats');
    monitorFunction(monitoring, fn, 'Snapshot');
    monitorFailureQueue(monitoring, this.deadLetterQueue, 'SnapshotDeadLetters');
    const successfulRuns = new MathExpression({
      label: 'Successful snapshot runs in the window',
      expression: 'FILL(invocations, 0) - FILL(errors, 0)',
      usingMetrics: {
        invocations: fn.metricInvocations({ statistic: 'Sum', period: snapshotWindow }),
        errors: fn.metricErrors({ statistic: 'Sum', period: snapshotWindow }),
      },
      period: snapshotWindow,
    });
    monitoring.facade.monitorCustom({
      alarmFriendlyName: 'SnapshotDeadline',
      humanReadableName: 'Nightly snapshot written by 04:00 Europe/Helsinki',
      metricGroups: [
        {
          title: 'Successful snapshot runs since the run before',
          metrics: [
            {
              metric: successfulRuns,
              alarmFriendlyName: 'SnapshotNotWrittenBy0400',
              addAlarm: {
                Missing: {
                  threshold: 1,
                  comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
                  treatMissingDataOverride: TreatMissingData.BREACHING,
                  period: snapshotWindow,
                  additionalDescription:
                    'No successful statistics snapshot since yesterday 02:30: the night run failed or never ran (04:00 Europe/Helsinki deadline).',
                },
              },
            },
          ],
        },
      ],
    });
  }
}

/** The nightly run's deadline: a snapshot not written by then is an alarm. */
export const snapshotDeadline = { hour: 4, minute: 0 } as const;

/**
 * How far back the deadline alarm looks for a successful run: from yesterday's run to today's deadline.
 * At any moment before the deadline this window still holds yesterday's 02:30 run; from the deadline on,
 * only today's can keep it from alarming. CloudWatch allows periods this long (over an hour, up to 7 days).
 */
export const snapshotWindow = Duration.minutes(
  24 * 60 +
    (snapshotDeadline.hour * 60 + snapshotDeadline.minute) -
    (Number(nightlyCron.hour) * 60 + Number(nightlyCron.minute)),
);

/** The ARN of every snapshot file, from the bucket's name (the same string in every stack). */
export const snapshotObjectsArn = (bucketName: string) =>
  `arn:${Aws.PARTITION}:s3:::${bucketName}/${snapshotsPrefix}*`;

/** Grants on snapshot files name `snapshots/*`: the one wildcard they need, acknowledged where it is. */
export function acknowledgeSnapshotObjects(policy: Construct, bucketName: string): void {
  Validations.of(policy).acknowledge({
    id: snapshotObjectsFinding(bucketName),
    reason:
      'Snapshot files are objects under snapshots/ in the one statistics bucket; a wildcard below that prefix is the narrowest grant that covers every day.',
  });
}
