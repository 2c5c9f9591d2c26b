// The local AWS account: one identity per function of each local deployment, with the role CDK gives that
// function in AWS, and the operator (the developer at the keyboard, like an administrator's credentials).
// Identities are derived, not registered: the access key id carries the function and the table and bucket
// it was deployed with, sealed with the account's secret (AES-GCM), and the secret is an HMAC of that id,
// so every process that knows the account's secret can hand out credentials and every edge can check them.
// Sealed, not spelled out: a presigned link shows its access key id (X-Amz-Credential), and a partner who
// gets one must not read the names of the table and the bucket from it.
import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { functionId } from '../../api-stack.ts';
import { defaultStageOfCdkJson, namesOf } from '../../stage.ts';
import { userPoolId as localUserPoolId } from '../identity/names.ts';
import { type FunctionTemplate, type PolicyDocument, resolveIntrinsics } from './roles.ts';
import { localSecretArn } from './secrets-edge.ts';

export const localAccount = { accountId: '000000000000', region: 'eu-north-1' } as const;

/**
 * What the synthesised templates (the default stage of cdk.json, see roles.ts) name: its table, its bucket,
 * and the account and region pinned for that stage. A local deployment moves them onto its own.
 */
const synthesisedStage = defaultStageOfCdkJson();
const synthesised = {
  table: namesOf(synthesisedStage).table,
  bucket: namesOf(synthesisedStage).statsBucket,
  account: synthesisedStage.env.account,
  region: synthesisedStage.env.region,
};
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export type Identity =
  | { readonly kind: 'operator'; readonly principalArn: string }
  | {
      readonly kind: 'function';
      readonly principalArn: string;
      readonly handlerFile: string;
      readonly tableName: string;
      readonly bucket: string;
      readonly policies: readonly PolicyDocument[];
    };

export interface Decision {
  readonly allowed: boolean;
  readonly message: string;
}

export interface Call {
  readonly accessKeyId: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
}

// DynamoDB Local takes only letters and digits in an access key id: the sealed names are carried in hex.
const operatorKeyId = 'LOCALOPERATOR';
const ivBytes = 12;
const tagBytes = 16;

/**
 * The names sealed with a key derived from the account's secret. The nonce is derived from the names
 * (a synthetic IV), so a function's key id is the same in every process, as the derived secret needs.
 */
function seal(secret: string, names: readonly string[]): string {
  const plain = Buffer.from(JSON.stringify(names), 'utf8');
  const iv = createHmac('sha256', `${secret}:key-id-nonce`).update(plain).digest().subarray(0, ivBytes);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('hex');
}

/** The names, or undefined when the text was not sealed with this secret. */
function unseal(secret: string, text: string): string[] | undefined {
  const bytes = Buffer.from(text, 'hex');
  if (bytes.length <= ivBytes + tagBytes) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), bytes.subarray(0, ivBytes));
    decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
    const plain = Buffer.concat([decipher.update(bytes.subarray(ivBytes, -tagBytes)), decipher.final()]);
    const names = JSON.parse(plain.toString('utf8')) as unknown;
    return Array.isArray(names) && names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

const sealKey = (secret: string) => createHash('sha256').update(`${secret}:key-id-seal`).digest();

/** What a local deployment is deployed on: its table and its statistics bucket. */
export interface LocalDeploymentNames {
  readonly tableName: string;
  readonly bucket: string;
}

export class LocalIam {
  private readonly byKey = new Map<string, FunctionTemplate>();
  private readonly identities = new Map<string, Identity | undefined>();
  private readonly decisions = new Map<string, Promise<Decision>>();

  readonly templates: readonly FunctionTemplate[];
  private readonly secret: string;
  /** The names of the secrets the CDK app declares (Secrets Manager; locally infra/local/aws/secrets-edge.ts). */
  get secretNames(): string[] {
    const names = new Set<string>();
    for (const template of this.templates)
      for (const resource of Object.values(template.named))
        if (resource.type === 'secret' && typeof resource.name === 'string') names.add(resource.name);
    return [...names].sort();
  }

  /** The statistics bucket the account starts with (a deployment may use another). */
  readonly bucket: string;

  constructor(templates: readonly FunctionTemplate[], secret: string, bucket: string) {
    this.templates = templates;
    this.secret = secret;
    this.bucket = bucket;
    for (const template of templates) this.byKey.set(functionId(template.handlerFile), template);
  }

  private secretFor(accessKeyId: string): string {
    return createHmac('sha256', this.secret).update(accessKeyId).digest('base64url');
  }

  get operator(): Credentials {
    return { accessKeyId: operatorKeyId, secretAccessKey: this.secretFor(operatorKeyId) };
  }

  /** The credentials Lambda would give this function's role, in a deployment on `at`. */
  credentialsFor(handlerFile: string, at: LocalDeploymentNames): Credentials {
    const fn = functionId(handlerFile);
    if (!this.byKey.has(fn)) throw new Error(`${handlerFile} is no function of the CDK app`);
    const accessKeyId = this.functionKeyId(fn, at);
    return { accessKeyId, secretAccessKey: this.secretFor(accessKeyId) };
  }

  private functionKeyId(fn: string, at: LocalDeploymentNames): string {
    return `LOCALZ${seal(this.secret, [fn, at.tableName, at.bucket])}`;
  }

  secretOf = (accessKeyId: string): string | undefined =>
    this.identify(accessKeyId) ? this.secretFor(accessKeyId) : undefined;

  identify(accessKeyId: string): Identity | undefined {
    if (this.identities.has(accessKeyId)) return this.identities.get(accessKeyId);
    const identity = this.identityOf(accessKeyId);
    this.identities.set(accessKeyId, identity);
    return identity;
  }

  private identityOf(accessKeyId: string): Identity | undefined {
    if (accessKeyId === operatorKeyId)
      return { kind: 'operator', principalArn: `arn:aws:iam::${localAccount.accountId}:user/operator` };
    const sealed = /^LOCALZ([0-9a-f]+)$/.exec(accessKeyId)?.[1];
    const names = sealed === undefined ? undefined : unseal(this.secret, sealed);
    if (names?.length !== 3) return undefined;
    const [fn, tableName, bucket] = names as [string, string, string];
    const at = { tableName, bucket };
    const template = this.byKey.get(fn);
    if (!template || !tableName || !bucket || this.functionKeyId(fn, at) !== accessKeyId) return undefined;
    return {
      kind: 'function',
      principalArn: `arn:aws:sts::${localAccount.accountId}:assumed-role/${template.roleName}/${fn}`,
      handlerFile: template.handlerFile,
      ...at,
      policies: template.policies.map((policy) => this.forDeployment(template, policy, at) as PolicyDocument),
    };
  }

  /** The environment CloudFormation gives the function, in a deployment on `at`. */
  environmentFor(handlerFile: string, at: LocalDeploymentNames): Record<string, string> {
    const template = this.byKey.get(functionId(handlerFile));
    if (!template) throw new Error(`${handlerFile} is no function of the CDK app`);
    const variables = this.forDeployment(template, template.environment, at) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)]));
  }

  /** How long Lambda lets the function run. */
  timeoutOf(handlerFile: string): number {
    return (this.byKey.get(functionId(handlerFile))?.timeoutSeconds ?? 3) * 1000;
  }

  /** The function's physical name, for a function CDK names (the snapshot function). */
  functionNameOf(handlerFile: string): string | undefined {
    const template = this.byKey.get(functionId(handlerFile));
    return typeof template?.functionName === 'string' ? template.functionName : undefined;
  }

  /**
   * Resolves the template's intrinsics and moves the deployment onto its own table and bucket, and the
   * stage's pinned account and region onto the local account's: the CDK app names the table and the bucket
   * after the stage (and the bucket after the account); a local deployment may use other names.
   */
  private forDeployment(template: FunctionTemplate, value: unknown, at: LocalDeploymentNames): unknown {
    const nameOf = (id: string): string | undefined => {
      const resource = template.named[id];
      if (!resource) return undefined;
      if (resource.type === 'userPool') return localUserPoolId;
      // A secret's Ref is its ARN; the local Secrets Manager serves it under the same one.
      if (resource.type === 'secret')
        return localSecretArn(String(resource.name), localAccount.region, localAccount.accountId);
      return String(
        resolveIntrinsics(resource.name, localAccount, { ref: () => undefined, getAtt: () => undefined }),
      );
    };
    const lookup = {
      ref: nameOf,
      getAtt: (id: string, attribute: string) => {
        const name = nameOf(id);
        if (name === undefined) return undefined;
        if (template.named[id]?.type === 'bucket')
          return attribute === 'Arn' ? `arn:aws:s3:::${name}` : undefined;
        if (template.named[id]?.type === 'userPool') {
          if (attribute === 'Arn')
            return `arn:aws:cognito-idp:${localAccount.region}:${localAccount.accountId}:userpool/${name}`;
          // The issuer CDK builds from it is replaced with the local provider's (lambda/functions.ts).
          if (attribute === 'ProviderURL' || attribute === 'ProviderName')
            return `cognito-idp.${localAccount.region}.amazonaws.com/${name}`;
          return undefined;
        }
        const arn = `arn:aws:dynamodb:${localAccount.region}:${localAccount.accountId}:table/${name}`;
        if (attribute === 'Arn') return arn;
        // The stream's label is known only once the table exists; any stream of this table is the one.
        if (attribute === 'StreamArn') return `${arn}/stream/*`;
        return undefined;
      },
    };
    const resolved = JSON.stringify(resolveIntrinsics(value, localAccount, lookup));
    const renamed = resolved
      .replaceAll(synthesised.bucket, at.bucket)
      .replace(new RegExp(`(:table/)${escaped(synthesised.table)}(?=["/])`, 'g'), `$1${at.tableName}`)
      .replace(new RegExp(`"${escaped(synthesised.table)}"`, 'g'), JSON.stringify(at.tableName))
      .replaceAll(
        `:${synthesised.region}:${synthesised.account}:`,
        `:${localAccount.region}:${localAccount.accountId}:`,
      );
    return JSON.parse(renamed);
  }

  /** AWS's policy evaluation (identity policies of one account, no boundaries) for one call. */
  decide(call: Call): Promise<Decision> {
    const cacheKey = JSON.stringify([call.accessKeyId, call.action, call.resource, call.context]);
    let decision = this.decisions.get(cacheKey);
    if (!decision) {
      decision = this.evaluate(call);
      this.decisions.set(cacheKey, decision);
    }
    return decision;
  }

  private async evaluate(call: Call): Promise<Decision> {
    const identity = this.identify(call.accessKeyId);
    if (!identity)
      return { allowed: false, message: 'The security token included in the request is invalid.' };
    if (identity.kind === 'operator') return { allowed: true, message: 'operator' };
    const recording = process.env.KAIKU_IAM_RECORD;
    if (recording) {
      // A developer's tool for finding what a function really calls: everything is allowed and written down.
      appendFileSync(recording, `${JSON.stringify({ handlerFile: identity.handlerFile, ...call })}\n`);
      return { allowed: true, message: 'recorded' };
    }
    const result = await runSimulation(
      {
        identityPolicies: identity.policies.map((policy, i) => ({ name: `policy${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          action: call.action,
          principal: identity.principalArn,
          resource: { accountId: localAccount.accountId, resource: call.resource },
          contextVariables: { ...call.context },
        },
      } as Parameters<typeof runSimulation>[0],
      {},
    );
    if (result.resultType === 'error')
      throw new Error(
        `IAM simulation of ${call.action} failed: ${JSON.stringify(result.errors).slice(0, 500)}`,
      );
    const allowed = result.overallResult === 'Allowed';
    return {
      allowed,
      message: allowed
        ? 'allowed'
        : `User: ${identity.principalArn} is not authorized to perform: ${call.action} on resource: ${call.resource} because no identity-based policy allows the ${call.action} action`,
    };
  }
}
