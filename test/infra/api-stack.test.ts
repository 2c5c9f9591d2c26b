// The synthesised templates against the route table and the table definition, without bundling.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ApiStack } from '../../infra/api-stack.ts';
import { addKaikuStacks } from '../../infra/kaiku-app.ts';
import { defaultStageOfCdkJson } from '../../infra/stage.ts';
import { defaultThrottle, type Route, routeKey, routes } from '../../shared/http/routes.ts';
import { tableDefinition } from '../../shared/store/table.ts';

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
type Resources = Record<string, Resource>;

const routeTable = routes as readonly Route[];

function withAuthCacheSetting<T>(value: string | undefined, build: () => T): T {
  const saved = process.env.KAIKU_AUTH_CACHE_SECONDS;
  if (value === undefined) delete process.env.KAIKU_AUTH_CACHE_SECONDS;
  else process.env.KAIKU_AUTH_CACHE_SECONDS = value;
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.KAIKU_AUTH_CACHE_SECONDS;
    else process.env.KAIKU_AUTH_CACHE_SECONDS = saved;
  }
}

const { data, api } = withAuthCacheSetting(undefined, () => addKaikuStacks(new App(), { bundle: false }));
const apiTemplate = Template.fromStack(api);
const dataTemplate = Template.fromStack(data);
const apiResources = apiTemplate.toJSON().Resources as Resources;

const resourcesOfType = (type: string) => Object.entries(apiResources).filter(([, r]) => r.Type === type);

/** The function that carries this description: the route key, or the authorizer's. */
function functionDescribedAs(description: string): [string, Resource] {
  const found = resourcesOfType('AWS::Lambda::Function').filter(
    ([, fn]) => fn.Properties.Description === description,
  );
  expect(found, description).toHaveLength(1);
  return found[0]!;
}

function policyActionsOf(functionLogicalId: string): string[] {
  const roleId = (apiResources[functionLogicalId]!.Properties.Role as { 'Fn::GetAtt': [string] })[
    'Fn::GetAtt'
  ][0];
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
    )
    .flatMap(
      ([, policy]) =>
        (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
    )
    .flatMap((statement) => statement.Action);
}

describe('routes', () => {
  it('has one API Gateway route per entry of the route table', () => {
    apiTemplate.resourceCountIs('AWS::ApiGatewayV2::Route', routeTable.length);
    // One function per route plus the authorizer.
    apiTemplate.resourceCountIs('AWS::Lambda::Function', routeTable.length + 1);
  });

  it.each(routeTable.map((route) => [routeKey(route), route] as const))(
    '%s: authorization and the function it calls',
    (key, route) => {
      const found = resourcesOfType('AWS::ApiGatewayV2::Route').filter(
        ([, r]) => r.Properties.RouteKey === key,
      );
      expect(found).toHaveLength(1);
      const [, apiRoute] = found[0]!;
      if (route.roles === 'public') {
        expect(apiRoute.Properties.AuthorizationType).toBe('NONE');
        expect(apiRoute.Properties.AuthorizerId).toBeUndefined();
      } else {
        expect(apiRoute.Properties.AuthorizationType).toBe('CUSTOM');
        expect(apiRoute.Properties.AuthorizerId).toEqual({ Ref: expect.any(String) });
      }

      const target = JSON.stringify(apiRoute.Properties.Target);
      const integrationId = Object.keys(apiResources).find((id) => target.includes(`"${id}"`));
      expect(integrationId).toBeDefined();
      const [functionId] = functionDescribedAs(key);
      expect(JSON.stringify(apiResources[integrationId!]!.Properties.IntegrationUri)).toContain(
        `"${functionId}"`,
      );
    },
  );
});

describe('authorizer', () => {
  it('is a cached REQUEST authorizer with simple responses, on the Authorization and origin headers', () => {
    functionDescribedAs('API key authorizer');
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$request.header.x-kaiku-origin'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('caches for KAIKU_AUTH_CACHE_SECONDS when it is set', () => {
    const stack = withAuthCacheSetting(
      '60',
      () =>
        new ApiStack(new App(), 'Api', { tableName: 'kaiku', bundle: false, stage: defaultStageOfCdkJson() }),
    );
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerResultTtlInSeconds: 60,
    });
  });
});

describe('functions', () => {
  it('run Node 24 on arm64 with source maps and the table name', () => {
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', TABLE_NAME: data.tableName } },
      });
    }
  });

  it.each(routeTable.map((route) => [routeKey(route), route] as const))(
    '%s: memory and timeout',
    (key, route) => {
      const [, fn] = functionDescribedAs(key);
      expect(fn.Properties.MemorySize).toBe(route.memoryMb ?? 256);
      expect(fn.Properties.Timeout).toBe(route.timeoutSeconds ?? 10);
    },
  );

  it('log to their own log group, kept one month', () => {
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const logGroup = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(apiResources[logGroup]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('include the authorizer, which reads and may update a key (lastUsedAt) but never puts or deletes', () => {
    const actions = policyActionsOf(functionDescribedAs('API key authorizer')[0]);
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
  });
});

describe('stage', () => {
  it('logs every request as JSON to a log group', () => {
    const [[, stage]] = resourcesOfType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties.StageName).toBe('$default');
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const sample = JSON.parse(settings.Format.replace(/\$context\.[\w.]+/g, '0'));
    expect(Object.keys(sample)).toEqual(
      expect.arrayContaining([
        'requestId',
        'ip',
        'routeKey',
        'status',
        'latency',
        'orgId',
        'keyId',
        'errorMessage',
      ]),
    );
  });

  it('throttles the whole stage, and each route that asks for its own limits', () => {
    const throttled = routeTable.filter((route) => route.throttle);
    expect(throttled.length).toBeGreaterThan(0);
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: {
        ThrottlingRateLimit: defaultThrottle.rate,
        ThrottlingBurstLimit: defaultThrottle.burst,
      },
      RouteSettings: Object.fromEntries(
        throttled.map((route) => [
          routeKey(route),
          { ThrottlingRateLimit: route.throttle!.rate, ThrottlingBurstLimit: route.throttle!.burst },
        ]),
      ),
    });
  });
});

describe('table', () => {
  const stringAttribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' });
  const keySchema = (partitionKey: string, sortKey: string) => [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    { AttributeName: sortKey, KeyType: 'RANGE' },
  ];

  it('has the keys, indexes and TTL of the table definition', () => {
    const { partitionKey, sortKey, indexes, ttlAttribute } = tableDefinition;
    dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: keySchema(partitionKey, sortKey),
      AttributeDefinitions: Match.arrayWith(
        [partitionKey, sortKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])].map(
          stringAttribute,
        ),
      ),
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: Match.exact(
          index.projection === 'ALL'
            ? { ProjectionType: 'ALL' }
            : index.projection.length === 0
              ? { ProjectionType: 'KEYS_ONLY' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
        ),
      })),
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    });
  });

  it('is on demand, encrypted and recoverable to any point; in dev removed with the stack', () => {
    dataTemplate.resourceCountIs('AWS::DynamoDB::Table', 1);
    dataTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: false,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('people who sign in (decision 0016)', () => {
  it('a user pool by invitation only: optional TOTP, passkeys, a strong password, Plus with threat protection', () => {
    apiTemplate.resourceCountIs('AWS::Cognito::UserPool', 1);
    apiTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({
        AllowAdminCreateUserOnly: true,
        InviteMessageTemplate: Match.objectLike({
          EmailMessage: Match.stringLikeRegexp('\\{username\\}.*\\{####\\}'),
        }),
      }),
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UsernameAttributes: ['email'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: Match.objectLike({
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
        SignInPolicy: { AllowedFirstAuthFactors: Match.arrayWith(['PASSWORD', 'WEB_AUTHN']) },
      }),
    });
  });

  it('one public client for the web app: code flow only (PKCE), no secret, a 12-hour refresh token', () => {
    apiTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    apiTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      RefreshTokenValidity: 720,
      TokenValidityUnits: Match.objectLike({ RefreshToken: 'minutes' }),
      CallbackURLs: Match.arrayWith([Match.stringLikeRegexp('/signed-in$')]),
    });
    apiTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('every function knows the issuer and the client; only the routes that invite may call the directory', () => {
    for (const [id, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables), id).toEqual(expect.arrayContaining(['IDP_ISSUER', 'IDP_CLIENT_ID']));
    }
    for (const route of routeTable) {
      const [id, fn] = functionDescribedAs(routeKey(route));
      const directory = policyActionsOf(id).filter((action) => action.startsWith('cognito-idp:'));
      expect(directory.sort(), routeKey(route)).toEqual(
        (route.directory ?? []).map((action) => `cognito-idp:${action}`).sort(),
      );
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect('IDP_USER_POOL_ID' in variables, routeKey(route)).toBe(route.directory !== undefined);
    }
  });
});

describe('secrets (decision 0022)', () => {
  const secrets = resourcesOfType('AWS::SecretsManager::Secret');
  const secretId = (purpose: string) =>
    secrets.find(([, secret]) => String(secret.Properties.Name).endsWith(`/${purpose}`))![0];
  const variablesOf = (fn: Resource) =>
    ((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables ?? {}) as Record<
      string,
      unknown
    >;

  it('generates the key of the sources and the origin secret in Secrets Manager, in no template', () => {
    expect(secrets.map(([, secret]) => secret.Properties.Name).sort()).toEqual([
      'kaiku-dev/applicationSource',
      'kaiku-dev/originVerify',
    ]);
    for (const [, secret] of secrets) {
      expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('tells every API function the origin secret, and only POST /v1/applications the key of the sources', () => {
    const functions = resourcesOfType('AWS::Lambda::Function').filter(([, fn]) =>
      ['API key authorizer', ...routeTable.map(routeKey)].includes(String(fn.Properties.Description)),
    );
    expect(functions).toHaveLength(routeTable.length + 1);
    for (const [, fn] of functions) {
      const variables = variablesOf(fn);
      expect(variables.ORIGIN_SECRET_ARN, String(fn.Properties.Description)).toEqual({
        Ref: secretId('originVerify'),
      });
      if (fn.Properties.Description === 'POST /v1/applications')
        expect(variables.APPLICATION_SOURCE_SECRET_ARN).toEqual({ Ref: secretId('applicationSource') });
      else expect(variables.APPLICATION_SOURCE_SECRET_ARN).toBeUndefined();
    }
  });

  it('has CloudFront send the origin secret to the API as x-kaiku-origin, resolved at deploy', () => {
    const [, distribution] = resourcesOfType('AWS::CloudFront::Distribution')[0]!;
    const json = JSON.stringify(distribution.Properties);
    expect(json).toContain('"HeaderName":"x-kaiku-origin"');
    expect(json).toContain('{{resolve:secretsmanager:');
  });
});
