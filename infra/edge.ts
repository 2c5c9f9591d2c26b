// Edge protection (docs/decisions/0010-edge-protection.md): CloudFront with AWS WAF in front of the HTTP API,
// and reserved concurrency for the public and job functions in prod. CloudFront-scope WAF lives in us-east-1,
// so the web ACL has its own stack there (Kaiku-<stage>-Edge); the distribution stays in the API stack, which
// gets the web ACL's ARN through CDK's cross-region references.
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  type DistributionProps,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { viewerAddressHeader } from '../shared/domain/application-source.ts';
import { jobHandlers, routes } from '../shared/http/routes.ts';
import { originHeader, originHeaderValue } from './constructs/service-secrets.ts';
import { type KaikuStage, namesOf } from './stage.ts';

/** CloudFront-scope WAF must be created in us-east-1. */
export const edgeRegion = 'us-east-1';

/**
 * Reserved concurrency in prod: a flood on a public route or a stuck job can take at most this much of the
 * account's concurrency, and always has it. Keyed by handler file.
 */
export const reservedConcurrency: Readonly<Record<string, number>> = {
  'functions/health.ts': 5,
  'functions/openapi.ts': 2,
  'functions/onboarding/submit-application.ts': 2,
  'functions/onboarding/get-application.ts': 5,
  // The application form's list: one call per visitor, answered from a list bundled with the function.
  'functions/municipalities/list-municipalities.ts': 2,
  // The web app's sign-in settings: one call per page load, answered from the environment.
  'functions/auth/get-config.ts': 3,
  // Where the card works: cached at the edge for 5 minutes, so few calls reach the function.
  'functions/venues/list-venues.ts': 3,
  [jobHandlers.countFromStream]: 20,
  [jobHandlers.snapshot]: 2,
};

/** WAF's rate limits: requests per client (IP or API key) in 5 minutes. */
export const wafLimits = {
  /** POST /v1/applications per client IP: an area applies once; ten tries is plenty. */
  applicationsPerIp: 10,
  /** Requests without an API key (the public routes) per client IP. */
  publicPerIp: 300,
  /** Requests per API key (Authorization header): one venue integration cannot starve the others. */
  perApiKey: 30_000,
  /** Every request per client IP: a backstop above any one key's share (venues share NAT addresses). */
  perIp: 50_000,
} as const;

/**
 * What CloudFront passes to the API besides the path, the body, the query and Authorization (which the
 * cache policy carries): the request headers the functions read (test/infra/stages.test.ts finds them in
 * the code), and CloudFront-Viewer-Address, the address and port of the viewer's connection as CloudFront
 * saw it, which tells applicants apart (docs/decisions/0011-application-spam.md). Never Host: API Gateway
 * answers only to its own.
 */
export const forwardedHeaders = [
  'Content-Type',
  'Idempotency-Key',
  'X-Claim-Token',
  'CloudFront-Viewer-Address',
];
if (!forwardedHeaders.some((name) => name.toLowerCase() === viewerAddressHeader))
  throw new Error(`CloudFront must forward ${viewerAddressHeader}`);

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const rateRule = (
  name: string,
  priority: number,
  limit: number,
  key: Pick<CfnWebACL.RateBasedStatementProperty, 'aggregateKeyType' | 'customKeys'>,
  scopeDownStatement?: CfnWebACL.StatementProperty,
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: { block: {} },
  statement: {
    rateBasedStatement: {
      limit,
      evaluationWindowSec: 300,
      ...key,
      ...(scopeDownStatement && { scopeDownStatement }),
    },
  },
  visibilityConfig: visibility(name),
});

const managedRule = (
  name: string,
  priority: number,
  countOnly: readonly string[] = [],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(countOnly.length > 0 && {
        ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      }),
    },
  },
  visibilityConfig: visibility(name),
});

const noTransformation = [{ priority: 0, type: 'NONE' }];
/** Tabs, line breaks and no-break spaces as one space, runs of spaces as one, then lower case. */
export const authorizationNormalisation = [
  { priority: 0, type: 'COMPRESS_WHITE_SPACE' },
  { priority: 1, type: 'LOWERCASE' },
];
/** Percent-encoding decoded, `//`, `/./` and `/../` resolved, lower case: `/V1/%68ealth` is `/v1/health`. */
export const pathNormalisation = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

/**
 * HSTS (a year, subdomains) and nosniff on every answer CloudFront gives for the API, the API Gateway's
 * own errors and WAF's refusals included (the functions set both too: shared/http/responses.ts).
 */
export function apiResponseHeaders(scope: Construct, id: string): ResponseHeadersPolicy {
  return new ResponseHeadersPolicy(scope, id, {
    comment: 'Kaikukortti API: HSTS and nosniff on every answer',
    securityHeadersBehavior: {
      contentTypeOptions: { override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
    },
  });
}

/**
 * A custom domain with the stage's certificate (us-east-1) and at least TLS 1.2 (the 2021 policy), or
 * nothing (dev without a domain: CloudFront's default domain and certificate, acknowledged as CFR4).
 */
export function viewerCertificate(
  scope: Construct,
  domainName: string | undefined,
  certificateArn: string | undefined,
): Pick<DistributionProps, 'minimumProtocolVersion' | 'domainNames' | 'certificate'> | undefined {
  if (!domainName || !certificateArn) return undefined;
  return {
    minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
    domainNames: [domainName],
    certificate: Certificate.fromCertificateArn(scope, 'Certificate', certificateArn),
  };
}

/** The paths of the routes that take no key (any method), as one anchored regular expression. */
export function publicRoutesPattern(): string {
  const paths = [...new Set(routes.filter((route) => route.roles === 'public').map((route) => route.path))];
  const patterns = paths.map((path) =>
    path
      .toLowerCase()
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join(''),
  );
  return `^(?:${patterns.join('|')})/?$`;
}

/** The web ACL's rules, in the order WAF evaluates them. */
export function webAclRules(): CfnWebACL.RuleProperty[] {
  const postApplications: CfnWebACL.StatementProperty = {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: 'POST',
            textTransformations: noTransformation,
          },
        },
        {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'EXACTLY',
            searchString: '/v1/applications',
            textTransformations: noTransformation,
          },
        },
      ],
    },
  };
  // Every request to a route that takes no key, whatever headers it carries (a junk Authorization header
  // used to take a request out of this count). The paths come from the route table.
  const toPublicRoutes: CfnWebACL.StatementProperty = {
    regexMatchStatement: {
      fieldToMatch: { uriPath: {} },
      regexString: publicRoutesPattern(),
      textTransformations: pathNormalisation,
    },
  };
  return [
    managedRule('AWSManagedRulesAmazonIpReputationList', 0),
    rateRule(
      'ApplicationsPerIp',
      1,
      wafLimits.applicationsPerIp,
      { aggregateKeyType: 'IP' },
      postApplications,
    ),
    rateRule('PublicPerIp', 2, wafLimits.publicPerIp, { aggregateKeyType: 'IP' }, toPublicRoutes),
    rateRule('PerApiKey', 3, wafLimits.perApiKey, {
      aggregateKeyType: 'CUSTOM_KEYS',
      // One key, one counter: `bearer`, `BEARER`, extra spaces or a tab count with the canonical form (the
      // authorizer refuses those forms anyway: shared/domain/api-keys.ts bearerToken).
      customKeys: [{ header: { name: 'authorization', textTransformations: authorizationNormalisation } }],
    }),
    rateRule('PerIp', 4, wafLimits.perIp, { aggregateKeyType: 'IP' }),
    // Batches of uses may be larger than the rule set's 8 KB body limit, and integrations need not send a
    // User-Agent: those two rules count instead of blocking.
    managedRule('AWSManagedRulesCommonRuleSet', 5, ['SizeRestrictions_BODY', 'NoUserAgent_HEADER']),
    managedRule('AWSManagedRulesKnownBadInputsRuleSet', 6),
  ];
}

export interface EdgeStackProps extends StackProps {
  readonly stage: KaikuStage;
}

/** The stage's CloudFront-scope web ACL and its logs (in us-east-1, where CloudFront's WAF lives). */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = namesOf(stage);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: names.webAcl,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(names.webAcl),
      rules: webAclRules(),
    });
    // Every request WAF saw, blocked or not (the API key redacted): kept a year in prod.
    const logs = new LogGroup(this, 'WafLogs', {
      logGroupName: names.wafLogGroup,
      retention: stage.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new CfnLoggingConfiguration(this, 'WafLogging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        this.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}

export interface EdgeDistributionProps {
  readonly stage: KaikuStage;
  readonly api: HttpApi;
  readonly webAclArn: string;
  /** The value CloudFront adds as x-kaiku-origin, which the API checks before anything else. */
  readonly originSecret: Secret;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The HTTP API as CloudFront's origin: HTTPS only, and the origin secret in a header CloudFront sets
 * itself (a viewer's header of that name is replaced), so the API can tell CloudFront's requests from
 * requests sent to execute-api directly (decision 0022).
 */
export function apiOrigin(scope: Construct, api: HttpApi, originSecret: Secret): HttpOrigin {
  const stack = Stack.of(scope);
  return new HttpOrigin(`${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    customHeaders: { [originHeader]: originHeaderValue(scope, originSecret) },
  });
}

/** CloudFront in front of the HTTP API, nothing cached, with the stage's web ACL. */
export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const { stage } = props;
    // The API key must reach the API: CloudFront forwards Authorization only when the cache policy names
    // it. Nothing is cached unless the API itself asks (default TTL 0), and then per key for a second.
    const cachePolicy = new CachePolicy(this, 'PerApiKey', {
      comment: 'Kaikukortti API: Authorization and query in the key, cached only when the API says so',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // Only what the functions read, and the client address CloudFront saw (CloudFront sets that header's
    // value itself; decision 0011 says what to check after the first deploy).
    const originRequestPolicy = new OriginRequestPolicy(this, 'ToTheApi', {
      comment: 'Kaikukortti API: the headers the functions read, the query, and CloudFront-Viewer-Address',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...forwardedHeaders),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });
    const custom = viewerCertificate(this, stage.domainName, stage.certificateArn);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Kaikukortti ${stage.name} API`,
      webAclId: props.webAclArn,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...custom,
      defaultBehavior: {
        origin: apiOrigin(this, props.api, props.originSecret),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy,
        originRequestPolicy,
        responseHeadersPolicy: apiResponseHeaders(this, 'Headers'),
      },
    });
    this.distribution.applyRemovalPolicy(props.removalPolicy);
    this.url = `https://${custom ? stage.domainName : this.distribution.distributionDomainName}/`;
    const acknowledge = (id: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'The register serves venues, ticket agents and partners wherever their systems run; WAF limits clients instead of countries.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'Every request is logged by WAF at the edge (API key redacted, kept a year in prod) and by the API stage; CloudFront standard logs would need an ACL-enabled bucket.',
    );
    if (!custom)
      acknowledge(
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves its default certificate, which allows TLSv1; a stage with domainName and certificateArn gets TLSv1.2_2021.',
      );
  }
}
