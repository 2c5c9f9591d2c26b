// Stages, alarms, edge protection and backups in the synthesised templates of dev and prod, without bundling.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { wafLimits } from '../../infra/edge.ts';
import { cdkJsonContext } from '../../infra/feature-flags.ts';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';
import { routeGroupOf, routeGroups } from '../../infra/route-groups.ts';
import { namesOf, stageFromContext } from '../../infra/stage.ts';
import { routeKey, routes } from '../../shared/http/routes.ts';

type Resource = { Type: string; Properties: Record<string, any> } & Record<string, any>;
const json = (value: unknown) => String(JSON.stringify(value));

const synth = (context: Record<string, unknown> = {}) => {
  const app = new App({ context });
  const stacks = addKaikuStacks(app, { bundle: false }) as Record<string, Stack>;
  const assembly = app.synth();
  return { stacks, assembly };
};
const dev = synth();
const prod = synth({ stage: 'prod', alarmEmails: 'ops@example.org,oncall@example.org' });
const resourcesOf = (stack: Stack) =>
  Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
const ofType = (stack: Stack, type: string) =>
  Object.entries(resourcesOf(stack)).filter(([, r]) => r.Type === type);

describe('passkeys', () => {
  it("are bound to the web app's domain in prod (the app registers them from its pages), to the pool's Cognito domain in dev", () => {
    const rpOf = (stack: Stack) =>
      ofType(stack, 'AWS::Cognito::UserPool').map(([, pool]) => pool.Properties.WebAuthnRelyingPartyID);
    const webDomain = (cdkJsonContext as any)['kaiku:stages'].prod.webDomainName;
    expect(typeof webDomain).toBe('string');
    expect(rpOf(prod.stacks.api!)).toEqual([webDomain]);
    expect(json(rpOf(dev.stacks.api!))).toContain('kaikukortti-dev.auth.');
  });
});

describe('stages', () => {
  it('name every stack, the table, the bucket, the snapshot function and the topic after the stage', () => {
    expect(
      Object.values(dev.stacks)
        .map((stack) => stack.stackName)
        .sort(),
    ).toEqual(['Kaiku-dev-Api', 'Kaiku-dev-Data', 'Kaiku-dev-Edge', 'Kaiku-dev-Stats', 'Kaiku-dev-Web']);
    expect(
      Object.values(prod.stacks)
        .map((stack) => stack.stackName)
        .sort(),
    ).toEqual([
      'Kaiku-prod-Api',
      'Kaiku-prod-BackupCopy',
      'Kaiku-prod-Data',
      'Kaiku-prod-Edge',
      'Kaiku-prod-Stats',
      'Kaiku-prod-Web',
    ]);
    const names = namesOf(stageFromContext((key) => ({ ...cdkJsonContext, stage: 'prod' })[key]));
    expect(names).toMatchObject({
      table: 'kaiku-prod',
      statsBucket: 'kaiku-prod-statistics-222222222222-eu-north-1',
      snapshotFunction: 'kaiku-prod-statistics-snapshot',
      alarmTopic: 'kaiku-prod-alarms',
    });
    Template.fromStack(prod.stacks.data!).hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'kaiku-prod',
    });
    Template.fromStack(prod.stacks.data!).hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'kaiku-prod-alarms',
    });
    const own = synth({ stage: 'dev-alice' });
    expect(own.stacks.data!.stackName).toBe('Kaiku-dev-alice-Data');
    expect(own.stacks.data!.account).toBe(dev.stacks.data!.account);
    expect(() => synth({ stage: 'Prod' })).toThrow(/dev, prod or dev-<name>/);
  });

  it('pin each stack to the account and region of cdk.json', () => {
    // A literal account in a stack's environment makes `cdk deploy` refuse credentials of another account
    // before it changes anything; synth needs none.
    const environments = Object.fromEntries(
      prod.assembly.stacks.map((stack) => [
        stack.stackName,
        `${stack.environment.account}/${stack.environment.region}`,
      ]),
    );
    expect(environments).toEqual({
      'Kaiku-prod-BackupCopy': '222222222222/eu-central-1',
      'Kaiku-prod-Data': '222222222222/eu-north-1',
      'Kaiku-prod-Stats': '222222222222/eu-north-1',
      'Kaiku-prod-Edge': '222222222222/us-east-1',
      'Kaiku-prod-Api': '222222222222/eu-north-1',
      'Kaiku-prod-Web': '222222222222/eu-north-1',
    });
    for (const stack of dev.assembly.stacks) expect(stack.environment.account).toBe('111111111111');
  });

  it('prod retains and protects its data and keeps access logs a year; dev is removed whole', () => {
    const prodTable = ofType(prod.stacks.data!, 'AWS::DynamoDB::Table')[0]![1];
    expect(prodTable.DeletionPolicy).toBe('Retain');
    expect(prodTable.Properties.DeletionProtectionEnabled).toBe(true);
    expect(prodTable.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    for (const [, bucket] of ofType(prod.stacks.stats!, 'AWS::S3::Bucket'))
      expect(bucket.DeletionPolicy).toBe('Retain');
    expect(json(ofType(prod.stacks.stats!, 'AWS::S3::Bucket'))).toContain('"ExpirationInDays":365');
    const apiLogs = ofType(prod.stacks.api!, 'AWS::Logs::LogGroup').find(([id]) =>
      id.startsWith('AccessLogs'),
    )![1];
    expect(apiLogs.Properties.RetentionInDays).toBe(365);
    expect(apiLogs.DeletionPolicy).toBe('Retain');

    const devTable = ofType(dev.stacks.data!, 'AWS::DynamoDB::Table')[0]![1];
    expect(devTable.DeletionPolicy).toBe('Delete');
    expect(devTable.Properties.DeletionProtectionEnabled).toBe(false);
    for (const [, bucket] of ofType(dev.stacks.stats!, 'AWS::S3::Bucket'))
      expect(bucket.DeletionPolicy).toBe('Delete');
    expect(ofType(dev.stacks.stats!, 'Custom::S3AutoDeleteObjects')).toHaveLength(2);
    for (const stack of Object.values(dev.stacks))
      for (const [id, resource] of Object.entries(resourcesOf(stack)))
        expect(resource.DeletionPolicy ?? 'Delete', `${stack.stackName} ${id}`).toBe('Delete');
  });
});

/**
 * CDK's own deploy-time helpers (a custom resource that empties a dev bucket before it is deleted, the copy
 * of the web app into its bucket): they run only inside a deployment, whose failure CloudFormation reports.
 * Nothing else may go without alarms.
 */
const deployTimeHelpers = /^Custom(S3AutoDeleteObjectsCustomResourceProvider|CDKBucketDeployment)/;

describe.each([
  ['dev', dev],
  ['prod', prod],
])('alarms (%s)', (_stage, { stacks }) => {
  const alarmsIn = (stack: Stack) =>
    ofType(stack, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);

  it('every function, in every stack, has an errors and a throttles alarm', () => {
    let functions = 0;
    for (const stack of Object.values(stacks)) {
      const alarms = alarmsIn(stack);
      for (const [id] of ofType(stack, 'AWS::Lambda::Function')) {
        if (deployTimeHelpers.test(id)) continue;
        functions++;
        for (const metricName of ['Errors', 'Throttles'])
          expect(
            alarms.some(
              (alarm) =>
                json(alarm).includes(`"MetricName":"${metricName}"`) && json(alarm).includes(`"${id}"`),
            ),
            `${stack.stackName} ${id}: ${metricName} alarm`,
          ).toBe(true);
      }
    }
    expect(functions).toBeGreaterThan(30);
  });

  it('every queue, in every stack, has an alarm on any message in it', () => {
    let queues = 0;
    for (const stack of Object.values(stacks)) {
      const alarms = alarmsIn(stack);
      for (const [id] of ofType(stack, 'AWS::SQS::Queue')) {
        queues++;
        expect(
          alarms.some(
            (alarm) =>
              json(alarm).includes('"MetricName":"ApproximateNumberOfMessagesVisible"') &&
              alarm.Threshold === 0 &&
              alarm.ComparisonOperator === 'GreaterThanThreshold' &&
              json(alarm).includes(`"${id}"`),
          ),
          `${stack.stackName} ${id}`,
        ).toBe(true);
      }
    }
    expect(queues).toBe(2);
  });

  it('cover the stream, the table, the route groups and the account concurrency, all to the topic', () => {
    const all = Object.values(stacks).flatMap(alarmsIn);
    expect(all.some((alarm) => json(alarm).includes('"MetricName":"IteratorAge"'))).toBe(true);
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents', 'SystemErrors'])
      expect(
        all.some((alarm) => json(alarm).includes(metricName)),
        metricName,
      ).toBe(true);
    expect(all.some((alarm) => json(alarm).includes('ConcurrentExecutions'))).toBe(true);
    for (const group of routeGroups().keys()) {
      expect(
        all.some((alarm) => json(alarm.AlarmName).includes(`Route5xxRate-${group}`)),
        group,
      ).toBe(true);
      expect(
        all.some((alarm) => json(alarm.AlarmName).includes(`RouteP99Latency-${group}`)),
        group,
      ).toBe(true);
    }
    for (const alarm of all)
      expect(json(alarm.AlarmActions), json(alarm.AlarmName)).toMatch(/-alarms"|"Ref":"Alarms[0-9A-F]+"/);
    for (const alarm of all)
      expect(json(alarm.Metrics ?? []).match(/"Id"/g)?.length ?? 1).toBeLessThanOrEqual(11);
  });
});

describe('route groups', () => {
  it('group routes by their first path segment', () => {
    expect(routeGroupOf({ path: '/v1/cards/{cardNumber}/renew' })).toBe('cards');
    expect(routeGroupOf({ path: '/v1/organisations/{orgId}/keys' })).toBe('admin');
    expect([...routeGroups().keys()].sort()).toEqual([
      'admin',
      'applications',
      'cards',
      'service',
      'stats',
      'usages',
      'venues',
    ]);
  });
});

describe('alarm e-mails', () => {
  it('subscribe every address of -c alarmEmails to the stage topic', () => {
    const subscriptions = ofType(prod.stacks.data!, 'AWS::SNS::Subscription').map(([, s]) => s.Properties);
    expect(subscriptions.map((s) => s.Endpoint).sort()).toEqual(['oncall@example.org', 'ops@example.org']);
    for (const subscription of subscriptions) expect(subscription.Protocol).toBe('email');
  });
});

describe('edge protection', () => {
  const acl = ofType(prod.stacks.edge!, 'AWS::WAFv2::WebACL')[0]![1].Properties;
  const rule = (name: string) => acl.Rules.find((r: { Name: string }) => r.Name === name);

  it('is a CloudFront-scope web ACL in us-east-1 with rate limits and AWS managed rules', () => {
    expect(prod.stacks.edge!.region).toBe('us-east-1');
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(rule('ApplicationsPerIp').Statement.RateBasedStatement).toMatchObject({
      Limit: wafLimits.applicationsPerIp,
      AggregateKeyType: 'IP',
    });
    expect(json(rule('ApplicationsPerIp').Statement)).toContain('/v1/applications');
    expect(rule('PublicPerIp').Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
    expect(rule('PerApiKey').Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [{ Header: { Name: 'authorization' } }],
    });
    for (const name of [
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
    ])
      expect(rule(name).Statement.ManagedRuleGroupStatement.Name).toBe(name);
    const logging = ofType(prod.stacks.edge!, 'AWS::WAFv2::LoggingConfiguration')[0]![1].Properties;
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
  });

  it('puts CloudFront with that web ACL in front of the API, caching nothing by itself', () => {
    const [[, distribution]] = ofType(prod.stacks.api!, 'AWS::CloudFront::Distribution') as [
      [string, Resource],
    ];
    const config = distribution.Properties.DistributionConfig;
    expect(json(config.WebACLId)).toContain('Kaiku-prod-Edge');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    expect(json(config.Origins)).toContain('execute-api');
    const [[, policy]] = ofType(prod.stacks.api!, 'AWS::CloudFront::CachePolicy') as [[string, Resource]];
    expect(policy.Properties.CachePolicyConfig.DefaultTTL).toBe(0);
  });

  it('passes the API the client address CloudFront saw, and the headers the functions read, never Host', () => {
    const [[, distribution]] = ofType(prod.stacks.api!, 'AWS::CloudFront::Distribution') as [
      [string, Resource],
    ];
    const policies = ofType(prod.stacks.api!, 'AWS::CloudFront::OriginRequestPolicy');
    expect(policies).toHaveLength(1);
    const [[policyId, policy]] = policies as [[string, Resource]];
    expect(
      json(distribution.Properties.DistributionConfig.DefaultCacheBehavior.OriginRequestPolicyId),
    ).toContain(policyId);
    const headers = policy.Properties.OriginRequestPolicyConfig.HeadersConfig;
    expect(headers.HeaderBehavior).toBe('whitelist');
    expect(headers.Headers).toContain('CloudFront-Viewer-Address');
    expect(headers.Headers.map((name: string) => name.toLowerCase())).not.toContain('host');
    expect(policy.Properties.OriginRequestPolicyConfig.QueryStringsConfig.QueryStringBehavior).toBe('all');
    // Every request header a function reads reaches it (Authorization through the cache policy).
    const forwarded = new Set(
      [...headers.Headers, 'Authorization'].map((name: string) => name.toLowerCase()),
    );
    const sources = [
      ...readdirSync('functions', { recursive: true, encoding: 'utf8' }).map((file) =>
        join('functions', file),
      ),
      ...readdirSync('shared', { recursive: true, encoding: 'utf8' }).map((file) => join('shared', file)),
    ].filter((file) => file.endsWith('.ts'));
    const read = new Set<string>();
    for (const file of sources)
      for (const match of readFileSync(file, 'utf8').matchAll(/headers\??\.?\[['"]([A-Za-z0-9-]+)['"]\]/g))
        read.add(match[1]!.toLowerCase());
    expect([...read].sort()).toEqual(
      expect.arrayContaining(['content-type', 'idempotency-key', 'x-claim-token']),
    );
    for (const name of read) expect(forwarded, name).toContain(name);
  });

  it('reserves concurrency for the public and job functions in prod', () => {
    const reserved = Object.values(prod.stacks)
      .flatMap((stack) => ofType(stack, 'AWS::Lambda::Function'))
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([, fn]) => fn.Properties.Description);
    // Every route anyone may call without a key, read from the route table, and the two jobs.
    const publicRoutes = routes.filter((route) => route.roles === 'public').map(routeKey);
    expect(publicRoutes).toEqual(expect.arrayContaining(['GET /v1/municipalities', 'POST /v1/applications']));
    const jobs = ['Nightly statistics snapshot', expect.stringMatching(/from the table stream$/)];
    expect(reserved).toEqual(expect.arrayContaining([...publicRoutes, ...jobs]));
    expect(reserved).toHaveLength(publicRoutes.length + jobs.length);
  });
});

describe('backups', () => {
  it('prod: a daily AWS Backup of the table, kept 35 days and copied to eu-central-1', () => {
    const plan = ofType(prod.stacks.data!, 'AWS::Backup::BackupPlan')[0]![1].Properties.BackupPlan;
    const [rule] = plan.BackupPlanRule;
    expect(rule.ScheduleExpression).toBe('cron(0 1 * * ? *)');
    expect(rule.Lifecycle.DeleteAfterDays).toBe(35);
    expect(json(rule.CopyActions)).toContain(
      ':backup:eu-central-1:222222222222:backup-vault:kaiku-prod-copy',
    );
    expect(json(ofType(prod.stacks.data!, 'AWS::Backup::BackupSelection'))).toContain('Table');
    Template.fromStack(prod.stacks.backupCopy!).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'kaiku-prod-copy',
    });
  });

  it('dev: point-in-time recovery only, so that cdk destroy leaves no vault behind', () => {
    expect(ofType(dev.stacks.data!, 'AWS::Backup::BackupPlan')).toHaveLength(0);
  });
});

// Issue 17, finding 6: prod's transport and the security logs.
describe('prod transport and security logs', () => {
  const distributions = (stage: typeof prod) =>
    [stage.stacks.api!, stage.stacks.web!].flatMap((stack) =>
      ofType(stack, 'AWS::CloudFront::Distribution').map(([, r]) => r.Properties.DistributionConfig),
    );

  it('serves both distributions on their own domains, with a us-east-1 certificate and TLS 1.2 (2021) at least', () => {
    const configs = distributions(prod);
    expect(configs).toHaveLength(2);
    expect(configs.map((config) => config.Aliases).sort()).toEqual([
      ['api.kaikukortti.fi'],
      ['kaikukortti.fi'],
    ]);
    for (const config of configs) {
      expect(config.ViewerCertificate.MinimumProtocolVersion).toBe('TLSv1.2_2021');
      expect(config.ViewerCertificate.AcmCertificateArn).toMatch(/^arn:aws:acm:us-east-1:/);
      expect(config.ViewerCertificate.SslSupportMethod).toBe('sni-only');
    }
  });

  it('refuses a prod without domains, and a certificate outside us-east-1', () => {
    const stages = (prodSettings: Record<string, unknown>) => ({
      ...(cdkJsonContext['kaiku:stages'] as Record<string, unknown>),
      prod: prodSettings,
    });
    const base = { account: '222222222222', region: 'eu-north-1' };
    expect(() => synth({ stage: 'prod', 'kaiku:stages': stages(base) })).toThrow(/needs domainName/);
    expect(() =>
      synth({
        stage: 'prod',
        'kaiku:stages': stages({
          ...base,
          domainName: 'api.example.org',
          webDomainName: 'example.org',
          certificateArn: 'arn:aws:acm:eu-north-1:222222222222:certificate/abc',
        }),
      }),
    ).toThrow(/us-east-1/);
  });

  it('sends HSTS with every answer of the API, through either distribution', () => {
    for (const stack of [prod.stacks.api!, prod.stacks.web!]) {
      const policies = Object.fromEntries(ofType(stack, 'AWS::CloudFront::ResponseHeadersPolicy'));
      for (const config of ofType(stack, 'AWS::CloudFront::Distribution').map(
        ([, r]) => r.Properties.DistributionConfig,
      )) {
        const behaviours = [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])];
        for (const behaviour of behaviours) {
          const policy = policies[behaviour.ResponseHeadersPolicyId?.Ref];
          expect(policy, `${stack.stackName} ${behaviour.PathPattern ?? 'default'}`).toBeDefined();
          const hsts =
            policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity;
          expect(hsts.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
          expect(hsts.Override).toBe(true);
        }
      }
    }
  });

  it('keeps the authorizer’s, the routes’, the access and the WAF logs a year, retained with the stack gone', () => {
    const security = [
      ...ofType(prod.stacks.api!, 'AWS::Logs::LogGroup'),
      ...ofType(prod.stacks.edge!, 'AWS::Logs::LogGroup'),
    ];
    const functions = ofType(prod.stacks.api!, 'AWS::Lambda::Function');
    const authorizer = functions.find(([, r]) => r.Metadata?.['kaiku:handler'] === 'functions/authorizer.ts');
    expect(authorizer).toBeDefined();
    const logGroupOf = (fn: Resource) => fn.Properties.LoggingConfig.LogGroup.Ref as string;
    const authorizerLogs = security.find(([id]) => id === logGroupOf(authorizer![1]));
    expect(authorizerLogs).toBeDefined();
    const routeLogs = functions
      .filter(([, r]) => routes.some((route) => route.handler === r.Metadata?.['kaiku:handler']))
      .map(([, r]) => logGroupOf(r));
    expect(routeLogs.length).toBe(routes.length);
    const accessLogs = ofType(prod.stacks.api!, 'AWS::ApiGatewayV2::Stage').map(
      ([, r]) => r.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string,
    );
    const wafLogs = ofType(prod.stacks.edge!, 'AWS::Logs::LogGroup').map(([id]) => id);
    const kept = security.filter(([id]) =>
      [logGroupOf(authorizer![1]), ...routeLogs, ...accessLogs, ...wafLogs].includes(id),
    );
    expect(kept.length).toBe(routes.length + 3);
    for (const [id, group] of kept) {
      expect(group.Properties.RetentionInDays, id).toBeGreaterThanOrEqual(365);
      expect(group.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('has no acknowledgement of CFR4 (TLSv1 on the default certificate) in prod; dev keeps it', () => {
    const acknowledged = (stage: typeof prod) =>
      JSON.stringify(
        [stage.stacks.api!, stage.stacks.web!].flatMap((stack) =>
          stack.node.findAll().flatMap((construct) => construct.node.metadata.map((entry) => entry.data)),
        ),
      );
    expect(acknowledged(prod)).not.toContain('AwsSolutions-CFR4');
    expect(acknowledged(dev)).toContain('AwsSolutions-CFR4');
  });
});
