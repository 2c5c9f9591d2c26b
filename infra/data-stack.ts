import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { jobAccess, jobHandlers } from '../shared/routes.ts';
import { defaultTableName, tableDefinition } from '../shared/table.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';

export interface DataStackProps extends StackProps {
  /** @default defaultTableName, the name the local runtime and the scripts use too */
  readonly tableName?: string;
  /** False puts stubs in place of function bundles (template tests). */
  readonly bundle: boolean;
  readonly tracing?: boolean;
}

/** The stateful half of the service: kept apart so that the API can be replaced freely. */
export class DataStack extends Stack {
  readonly table: Table;
  /**
   * A plain name, not a token: other stacks find the table by it instead of by a CloudFormation export,
   * which would forbid ever changing or replacing the table while an importer exists.
   */
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.tableName = props.tableName ?? defaultTableName;

    const stringKey = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      tableName: this.tableName,
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      stream: StreamViewType[tableDefinition.stream],
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }

    this.countFromStream(props);
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /** The stream consumer lives beside the table: the stream's ARN is known only inside this stack. */
  private countFromStream(props: DataStackProps): void {
    // Referred to by its literal name, like the API's functions do, so grants and findings read the same.
    const table = Table.fromTableAttributes(this, 'TableByName', {
      tableName: this.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
      tableStreamArn: this.table.tableStreamArn,
    });
    const consumer = new KaikuFunction(this, 'CountFromStream', {
      handlerFile: jobHandlers.countFromStream,
      description: 'Keeps the age-group and taken-into-use counters from the table stream',
      table,
      tableGrant: jobAccess.countFromStream,
      timeoutSeconds: 60,
      bundle: props.bundle,
      tracing: props.tracing,
    }).lambdaFunction;
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
    consumer.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failed),
        // Only uses (new and voided) and a card's first use matter; the rest never wakes the function.
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: FilterRule.isEqual('usage') } } } }),
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('MODIFY'),
            dynamodb: {
              NewImage: {
                entity: { S: FilterRule.isEqual('card') },
                firstUsedOn: { S: FilterRule.exists() },
              },
              OldImage: { firstUsedOn: { S: FilterRule.notExists() } },
            },
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
