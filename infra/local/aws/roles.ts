// What each function may do in AWS, read from the synthesised templates of the same CDK app that deploys
// it: the local runtime grants nothing that is not in the role CloudFormation would create.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { handlerMetadataKey } from '../../constructs/kaiku-function.ts';
import { addKaikuStacks } from '../../kaiku-app.ts';

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** A function as CloudFormation would create it, with its template's intrinsics still in place. */
export interface FunctionTemplate {
  readonly handlerFile: string;
  /**
   * Tables, buckets and Cognito user pools of the same template by logical id, for Ref and Fn::GetAtt on
   * them (a user pool has no name to resolve: locally it is the local identity provider's one pool).
   */
  readonly named: Readonly<Record<string, { readonly type: NamedType; readonly name: unknown }>>;
  readonly roleName: string;
  readonly functionName?: unknown;
  /** Lambda's timeout for the function, in seconds. */
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, unknown>>;
  readonly policies: readonly unknown[];
}

export type NamedType = 'table' | 'bucket' | 'userPool' | 'secret';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
type Template = { Resources: Record<string, Resource> };

/** Synthesises the app (stub code, no bundling) and collects every function's role and environment. */
export function functionTemplates(): FunctionTemplate[] {
  const outdir = mkdtempSync(join(tmpdir(), 'kaiku-roles-'));
  try {
    const app = new App({ outdir });
    addKaikuStacks(app, { bundle: false, forLocalRuntime: true });
    const assembly = app.synth();
    return assembly.stacks.flatMap((stack) => templatesOf(stack.template as Template));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function templatesOf(template: Template): FunctionTemplate[] {
  const resources = Object.entries(template.Resources ?? {});
  const policiesOfRole = (roleId: string) => [
    ...(
      (template.Resources[roleId]?.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []
    ).map((policy) => policy.PolicyDocument),
    ...resources
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
      .filter(([, resource]) =>
        ((resource.Properties?.Roles as { Ref?: string }[] | undefined) ?? []).some(
          (ref) => ref.Ref === roleId,
        ),
      )
      .map(([, resource]) => resource.Properties?.PolicyDocument),
  ];
  const named: FunctionTemplate['named'] = Object.fromEntries(
    resources.flatMap(([id, resource]): [string, { type: NamedType; name: unknown }][] =>
      resource.Type === 'AWS::DynamoDB::Table'
        ? [[id, { type: 'table', name: resource.Properties?.TableName }]]
        : resource.Type === 'AWS::S3::Bucket'
          ? [[id, { type: 'bucket', name: resource.Properties?.BucketName }]]
          : resource.Type === 'AWS::Cognito::UserPool'
            ? [[id, { type: 'userPool', name: undefined }]]
            : resource.Type === 'AWS::SecretsManager::Secret'
              ? [[id, { type: 'secret', name: resource.Properties?.Name }]]
              : [],
    ),
  );
  const functions: FunctionTemplate[] = [];
  for (const [, resource] of resources) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const handlerFile = resource.Metadata?.[handlerMetadataKey];
    if (typeof handlerFile !== 'string') continue;
    const properties = resource.Properties ?? {};
    const roleId = ((properties.Role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [])[0];
    if (!roleId) throw new Error(`${handlerFile}: its role is not a role of the same stack`);
    if (template.Resources[roleId]?.Properties?.ManagedPolicyArns)
      throw new Error(`${handlerFile}: managed policies cannot be evaluated locally`);
    functions.push({
      handlerFile,
      named,
      roleName: roleId,
      functionName: properties.FunctionName,
      timeoutSeconds: Number(properties.Timeout ?? 3),
      environment: ((properties.Environment as { Variables?: Record<string, unknown> })?.Variables ??
        {}) as Record<string, unknown>,
      policies: policiesOfRole(roleId),
    });
  }
  return functions;
}

/** Where the local account lives: the values CloudFormation would put in for its pseudo parameters. */
export interface LocalAccount {
  readonly accountId: string;
  readonly region: string;
}

/**
 * Resolves the intrinsics a role or an environment uses. References to resources that the local runtime
 * has no counterpart for (log groups, queues, keys) become names that match nothing a call could name.
 */
export function resolveIntrinsics(
  value: unknown,
  account: LocalAccount,
  lookup: {
    ref(id: string): string | undefined;
    getAtt(id: string, attribute: string): string | undefined;
  },
): unknown {
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    if (entries.length === 1) {
      const [name, argument] = entries[0]!;
      if (name === 'Ref') {
        if (argument === 'AWS::Partition') return 'aws';
        if (argument === 'AWS::Region') return account.region;
        if (argument === 'AWS::AccountId') return account.accountId;
        if (argument === 'AWS::URLSuffix') return 'amazonaws.com';
        return lookup.ref(String(argument)) ?? `unresolved:ref:${String(argument)}`;
      }
      if (name === 'Fn::Join') {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolve(parts) as unknown[]).map(String).join(separator);
      }
      if (name === 'Fn::GetAtt') {
        const [id, attribute] = argument as [string, string];
        return lookup.getAtt(id, attribute) ?? `unresolved:getatt:${id}.${attribute}`;
      }
      if (name.startsWith('Fn::')) throw new Error(`${name} is not resolved locally`);
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve(value);
}
