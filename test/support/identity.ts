// The local identity provider for a test file: its own state and outbox in a temporary folder, the local
// account's IAM (or one given), real HTTP. Also reading the invitations it writes to the outbox.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Credentials } from '../../infra/local/aws/account.ts';
import type { IdentityIam } from '../../infra/local/identity/cognito-api.ts';
import { type LocalIdentity, startLocalIdentity } from '../../infra/local/identity/server.ts';
import { localIam } from './service.ts';

export interface TestIdentity extends LocalIdentity {
  readonly dataDir: string;
  readonly outboxDir: string;
  readonly webAppOrigin: string;
  readonly redirectUri: string;
  /** Starts the provider again on the same state and port (as after a restart of npm start). */
  restart(): Promise<TestIdentity>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

export async function startTestIdentity(
  options: { webAppOrigin?: string; iam?: IdentityIam; root?: string; port?: number } = {},
): Promise<TestIdentity> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'kaiku-identity-'));
  const webAppOrigin = options.webAppOrigin ?? 'http://localhost:3999';
  const iam = options.iam ?? localIam();
  const dataDir = join(root, 'identity');
  const outboxDir = join(root, 'outbox');
  const identity = await startLocalIdentity({
    dataDir,
    port: options.port ?? 0,
    webAppOrigin,
    outboxDir,
    iam,
  });
  return {
    ...identity,
    dataDir,
    outboxDir,
    webAppOrigin,
    redirectUri: `${webAppOrigin}/signed-in`,
    async restart() {
      await identity.stop();
      // This process's fetch keeps connections alive: let it see that the old server closed them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return startTestIdentity({ webAppOrigin, iam, root, port: Number(new URL(identity.endpoint).port) });
    },
    async remove() {
      await identity.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Cognito's SDK client pointed at the provider, as the functions' is (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER). */
export function cognitoClient(
  identity: LocalIdentity,
  credentials: Credentials,
): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: identity.endpoint,
    region: 'eu-north-1',
    credentials,
  });
}

export interface Mail {
  readonly file: string;
  readonly headers: Map<string, string>;
  readonly body: string;
  readonly raw: string;
}

/** An RFC 5322 message from the outbox: its headers (lower-case names, encoded words decoded) and body. */
export function readMail(file: string): Mail {
  const raw = readFileSync(file, 'utf8');
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, split).split('\r\n')) {
    const at = line.indexOf(':');
    const value = line
      .slice(at + 1)
      .trim()
      .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, encoded: string) =>
        Buffer.from(encoded, 'base64').toString('utf8'),
      );
    headers.set(line.slice(0, at).toLowerCase(), value);
  }
  let body = raw.slice(split + 4);
  if (headers.get('content-transfer-encoding') === 'base64')
    body = Buffer.from(body, 'base64').toString('utf8');
  return { file, headers, body: body.replace(/\r\n/g, '\n'), raw };
}

/** Every message to this address, oldest first. */
export function mailsTo(outboxDir: string, address: string): Mail[] {
  let files: string[];
  try {
    files = readdirSync(outboxDir).filter((name) => name.endsWith('.eml'));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((name) => readMail(join(outboxDir, name)))
    .filter((mail) => mail.headers.get('to') === `<${address}>`);
}

/** The temporary password and the link of the latest invitation to this address. */
export function invitationTo(
  outboxDir: string,
  address: string,
): { password: string; link: string; mail: Mail } {
  // Not any mail: an applicant also gets the decision e-mail (decision 0023) after the invitation.
  const mail = mailsTo(outboxDir, address)
    .filter((candidate) => /Temporary password: /.test(candidate.body))
    .at(-1);
  if (!mail) throw new Error(`no invitation to ${address} in ${outboxDir}`);
  const password = /Temporary password: (\S+)/.exec(mail.body)?.[1];
  const link = /Sign in at (\S+)/.exec(mail.body)?.[1];
  if (!password || !link) throw new Error(`the invitation holds no password or link:\n${mail.body}`);
  return { password, link, mail };
}
