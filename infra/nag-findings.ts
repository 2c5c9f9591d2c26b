import { type Stack, Token } from 'aws-cdk-lib';

// cdk-nag 3 acknowledges one finding at a time, by its exact name: no prefixes, no patterns. These build
// those names the way cdk-nag prints them, so an acknowledgement follows a renamed table or another region.

const literalOr = (value: string, pseudoParameter: string) =>
  Token.isUnresolved(value) ? `<${pseudoParameter}>` : value;

/** The `index/*` resource of a grant on a table that is found by its (literal) name. */
export function tableIndexesFinding(stack: Stack, tableName: string): string {
  // `aws` itself once the region is known (CDK's flag @aws-cdk/core:enablePartitionLiterals).
  const partition = literalOr(stack.partition, 'AWS::Partition');
  const region = literalOr(stack.region, 'AWS::Region');
  const account = literalOr(stack.account, 'AWS::AccountId');
  return `AwsSolutions-IAM5[Resource::arn:${partition}:dynamodb:${region}:${account}:table/${tableName}/index/*]`;
}

/** The `snapshots/*` resource of a grant on the statistics bucket, whose name holds account and region. */
export function snapshotObjectsFinding(bucketName: string): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName}/snapshots/*]`;
}
