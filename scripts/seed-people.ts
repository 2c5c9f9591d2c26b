// The seed's demo people (npm run seed, local service only): one person of each role the web app serves,
// invited through the API as any person is (POST /v1/organisations/{orgId}/people), then their first
// sign-in completed against the local identity provider as a person would do it in a browser: the
// temporary password of the invitation in $KAIKU_DATA_DIR/outbox, a new password, a TOTP app enrolled for
// the roles that need a second factor (Cognito's AssociateSoftwareToken and VerifySoftwareToken with the
// person's own access token), then POST /v1/me/second-factor as the web app does after a sign-in.
// Their sign-in details go to $KAIKU_DATA_DIR/seed-people.json (mode 600), as the contract says:
// {"<role>": {"email", "password", "totpSecret"?}}.
//
// Each step is noted in the seed's progress file before and after it runs, so that a run cut short
// carries on: the new password and the TOTP secret are chosen (and kept) before they are sent.
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { callbackPath } from '../infra/local/identity/server.ts';
import { SignInRefused, signInOverHttp, type Tokens } from '../infra/local/identity/sign-in-client.ts';
import { ScriptError } from './cli.ts';
import { shown } from './local-service.ts';

export const seedPeopleRoles = ['admin', 'areaAdmin', 'distributor', 'venue'] as const;
export type SeedPeopleRole = (typeof seedPeopleRoles)[number];

/** Who each demo person is; the organisation they belong to is the seed's (SeedPeopleInput.orgIds). */
export const demoPeople: Record<
  SeedPeopleRole,
  { email: string; name: string; manager: boolean; apiRole: string; secondFactor: boolean }
> = {
  admin: {
    email: 'paakayttaja@kaikukortti.example',
    name: 'Pia Pääkäyttäjä (demo)',
    manager: true,
    apiRole: 'admin',
    secondFactor: true,
  },
  areaAdmin: {
    email: 'koordinaattori@espoo.example',
    name: 'Aino Koordinaattori (demo)',
    manager: true,
    apiRole: 'area-admin',
    secondFactor: true,
  },
  distributor: {
    email: 'sosiaalityo@espoo.example',
    name: 'Sanna Sosiaalityöntekijä (demo)',
    manager: false,
    apiRole: 'distributor',
    secondFactor: false,
  },
  venue: {
    email: 'kassa@espoon-kaupunginmuseo.example',
    name: 'Ville Vahtimestari (demo)',
    manager: true,
    apiRole: 'venue',
    secondFactor: false,
  },
};

/** A demo person's state in seed-progress.json. */
export interface PersonProgress {
  email: string;
  /** The password the person has (or is about to be given) in place of the temporary one. */
  password: string;
  /** The enrolled TOTP secret. */
  totpSecret?: string;
  /** AssociateSoftwareToken's secret, kept before VerifySoftwareToken confirms it. */
  pendingTotpSecret?: string;
  stage: 'invited' | 'password-set' | 'totp-enrolled' | 'done';
}

export type PeopleProgress = Partial<Record<SeedPeopleRole, PersonProgress>>;

type Api = <T = unknown>(
  method: string,
  path: string,
  options?: { key?: string; body?: unknown; headers?: Record<string, string>; ok?: readonly number[] },
) => Promise<T>;

export interface SeedPeopleInput {
  readonly api: Api;
  /** The organisation of each role's person, and a key allowed to invite its people. */
  readonly orgIds: Record<SeedPeopleRole, string>;
  readonly inviterKeys: Record<SeedPeopleRole, string>;
  readonly dataDir: string;
  readonly progress: PeopleProgress;
  readonly save: () => void;
}

/** A password Cognito's default policy accepts: upper and lower case, digits, a symbol. */
function newPassword(): string {
  return `Demo-${randomBytes(12).toString('base64url')}-7k`;
}

/** The temporary password and sign-in link of the latest invitation to this address in the outbox. */
export function latestInvitation(outboxDir: string, email: string): { password: string; link: string } {
  let files: string[] = [];
  try {
    files = readdirSync(outboxDir)
      .filter((name) => name.endsWith('.eml'))
      .sort();
  } catch {}
  for (const name of files.reverse()) {
    const raw = readFileSync(join(outboxDir, name), 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.slice(0, split);
    if (!head.split('\r\n').some((line) => line.toLowerCase() === `to: <${email}>`)) continue;
    let body = raw.slice(split + 4);
    if (/^content-transfer-encoding:\s*base64/im.test(head))
      body = Buffer.from(body, 'base64').toString('utf8');
    const password = /Temporary password: (\S+)/.exec(body)?.[1];
    const link = /Sign in at (\S+)/.exec(body)?.[1];
    if (password && link) return { password, link };
  }
  throw new ScriptError(
    `no invitation to ${email} in ${shown(outboxDir)}: KAIKU_DATA_DIR must be the data folder of the running npm start`,
  );
}

/** Cognito's API as the web app calls it from the browser: the person's access token, no signature. */
async function cognito(
  endpoint: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const reply = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const answer = (await reply.json()) as Record<string, unknown>;
  if (!reply.ok)
    throw new ScriptError(`the identity provider refused ${operation}: ${answer.__type} ${answer.message}`);
  return answer;
}

/** Invites, signs in for the first time, enrols TOTP where needed, and writes seed-people.json. */
export async function seedPeople(input: SeedPeopleInput): Promise<string> {
  const { api, progress, save } = input;
  const config = await api<{ issuer: string; clientId: string }>('GET', '/v1/auth/config');
  // Cognito's API is served at the provider's root (a Cognito stand-in: local service only).
  const cognitoEndpoint = `${new URL(config.issuer).origin}/`;
  const outboxDir = join(input.dataDir, 'outbox');
  for (const role of seedPeopleRoles) {
    const demo = demoPeople[role];
    const orgId = input.orgIds[role];
    let person = progress[role];
    if (person?.stage === 'done') continue;
    if (!person) {
      // 409: an earlier run invited them before it could note it.
      await api('POST', `/v1/organisations/${orgId}/people`, {
        key: input.inviterKeys[role],
        body: { email: demo.email, name: demo.name, manager: demo.manager },
        ok: [201, 409],
      });
      person = { email: demo.email, password: newPassword(), stage: 'invited' };
      progress[role] = person;
      save();
    }
    const invitation = latestInvitation(outboxDir, demo.email);
    const redirectUri = `${new URL(invitation.link).origin}${callbackPath}`;
    const known = person;
    const secret = known.totpSecret ?? known.pendingTotpSecret;
    const signIn = (password: string, withNewPassword: boolean) =>
      signInOverHttp({
        issuer: config.issuer,
        clientId: config.clientId,
        redirectUri,
        email: known.email,
        password,
        ...(withNewPassword && { newPassword: known.password }),
        ...(secret && { totp: () => generateSync({ secret }) }),
      });
    // The first sign-in sets the password; a run cut short may have set it already (or not noted it).
    let tokens: Tokens;
    const temporaryFirst = known.stage === 'invited';
    try {
      tokens = temporaryFirst ? await signIn(invitation.password, true) : await signIn(known.password, false);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      tokens = temporaryFirst ? await signIn(known.password, false) : await signIn(invitation.password, true);
    }
    if (known.stage === 'invited') {
      known.stage = 'password-set';
      save();
    }
    if (demo.secondFactor && known.stage === 'password-set') {
      const associated = await cognito(cognitoEndpoint, 'AssociateSoftwareToken', {
        AccessToken: tokens.access_token,
      });
      known.pendingTotpSecret = String(associated.SecretCode);
      save();
      await cognito(cognitoEndpoint, 'VerifySoftwareToken', {
        AccessToken: tokens.access_token,
        UserCode: generateSync({ secret: known.pendingTotpSecret }),
        FriendlyDeviceName: 'Demo',
      });
      await cognito(cognitoEndpoint, 'SetUserMFAPreference', {
        AccessToken: tokens.access_token,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      });
      known.totpSecret = known.pendingTotpSecret;
      delete known.pendingTotpSecret;
      known.stage = 'totp-enrolled';
      save();
    }
    // As the web app does after a sign-in: the service asks the provider which factor the person has.
    const asPerson = { key: tokens.access_token, headers: { 'x-kaiku-organisation': orgId } };
    await api('POST', '/v1/me/second-factor', { ...asPerson, body: {} });
    const me = await api<{ memberships: { orgId: string; role: string }[] }>('GET', '/v1/me', asPerson);
    if (!me.memberships.some((membership) => membership.orgId === orgId && membership.role === demo.apiRole))
      throw new ScriptError(`${demo.email} signed in but is not ${demo.apiRole} of organisation ${orgId}`);
    known.stage = 'done';
    save();
  }
  const file = join(input.dataDir, 'seed-people.json');
  const people = Object.fromEntries(
    seedPeopleRoles.flatMap((role) => {
      const person = progress[role];
      if (person?.stage !== 'done') return [];
      return [
        [
          role,
          {
            email: person.email,
            password: person.password,
            ...(person.totpSecret && { totpSecret: person.totpSecret }),
          },
        ],
      ];
    }),
  );
  writeFileSync(file, `${JSON.stringify(people, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
