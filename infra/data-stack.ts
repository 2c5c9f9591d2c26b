import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { defaultUsesPerDay, usesPerDayVariable } from '../shared/domain/flags.ts';
import { jobAccess, jobHandlers } from '../shared/http/routes.ts';
import { type IndexDefinition, indexProjection, tableDefinition } from '../shared/store/table.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';
import {
  type KaikuMonitoring,
  kaikuMonitoring,
  monitorFailureQueue,
  monitorFunction,
} from './constructs/monitoring.ts';
import { reservedConcurrency } from './edge.ts';
import { type KaikuStage, namesOf } from './stage.ts';
import { streamBatchSize, streamWindowSeconds } from './stream-filter.ts';

/** Daily backups kept this long (prod; the copy in the second region too). */
export const backupRetentionDays = 35;

export interface DataStackProps extends StackProps {
  readonly stage: KaikuStage;
  /** False puts stubs in place of function bundles (template tests). */
  readonly bundle: boolean;
  readonly tracing?: boolean;
}

/**
 * The stateful half of the service, kept apart so that the API can be replaced freely: the table, its
 * stream consumer, its backups, and the stage's alarm topic (deployed first, so every stack can publish).
 */
export class DataStack extends Stack {
  /** The stage's own table, `kaiku-<stage>`: kept as it is also while the stage runs on a restored one. */
  readonly table: Table;
  /**
   * The table the functions use: the stage's own, or the restored one of `-c tableName=…
   * -c tableStreamArn=…` (docs/runbook.md, "Restoring the table to a point in time"), with its stream.
   */
  readonly activeTable: ITable;
  readonly alarmTopic: Topic;
  readonly monitoring: KaikuMonitoring;
  /**
   * A plain name, not a token: other stacks find the table by it instead of by a CloudFormation export,
   * which would forbid ever changing or replacing the table while an importer exists. A restored table's
   * name while the stage runs on one.
   */
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = namesOf(stage);
    const override = stage.tableOverride;
    this.tableName = override?.tableName ?? names.table;
    // Prod keeps its data when a stack goes; a dev stage is removed whole by `cdk destroy --all`.
    const removalPolicy = stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
    // Always the stage's own name: a restored table is used beside it, never by renaming this one (which
    // CloudFormation would do by replacing, and so deleting, the table).
    this.table = new Table(this, 'Table', {
      tableName: names.table,
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      stream: StreamViewType[tableDefinition.stream],
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.production,
      removalPolicy,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        ...projectionOf(index),
      });
    }

    // Referred to by its literal name, like the API's functions do, so grants and findings read the same.
    const tableByName = Table.fromTableAttributes(this, 'TableByName', {
      tableName: this.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
      tableStreamArn: override?.tableStreamArn ?? this.table.tableStreamArn,
    });
    this.activeTable = override ? tableByName : this.table;

    this.alarmTopic = this.makeAlarmTopic(stage);
    this.monitoring = kaikuMonitoring(this, stage, 'Data', this.alarmTopic);
    this.monitoring.facade.monitorDynamoTable({
      table: this.activeTable,
      billingMode: BillingMode.PAY_PER_REQUEST,
      alarmFriendlyName: 'Table',
      addReadThrottledEventsCountAlarm: { Throttled: { maxThrottledEventsThreshold: 0 } },
      addWriteThrottledEventsCountAlarm: { Throttled: { maxThrottledEventsThreshold: 0 } },
      addSystemErrorCountAlarm: { SystemErrors: { maxErrorCount: 0 } },
    });
    this.countFromStream(props, tableByName);
    if (stage.production) this.backUp(stage);

    new CfnOutput(this, 'TableName', { value: this.activeTable.tableName });
    new CfnOutput(this, 'AlarmTopic', { value: this.alarmTopic.topicArn });
  }

  /** One topic per stage; CloudWatch may publish to an encrypted topic only with a key that lets it. */
  private makeAlarmTopic(stage: KaikuStage): Topic {
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the ${namesOf(stage).alarmTopic} topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'Alarms', {
      topicName: namesOf(stage).alarmTopic,
      displayName: `Kaikukortti ${stage.name} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    for (const email of stage.alarmEmails) topic.addSubscription(new EmailSubscription(email));
    return topic;
  }

  /**
   * AWS Backup besides point-in-time recovery: a daily backup kept 35 days, copied to a vault in a second
   * region (BackupCopyStack) so that a lost region or a deleted table still leaves a copy.
   */
  private backUp(stage: KaikuStage): void {
    const names = namesOf(stage);
    const vault = new BackupVault(this, 'BackupVault', {
      backupVaultName: names.backupVault,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new BackupPlan(this, 'BackupPlan', { backupPlanName: names.backupPlan, backupVault: vault });
    const copyVault = stage.backupCopyRegion
      ? BackupVault.fromBackupVaultArn(
          this,
          'BackupCopyVault',
          `arn:${this.partition}:backup:${stage.backupCopyRegion}:${this.account}:backup-vault:${names.backupCopyVault}`,
        )
      : undefined;
    plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        // 01:00 UTC: before the 02:30 Helsinki snapshot, after the evening's uses.
        scheduleExpression: Schedule.cron({ minute: '0', hour: '1' }),
        deleteAfter: Duration.days(backupRetentionDays),
        ...(copyVault && {
          copyActions: [
            { destinationBackupVault: copyVault, deleteAfter: Duration.days(backupRetentionDays) },
          ],
        }),
      }),
    );
    const selection = plan.addSelection('Table', {
      resources: [BackupResource.fromDynamoDbTable(this.activeTable)],
    });
    Validations.of(selection.node.findChild('Role')).acknowledge({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]`,
      reason:
        "AWS Backup's own service policy: what Backup needs to back up (and copy) the table, kept current by AWS.",
    });
    new CfnOutput(this, 'BackupVaultName', { value: names.backupVault });
    new CfnOutput(this, 'BackupPlanId', { value: plan.backupPlanId });
  }

  /**
   * The stream consumer lives beside the table: the stream's ARN is known only inside this stack (or given
   * with a restored table).
   */
  private countFromStream(props: DataStackProps, table: ITable): void {
    const consumer = new KaikuFunction(this, 'CountFromStream', {
      handlerFile: jobHandlers.countFromStream,
      description:
        'Keeps the age-group and taken-into-use counters and the flags of abnormal use from the table stream',
      table,
      tableGrant: jobAccess.countFromStream,
      // A card used more than this many times in one day is flagged (GET /v1/cards/flags).
      environment: { [usesPerDayVariable]: String(defaultUsesPerDay) },
      timeoutSeconds: 60,
      ...(props.stage.production && {
        reservedConcurrency: reservedConcurrency[jobHandlers.countFromStream],
      }),
      bundle: props.bundle,
      tracing: props.tracing,
    }).lambdaFunction;
    // Behind by more than 10 minutes: the counters lag (stuck batches, throttling).
    monitorFunction(this.monitoring, consumer, 'CountFromStream', { streamIteratorAgeMinutes: 10 });
    // Batches that keep failing land here instead of blocking the shard; verify-stats shows the gap.
    const failed = new Queue(this, 'CountFromStreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(failed).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the stream consumer; it needs no DLQ of its own.',
    });
    monitorFailureQueue(this.monitoring, failed, 'CountFromStreamFailures');
    consumer.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: streamBatchSize,
        // The window brings the shard id with each batch, which the consumer's high-water marks need
        // (decision 0014); the consumer keeps no state in it and answers `state: {}`.
        tumblingWindow: Duration.seconds(streamWindowSeconds),
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failed),
        // Only uses (new and voided) and changes of cards (a first use; the days' tallies behind the
        // flags) matter; the rest never wakes the function. infra/stream-filter.ts says the same for
        // the local poller.
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: FilterRule.isEqual('usage') } } } }),
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('MODIFY'),
            dynamodb: { NewImage: { entity: { S: FilterRule.isEqual('card') } } },
          }),
        ],
      }),
    );
    const policy = consumer.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error('the stream consumer has no policy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, which the stream event source needs, has no resource-level permissions.',
    });
  }
}

function projectionOf(index: IndexDefinition) {
  const { type, attributes } = indexProjection(index);
  return type === 'INCLUDE'
    ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...attributes] }
    : { projectionType: type === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY };
}
