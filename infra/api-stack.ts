import {
  Arn,
  ArnFormat,
  Aws,
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
import type { TableGrant } from '../shared/http/access.ts';
import {
  authCacheSeconds,
  authorizerAccess,
  authorizerHandler,
  defaultThrottle,
  type Route,
  routeKey,
  routes,
  tableAccessOf,
} from '../shared/http/routes.ts';
import { localMailDomain } from '../shared/mail/mail-domain.ts';
import { tableDefinition } from '../shared/store/table.ts';
import { jsonAccessLogFormat } from './constructs/access-log-format.ts';
import { KaikuFunction } from './constructs/kaiku-function.ts';
import { kaikuMonitoring, monitorFunction } from './constructs/monitoring.ts';
import { PeoplePool } from './constructs/people-pool.ts';
import { originHeader, ServiceSecrets } from './constructs/service-secrets.ts';
import { EdgeDistribution, reservedConcurrency } from './edge.ts';
import { monitorAccountConcurrency, monitorRouteGroups } from './route-groups.ts';
import { type KaikuStage, namesOf } from './stage.ts';
import { acknowledgeSnapshotObjects, snapshotObjectsArn } from './stats-stack.ts';

export interface ApiStackProps extends StackProps {
  readonly stage: KaikuStage;
  /** The CloudFront-scope web ACL of the edge stack (us-east-1); without it, no CloudFront in front. */
  readonly webAclArn?: string;
  /** The table of the data stack, found by name (see DataStack.tableName). */
  readonly tableName: string;
  /** False skips esbuild: every function gets a stub, for template tests. */
  readonly bundle: boolean;
  readonly tracing?: boolean;
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
  readonly secrets: ServiceSecrets;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = namesOf(stage);
    const monitoring = kaikuMonitoring(this, stage, 'Api');

    const table = Table.fromTableAttributes(this, 'Table', {
      tableName: props.tableName,
      globalIndexes: tableDefinition.indexes.map((index) => index.name),
    });
    const bucketName = names.statsBucket;
    const snapshotFunctionName = names.snapshotFunction;
    const snapshotFunctionArn = Arn.format(
      {
        service: 'lambda',
        resource: 'function',
        resourceName: snapshotFunctionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      this,
    );
    // The people who sign in (decision 0016). The web app is served on the stage's domain; without one
    // (a developer's stage) only a web app on localhost may sign in against it.
    const webOrigins = stage.domainName
      ? [`https://${stage.domainName}`]
      : ['http://localhost:3000', 'http://localhost:5173'];
    const people = new PeoplePool(this, 'People', { stage, webOrigins });
    // What the service e-mails itself (decision e-mails) comes from the stage's domain, an SES identity
    // verified by the operator (docs/runbook.md); a stage without a domain has none, so SES refuses its
    // mail and the functions log it (decision 0023), the decisions themselves unaffected.
    const mailDomain = stage.domainName ?? localMailDomain;
    const mailIdentityArn = `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${mailDomain}`;
    // The service's secrets (Secrets Manager): each function reads only those it is granted.
    this.secrets = new ServiceSecrets(this, 'Secrets', { stage });
    const addFunction = (handlerFile: string, description: string, grant: TableGrant, route?: Route) => {
      const resources = route?.resources ?? [];
      const fn = new KaikuFunction(this, functionId(handlerFile), {
        handlerFile,
        description,
        table,
        tableGrant: grant,
        memoryMb: route?.memoryMb,
        timeoutSeconds: route?.timeoutSeconds,
        ...(stage.production && { reservedConcurrency: reservedConcurrency[handlerFile] }),
        // The authorizer's and the routes' refusals are security evidence in prod.
        securityLog: stage.production,
        bundle: props.bundle,
        tracing: props.tracing,
        environment: {
          ...people.environment,
          ...(route?.directory && { IDP_USER_POOL_ID: people.userPool.userPoolId }),
          ...(resources.includes('statisticsBucket') && { STATS_BUCKET: bucketName }),
          ...(resources.includes('snapshotFunction') && { SNAPSHOT_FUNCTION_NAME: snapshotFunctionName }),
          ...(route?.mail && { MAIL_FROM: `no-reply@${mailDomain}`, WEB_APP_URL: webOrigins[0] ?? '' }),
        },
      }).lambdaFunction;
      if (route?.mail)
        fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: [mailIdentityArn] }));
      if (resources.includes('statisticsBucket')) {
        // Presigned links carry this function's permission: reading snapshot files, nothing else.
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [snapshotObjectsArn(bucketName)],
          }),
        );
        acknowledgeSnapshotObjects(fn.role!.node.tryFindChild('DefaultPolicy')!, bucketName);
      }
      if (resources.includes('snapshotFunction'))
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [snapshotFunctionArn] }),
        );
      people.grantDirectory(fn, route?.directory ?? []);
      // Every API function refuses a request that did not come through CloudFront (decision 0019).
      this.secrets.grantRead(fn, 'originVerify');
      for (const purpose of route?.secrets ?? []) this.secrets.grantRead(fn, purpose);
      // Errors and throttles of every function (the authorizer's errors among them).
      monitorFunction(monitoring, fn, functionId(handlerFile));
      return fn;
    };

    const authorizer = new HttpLambdaAuthorizer(
      'ApiKeyAuthorizer',
      addFunction(authorizerHandler, 'API key authorizer', authorizerAccess),
      {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        // The origin header too: a request without it (not from CloudFront) never reaches the authorizer,
        // and a cached answer belongs to the pair, never to a key sent around CloudFront.
        identitySource: ['$request.header.Authorization', `$request.header.${originHeader}`],
        resultsCacheTtl: Duration.seconds(authCacheSeconds()),
      },
    );

    // The $default stage is made here rather than by HttpApi, which offers no logging or throttling for it.
    this.httpApi = new HttpApi(this, 'HttpApi', { apiName: names.apiName, createDefaultStage: false });
    // Every request: kept a year in prod (and kept when the stack goes), a month in a dev stage.
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: throttleSettings(defaultThrottle),
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: jsonAccessLogFormat },
    });

    const routeSettings: Record<
      string,
      { ThrottlingRateLimit: number; ThrottlingBurstLimit: number; DetailedMetricsEnabled: boolean }
    > = {};
    for (const route of routes as readonly Route[]) {
      const key = routeKey(route);
      const handler = addFunction(route.handler, key, tableAccessOf(route), route);
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
          DetailedMetricsEnabled: true,
        };
        // Route settings name routes by key; CloudFormation rejects them until those routes exist.
        this.stage.node.addDependency(httpRoute);
      }
    }
    // The L2 stage has throttling for the whole stage only. Detailed (per-route) metrics feed the alarms
    // of each route group.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = routeSettings;
    cfnStage.defaultRouteSettings = {
      throttlingRateLimit: defaultThrottle.rate,
      throttlingBurstLimit: defaultThrottle.burst,
      detailedMetricsEnabled: true,
    };
    monitorRouteGroups(monitoring, this.httpApi.apiId, stage);
    monitorAccountConcurrency(monitoring, stage);

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    if (props.webAclArn) {
      const edge = new EdgeDistribution(this, 'Edge', {
        stage,
        api: this.httpApi,
        webAclArn: props.webAclArn,
        originSecret: this.secrets.secrets.originVerify,
        removalPolicy: stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      new CfnOutput(this, 'PublicUrl', { value: edge.url });
      new CfnOutput(this, 'DistributionDomainName', { value: edge.distribution.distributionDomainName });
    }
  }
}
