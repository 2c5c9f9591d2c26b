import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Code, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableGrant } from '../../shared/http/access.ts';
import { tableIndexesFinding } from '../nag-findings.ts';
import { projectRoot } from '../paths.ts';
import { lambdaBundle, runtimeFiles } from './lambda-bundle.ts';
import { grantTable } from './table-grant.ts';

/** The metadata key on every function's template resource: the handler file it runs (read locally). */
export const handlerMetadataKey = 'kaiku:handler';

export interface KaikuFunctionProps {
  /** The handler file, relative to the project root; it exports `handler`. */
  readonly handlerFile: string;
  readonly description: string;
  readonly table: ITable;
  /** Exactly what the function may do to the table (shared/http/routes.ts declares it per function). */
  readonly tableGrant: TableGrant;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** False puts a stub in place of the esbuild bundle, so template tests need no bundling. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
  /** More environment besides TABLE_NAME (the statistics bucket, the snapshot function). */
  readonly environment?: Readonly<Record<string, string>>;
  /** A fixed name, for a function that others find by name (the snapshot function). */
  readonly functionName?: string;
  /**
   * Stack traces through the bundle's source map (NODE_OPTIONS=--enable-source-maps). Default on; the
   * nightly snapshot job goes without: reading its large map on every cold start costs more than its rare
   * stack trace is worth, and it runs from the TypeScript sources by `npm run snapshot` when one is needed.
   */
  readonly sourceMapsAtRuntime?: boolean;
  /** Concurrency set aside for (and the most allowed to) this function: prod's public and job functions. */
  readonly reservedConcurrency?: number;
  /**
   * The log is security evidence (prod's API functions: the authorizer's refusals, the handlers' 401, 403
   * and 404 answers): kept a year and retained when the stack goes (issue 17).
   */
  readonly securityLog?: boolean;
}

// Inline code is saved as index.js, which Lambda loads as CommonJS.
const stubCode = Code.fromInline('exports.handler = async () => ({ statusCode: 501 });');

/** CDK bundles with Docker when it finds no local esbuild; that would need a network, so say so instead. */
function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed (npm ci): bundling would fall back to Docker');
  }
}

/** One Lambda function of the service: Node 24 on arm64, an ESM bundle with the AWS SDK inside it. */
export class KaikuFunction extends Construct {
  readonly lambdaFunction: NodejsFunction;

  constructor(scope: Construct, id: string, props: KaikuFunctionProps) {
    super(scope, id);

    // Otherwise removed with the stack: diagnostics kept a month at most, while the data worth keeping
    // lives in the retained table; a retained group would linger as an orphan after every rename.
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.securityLog ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: props.securityLog ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);

    if (props.bundle) assertLocalEsbuild();
    // The service's clock is the system clock in AWS: no function is ever given KAIKU_CLOCK (decision 0013).
    const clockVariables = Object.keys(props.environment ?? {}).filter((name) =>
      name.startsWith('KAIKU_CLOCK'),
    );
    if (clockVariables.length > 0)
      throw new Error(`${this.node.path}: ${clockVariables.join(', ')} is for the local service only`);
    this.lambdaFunction = new NodejsFunction(this, 'Function', {
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 256,
      timeout: Duration.seconds(props.timeoutSeconds ?? 10),
      role,
      logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      ...(props.functionName && { functionName: props.functionName }),
      ...(props.reservedConcurrency !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrency,
      }),
      environment: {
        ...(props.sourceMapsAtRuntime !== false && { NODE_OPTIONS: '--enable-source-maps' }),
        TABLE_NAME: props.table.tableName,
        ...props.environment,
      },
      ...(props.bundle
        ? {
            entry: join(projectRoot, props.handlerFile),
            handler: 'handler',
            projectRoot,
            depsLockFilePath: join(projectRoot, 'package-lock.json'),
            bundling: {
              ...lambdaBundle,
              mainFields: [...lambdaBundle.mainFields],
              externalModules: [...lambdaBundle.externalModules],
              format: OutputFormat.ESM,
              bundleAwsSDK: true,
              forceDockerBundling: false,
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir, outputDir) =>
                  (runtimeFiles[props.handlerFile] ?? []).map(
                    (file) =>
                      `mkdir -p "${dirname(join(outputDir, file))}" && cp "${join(inputDir, file)}" "${join(outputDir, file)}"`,
                  ),
              },
            },
          }
        : { code: stubCode, handler: 'index.handler' }),
    });

    // The local runtime finds each function's role and environment in the template by this.
    (this.lambdaFunction.node.defaultChild as CfnFunction).addMetadata(handlerMetadataKey, props.handlerFile);

    grantTable(this.lambdaFunction, props.table.tableArn, props.tableGrant);

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) throw new Error(`${this.node.path}: the role has no policy`);
    if (props.tableGrant.Query || props.tableGrant.Scan)
      Validations.of(policy).acknowledge({
        id: tableIndexesFinding(Stack.of(this), props.table.tableName),
        reason: "Queries need the table's indexes; index/* covers only the GSIs of this one table.",
      });
    if (props.tracing) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
      });
    }
  }
}
