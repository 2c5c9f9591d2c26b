// The web app in AWS (docs/web.md): the built files in a private S3 bucket that only CloudFront reads (origin
// access control), one HTTPS-only distribution with the strict CSP of infra/web-headers.ts, and the API on
// the same origin through its /v1/* behaviour, so the app needs no CORS. The stage's web ACL guards both.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  CfnOutput,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { peopleDomainPrefix } from './constructs/people-pool.ts';
import { apiOrigin, apiResponseHeaders, forwardedHeaders, viewerCertificate } from './edge.ts';
import { projectRoot } from './paths.ts';
import { type KaikuStage, namesOf } from './stage.ts';
import { cognitoOrigins, contentSecurityPolicyFor, permissionsPolicy } from './web-headers.ts';

export interface WebStackProps extends StackProps {
  readonly stage: KaikuStage;
  /** The HTTP API that /v1/* goes to. */
  readonly api: HttpApi;
  /** The value CloudFront adds as x-kaiku-origin on /v1/* (the API stack's origin secret). */
  readonly originSecret: Secret;
  /** The stage's CloudFront-scope web ACL (Edge stack, us-east-1). */
  readonly webAclArn: string;
  /** False deploys a one-page stub instead of building web/ (template tests, the local runtime). */
  readonly bundle: boolean;
}

/**
 * The app's paths without a file extension are its own routes (/desk, /cards/…): CloudFront serves them
 * index.html, as the local gateway does. Runs at the edge on every request of the default behaviour.
 */
export const spaRoutingCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`;

/** The built app (npm run build:web), built by the synth itself: CDK's local bundling runs the build. */
function builtApp(bundle: boolean): ISource {
  if (!bundle) return Source.data('index.html', '<!doctype html><title>Kaikukortti (stub)</title>');
  const webRoot = join(projectRoot, 'web');
  return Source.asset(webRoot, {
    exclude: ['dist', 'dist.*'],
    bundling: {
      image: DockerImage.fromRegistry('none'),
      local: {
        tryBundle(outputDir: string) {
          execFileSync(process.execPath, [join(projectRoot, 'scripts', 'build-web.ts'), '--out', outputDir], {
            // The synth's own output stays clean (cdk synth may print a template on stdout).
            stdio: ['ignore', 2, 2],
          });
          return true;
        },
      },
    },
  });
}

export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const names = namesOf(stage);
    const removalPolicy = stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.bucket = new Bucket(this, 'App', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
      autoDeleteObjects: !stage.production,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build of the web app, written by the deployment; every request for it is logged by WAF at the edge.',
    });

    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment:
        'Kaikukortti web app: strict CSP (no inline script or style), nosniff, no referrer, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The app signs people in with the stage's Cognito user pool (infra/constructs/people-pool.ts).
          contentSecurityPolicy: contentSecurityPolicyFor(
            cognitoOrigins(this.region, peopleDomainPrefix(stage.name)),
          ),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: permissionsPolicy, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
    const routing = new EdgeFunction(this, 'SpaRouting', {
      comment: 'Kaikukortti web app: its routes are index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(spaRoutingCode),
    });

    // The API as the Api stack's distribution reaches it: the key and the query in the cache key, nothing
    // cached unless the API says so, only the headers the functions read.
    const apiCache = new CachePolicy(this, 'ApiPerKey', {
      comment: 'Kaikukortti API behind the web app: Authorization and query in the key',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList('Authorization'),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const toApi = new OriginRequestPolicy(this, 'ToTheApi', {
      comment: 'Kaikukortti API behind the web app: the headers the functions read',
      headerBehavior: OriginRequestHeaderBehavior.allowList(...forwardedHeaders),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
      cookieBehavior: OriginRequestCookieBehavior.none(),
    });

    const custom = viewerCertificate(this, stage.webDomainName, stage.certificateArn);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Kaikukortti ${stage.name} web app`,
      webAclId: props.webAclArn,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...custom,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: routing, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: apiOrigin(this, props.api, props.originSecret),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: apiCache,
          originRequestPolicy: toApi,
          responseHeadersPolicy: apiResponseHeaders(this, 'ApiHeaders'),
        },
      },
    });
    this.distribution.applyRemovalPolicy(removalPolicy);
    const acknowledge = (ruleId: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id: ruleId, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'Venues, distributors and areas use the app wherever they are; WAF limits clients instead of countries.',
    );
    acknowledge(
      'AwsSolutions-CFR3',
      'Every request is logged by WAF at the edge (API key redacted) and, for /v1, by the API stage; CloudFront standard logs would need an ACL-enabled bucket.',
    );
    if (!custom)
      acknowledge(
        'AwsSolutions-CFR4',
        "Without webDomainName and certificateArn (dev) the app is served on CloudFront's default domain, whose certificate allows TLSv1; prod has its own domain with TLSv1.2_2021.",
      );

    // Hashed files never change: cached for a year. The rest (index.html, sw.js) is revalidated each time.
    const app = builtApp(props.bundle);
    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: stage.production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [app],
      destinationBucket: this.bucket,
      include: ['assets/*'],
      exclude: ['*'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      logGroup,
    });
    const pages = new BucketDeployment(this, 'Pages', {
      sources: [app],
      destinationBucket: this.bucket,
      exclude: ['assets/*', 'build-inputs.json'],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup,
    });
    // The pages name the assets: the assets are there first.
    pages.node.addDependency(assets);
    acknowledgeDeploymentHelper(this, this.bucket);

    new CfnOutput(this, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}/` });
    new CfnOutput(this, 'WebBucket', { value: this.bucket.bucketName });
    new CfnOutput(this, 'WebStackOf', { value: names.apiName });
  }
}

/**
 * CDK's deploy-time copy of the files (a singleton function it owns, run by CloudFormation only): its
 * findings, acknowledged one by one by their exact names (cdk-nag 3 takes no patterns).
 */
function acknowledgeDeploymentHelper(stack: Stack, bucket: Bucket): void {
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnBucket);
  const assets = `cdk-hnb659fds-assets-${stack.account}-${stack.region}`;
  const copies = "copies the build from CDK's asset bucket into the app's bucket, as CDK grants it";
  const findings: Record<string, string> = {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      "CDK's bucket deployment function writes its logs with AWSLambdaBasicExecutionRole; it runs at deploy time only.",
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': `CDK's bucket deployment function ${copies}.`,
    'AwsSolutions-IAM5[Action::s3:GetObject*]': `CDK's bucket deployment function ${copies}.`,
    'AwsSolutions-IAM5[Action::s3:List*]': `CDK's bucket deployment function ${copies}.`,
    'AwsSolutions-IAM5[Action::s3:Abort*]': `CDK's bucket deployment function ${copies}.`,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': `CDK's bucket deployment function ${copies}.`,
    [`AwsSolutions-IAM5[Resource::arn:aws:s3:::${assets}/*]`]: `CDK's bucket deployment function ${copies}.`,
    [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: `CDK's bucket deployment function ${copies}.`,
    'AwsSolutions-IAM5[Resource::*]':
      "CDK's bucket deployment function invalidates the distribution's cache after a deployment; CloudFront invalidations are granted on *.",
    'AwsSolutions-L1':
      "CDK's bucket deployment function's runtime is CDK's choice, updated with aws-cdk-lib.",
  };
  for (const child of stack.node.findAll()) {
    if (!child.node.path.includes('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge(...Object.entries(findings).map(([id, reason]) => ({ id, reason })));
  }
}
