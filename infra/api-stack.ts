import {
  Arn,
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { TableGrant } from '../shared/access.ts';
import {
  authCacheSeconds,
  authorizerAccess,
  authorizerHandler,
  defaultThrottle,
  type Route,
  routeKey,
  routes,
} from '../shared/routes.ts';
import { tableDefinition } from '../shared/table.ts';
import { jsonAccessLogFormat } from './constructs/access-log-format.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';
import {
  acknowledgeSnapshotObjects,
  snapshotFunctionName,
  snapshotObjectsArn,
  statsBucketName,
} from './stats-stack.ts';

export interface ApiStackProps extends StackProps {
  /** The table of the data stack, found by name (see DataStack.tableName). */
  readonly tableName: string;
  /** False skips esbuild: every function gets a stub, for template tests. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
  /** The statistics bucket of the stats stack, found by name. @default statsBucketName() */
  readonly statsBucketName?: string;
}

/** 'functions/cards/issue-card.ts' → 'CardsIssueCard': stable logical ids that name the handler. */
export const functionId = (handlerFile: string): string =>
  handlerFile
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .split(/[/-]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

const throttleSettings = (throttle: { readonly rate: number; readonly burst: number }) => ({
  rateLimit: throttle.rate,
  burstLimit: throttle.burst,
});

/** The HTTP API: one function per entry of the route table, and the authorizer in front of them. */
export class ApiStack extends Stack {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    const table = Table.fromTableAttributes(this, 'Table', {
      tableName: props.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
    });
    const bucketName = props.statsBucketName ?? statsBucketName();
    const snapshotFunctionArn = Arn.format(
      {
        service: 'lambda',
        resource: 'function',
        resourceName: snapshotFunctionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      this,
    );
    const addFunction = (handlerFile: string, description: string, grant: TableGrant, route?: Route) => {
      const resources = route?.resources ?? [];
      const fn = new KaikuFunction(this, functionId(handlerFile), {
        handlerFile,
        description,
        table,
        tableGrant: grant,
        memoryMb: route?.memoryMb,
        timeoutSeconds: route?.timeoutSeconds,
        bundle: props.bundle,
        tracing: props.tracing,
        environment: {
          ...(resources.includes('statisticsBucket') && { STATS_BUCKET: bucketName }),
          ...(resources.includes('snapshotFunction') && { SNAPSHOT_FUNCTION_NAME: snapshotFunctionName }),
        },
      }).lambdaFunction;
      if (resources.includes('statisticsBucket')) {
        // Presigned links carry this function's permission: reading snapshot files, nothing else.
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [snapshotObjectsArn(bucketName)],
          }),
        );
        acknowledgeSnapshotObjects(fn.role!.node.tryFindChild('DefaultPolicy')!);
      }
      if (resources.includes('snapshotFunction'))
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [snapshotFunctionArn] }),
        );
      return fn;
    };

    const authorizer = new HttpLambdaAuthorizer(
      'ApiKeyAuthorizer',
      addFunction(authorizerHandler, 'API key authorizer', authorizerAccess),
      {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        resultsCacheTtl: Duration.seconds(authCacheSeconds()),
      },
    );

    // The $default stage is made here rather than by HttpApi, which offers no logging or throttling for it.
    this.httpApi = new HttpApi(this, 'HttpApi', { apiName: 'kaiku', createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: throttleSettings(defaultThrottle),
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: jsonAccessLogFormat },
    });

    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes as readonly Route[]) {
      const key = routeKey(route);
      const handler = addFunction(route.handler, key, route.table, route);
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${functionId(route.handler)}Integration`, handler),
        ...(route.roles === 'public' ? {} : { authorizer }),
      });
      if (!httpRoute) throw new Error(`no route made for ${key}`);
      if (route.roles === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${key} is public by the API contract: it needs no API key.`,
        });
      }
      if (route.throttle) {
        routeSettings[key] = {
          ThrottlingRateLimit: route.throttle.rate,
          ThrottlingBurstLimit: route.throttle.burst,
        };
        // Route settings name routes by key; CloudFormation rejects them until those routes exist.
        this.stage.node.addDependency(httpRoute);
      }
    }
    // The L2 stage has throttling for the whole stage only.
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }
}
