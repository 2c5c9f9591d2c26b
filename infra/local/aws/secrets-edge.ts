// The local Secrets Manager: GetSecretValue only, what the functions call (shared/store/secrets.ts). Every
// secret the CDK app declares (its synthesised templates) is a file of mode 600 in the data folder, made
// on first start with a value like Secrets Manager's generated one. Each request's signature is checked
// and the caller's role decides, as IAM would: a function without the grant is refused, as in AWS.
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretPurpose } from '../../../shared/store/secrets.ts';
import { defaultStageOfCdkJson, namesOf } from '../../stage.ts';
import type { LocalIam } from './account.ts';
import { answer, type Listening, listenOnLoopback, readSigned } from './http.ts';
import { jsonSignatureError, verifySigV4 } from './sigv4.ts';

/** The suffix Secrets Manager appends to a secret's name in its ARN (six random characters in AWS). */
const arnSuffix = '-LOCAL0';

/** The ARN of a secret of the local account, by its name. */
export const localSecretArn = (name: string, region: string, accountId: string) =>
  `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}${arnSuffix}`;

/** A secret's name as the CDK app names it for the stage the local runtime synthesises. */
export const localSecretName = (purpose: SecretPurpose) => namesOf(defaultStageOfCdkJson()).secret(purpose);

/** The file that holds a secret: its name with '/' as '.', in the secrets folder. */
export const secretFile = (dir: string, name: string) => join(dir, name.replaceAll('/', '.'));

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The secret's value, made (64 letters and digits, mode 600) when there is none yet. */
export function ensureLocalSecret(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = secretFile(dir, name);
  if (!existsSync(file)) {
    const value = Array.from({ length: 64 }, () => alphabet[randomInt(alphabet.length)]).join('');
    writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
  }
  // Whatever made it, only this user may read it.
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

export interface SecretsEdge extends Listening {
  /** A secret's value by name, as the operator would read it (the gateway's CloudFront header). */
  valueOf(name: string): string;
}

const awsError = (type: string, message: string) =>
  JSON.stringify({ __type: type, message, Message: message });

export async function startSecretsEdge(options: {
  readonly port: number;
  readonly dir: string;
  readonly iam: LocalIam;
  /** The secrets' names, from the templates; each gets its file now. */
  readonly names: readonly string[];
  readonly region: string;
  readonly accountId: string;
}): Promise<SecretsEdge> {
  const byId = new Map<string, string>();
  for (const name of options.names) {
    ensureLocalSecret(options.dir, name);
    byId.set(name, name);
    byId.set(localSecretArn(name, options.region, options.accountId), name);
  }
  const listening = await listenOnLoopback(
    options.port,
    async (incoming, response) => {
      const signed = await readSigned(incoming, 1024 * 1024);
      const refuse = (status: number, type: string, message: string) =>
        answer(response, status, awsError(type, message), {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': type,
          'x-amzn-requestid': crypto.randomUUID(),
        });
      const verified = verifySigV4(signed, options.iam.secretOf);
      if (!verified.ok) {
        const { type, message } = jsonSignatureError(verified);
        return refuse(400, type, message);
      }
      const target = signed.headers['x-amz-target'] ?? '';
      if (target !== 'secretsmanager.GetSecretValue')
        return refuse(
          400,
          'InvalidAction',
          `The local Secrets Manager answers GetSecretValue only, not ${target}.`,
        );
      let body: { SecretId?: unknown; VersionStage?: unknown; VersionId?: unknown };
      try {
        body = JSON.parse(signed.body.toString('utf8') || '{}');
      } catch {
        return refuse(400, 'SerializationException', 'The request body is not JSON.');
      }
      const secretId = typeof body.SecretId === 'string' ? body.SecretId : '';
      const name = byId.get(secretId);
      // IAM decides on the ARN of the secret named (or on what was asked for, when it names none).
      const arn = name ? localSecretArn(name, options.region, options.accountId) : secretId;
      const decision = await options.iam.decide({
        accessKeyId: verified.accessKeyId,
        action: 'secretsmanager:GetSecretValue',
        resource: arn,
        context: {},
      });
      if (!decision.allowed) return refuse(400, 'AccessDeniedException', decision.message);
      if (!name)
        return refuse(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      // One version per secret locally: AWSCURRENT. A rotation's AWSPREVIOUS does not exist here.
      const stage = typeof body.VersionStage === 'string' ? body.VersionStage : 'AWSCURRENT';
      if (stage !== 'AWSCURRENT' || body.VersionId !== undefined)
        return refuse(
          400,
          'ResourceNotFoundException',
          `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
        );
      answer(
        response,
        200,
        JSON.stringify({
          ARN: arn,
          Name: name,
          VersionId: '00000000-0000-4000-8000-000000000000',
          SecretString: ensureLocalSecret(options.dir, name),
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 0,
        }),
        { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': crypto.randomUUID() },
      );
    },
    'secrets manager edge',
  );
  return { ...listening, valueOf: (name) => ensureLocalSecret(options.dir, name) };
}
