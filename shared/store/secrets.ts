// The service's secrets live in Secrets Manager, never in the table (issue 17): in AWS a generated secret
// per purpose, read only by the functions granted it; locally the same GetSecretValue call reaches the
// local account's endpoint (infra/local/aws/secrets-edge.ts), which checks the caller's role the same way
// and serves a file of mode 600 in the data folder. A function learns the secret's ARN from its
// environment (CDK sets it with the grant); without the variable it has no such secret.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Every secret of the service, by purpose. */
export const secretPurposes = {
  /** The key of the HMAC over a client's address (decision 0011): read by POST /v1/applications. */
  applicationSource: 'APPLICATION_SOURCE_SECRET_ARN',
  /**
   * The value CloudFront adds to every request it sends to the API (decision 0022): read by every API
   * function, which refuses a request without it.
   */
  originVerify: 'ORIGIN_SECRET_ARN',
} as const;

export type SecretPurpose = keyof typeof secretPurposes;

/** How long a container trusts a value it read: a rotated secret reaches every container within this. */
const cacheMs = 5 * 60 * 1000;

let client: SecretsManagerClient | undefined;
const cache = new Map<string, { value: Promise<string>; readAt: number }>();

/** The secret's ARN from the function's environment, or undefined when the function has none. */
export const secretArnOf = (purpose: SecretPurpose, env = process.env): string | undefined =>
  env[secretPurposes[purpose]] || undefined;

/**
 * The value of one version stage of a secret (AWSCURRENT by default; AWSPREVIOUS while a rotation is
 * under way), read once per container and kept for a few minutes. Throws when the function has no such
 * secret or may not read it: that is a fault of the deployment, never of the request.
 */
export function readSecret(purpose: SecretPurpose, stage = 'AWSCURRENT'): Promise<string> {
  const arn = secretArnOf(purpose);
  if (!arn) return Promise.reject(new Error(`this function has no ${purpose} secret`));
  const cacheKey = `${arn}|${stage}`;
  const cached = cache.get(cacheKey);
  if (cached && Date.now() - cached.readAt < cacheMs) return cached.value; // real time: a cache's age
  client ??= new SecretsManagerClient({});
  const value = client
    .send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }))
    .then(({ SecretString }) => {
      if (!SecretString) throw new Error(`the ${purpose} secret has no string value`);
      return SecretString;
    });
  cache.set(cacheKey, { value, readAt: Date.now() }); // real time: a cache's age
  // A failed read is not remembered: the next request tries again.
  value.catch(() => cache.delete(cacheKey));
  return value;
}
