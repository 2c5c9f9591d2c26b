// The web app's stack: a private bucket read through origin access control, an HTTPS-only distribution with
// the strict CSP and the API under /v1/* on the same origin, the stage's web ACL, and cdk-nag clean.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import cdkNag from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ServiceSecrets } from '../../infra/constructs/service-secrets.ts';
import { applyCdkJsonContext } from '../../infra/feature-flags.ts';
import { stageOf } from '../../infra/stage.ts';
import { cognitoOrigins, contentSecurityPolicyFor } from '../../infra/web-headers.ts';
import { spaRoutingCode, WebStack } from '../../infra/web-stack.ts';

const webAclArn = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/kaiku-dev/abc';

const { AwsSolutionsChecks } = cdkNag;

function synth(stageName = 'dev', bundle = false, outdir?: string) {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { stage: stageName },
    ...(outdir && { outdir }),
  });
  applyCdkJsonContext(app);
  const stage = stageOf(app);
  const env = stage.env;
  const apiStack = new Stack(app, 'ApiForTest', { env });
  const api = new HttpApi(apiStack, 'HttpApi', { createDefaultStage: false });
  // The API stack's own secrets construct (rotation acknowledged there), as the app wires it.
  const originSecret = new ServiceSecrets(apiStack, 'Secrets', { stage }).secrets.originVerify;
  const web = new WebStack(app, 'WebForTest', { env, stage, api, originSecret, webAclArn, bundle });
  return { app, web };
}

describe('the web stack', () => {
  const template = Template.fromStack(synth().web);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

  it('keeps the bucket private, read by CloudFront through origin access control', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const [distribution] = ofType('AWS::CloudFront::Distribution');
    const config = distribution!.Properties.DistributionConfig;
    const s3Origin = config.Origins.find((origin: any) => origin.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(config.WebACLId).toBe(webAclArn);
    expect(config.DefaultRootObject).toBe('index.html');
  });

  it('serves HTTPS only, with the strict CSP, and the API on the same origin under /v1/*', () => {
    const config = ofType('AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('https-only');
    const api = config.CacheBehaviors.find((behaviour: any) => behaviour.PathPattern === '/v1/*');
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.AllowedMethods).toContain('POST');
    const apiOrigin = config.Origins.find((origin: any) => origin.Id === api.TargetOriginId);
    expect(apiOrigin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const [policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    const security = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    // The app connects to its own origin and to the stage's Cognito (API and user pool domain), nothing else.
    const csp = security.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toBe(contentSecurityPolicyFor(cognitoOrigins('eu-north-1', 'kaikukortti-dev')));
    expect(csp).toContain(
      "connect-src 'self' https://cognito-idp.eu-north-1.amazonaws.com https://kaikukortti-dev.auth.eu-north-1.amazoncognito.com;",
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(security.ContentTypeOptions.Override).toBe(true);
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThan(0);
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toBeDefined();
  });

  it("answers the app's routes with index.html, and leaves files alone", () => {
    const route = (uri: string) => {
      const request = { uri };
      // The CloudFront Function, run as CloudFront runs it.
      new Function(`${spaRoutingCode}; return handler;`)()({ request });
      return request.uri;
    };
    expect(route('/desk')).toBe('/index.html');
    expect(route('/cards/7KQ3-XW9A-M2HT/print')).toBe('/index.html');
    expect(route('/')).toBe('/index.html');
    expect(route('/assets/main-abc.js')).toBe('/assets/main-abc.js');
    expect(route('/sw.js')).toBe('/sw.js');
  });

  it('deploys the build: hashed assets cached for a year, the pages revalidated and invalidated', () => {
    const deployments = ofType('Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const json = JSON.stringify(deployments);
    expect(json).toContain('immutable');
    expect(json).toContain('no-cache');
    expect(json).toContain('"DistributionPaths":["/*"]');
  });
});

describe('the web stack’s synth', () => {
  it('builds the app itself (CDK local bundling runs npm run build:web into the asset)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kaiku-web-synth-'));
    try {
      const assembly = synth('dev', true, outdir).app.synth();
      const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
      const built = assets
        .map((name) => join(assembly.directory, name))
        .filter((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'sw.js')));
      expect(built).toHaveLength(1);
      expect(readdirSync(join(built[0]!, 'assets')).some((name) => name.endsWith('.js'))).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the web stack under cdk-nag', () => {
  it.each(['dev', 'prod'])('leaves no finding unacknowledged (%s)', (stageName) => {
    const { app } = synth(stageName);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((plugin: any) => plugin.violations ?? [])).toEqual([]);
  });
});
