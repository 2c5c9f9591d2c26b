// Cognito's JSON API (x-amz-target AWSCognitoIdentityProviderService.<Operation>) for what the service and
// the web app call. Admin operations are signed (SigV4) and authorised against the caller's IAM role on
// the pool's ARN, as AWS does; user operations carry the person's access token instead (no signature),
// and the web app may call them from the browser (CORS for its origin).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { generateSecret } from 'otplib';
import { now, nowMs } from '../../../shared/lib/clock.ts';
import { localAccount } from '../aws/account.ts';
import { type IncomingSigned, verifySigV4 } from '../aws/sigv4.ts';
import { corsHeaders, json } from './http.ts';
import { messages } from './messages.ts';
import { writeToOutbox } from './outbox.ts';
import { hashPassword, policyProblems, temporaryPassword } from './passwords.ts';
import { region, temporaryPasswordDays, type UserPool } from './pool.ts';
import type { User } from './state.ts';

/** What the provider needs of the local account: who signed a request, and what their role allows. */
export interface IdentityIam {
  secretOf(accessKeyId: string): string | undefined;
  decide(call: {
    accessKeyId: string;
    action: string;
    resource: string;
    context: Record<string, string | string[]>;
  }): Promise<{ allowed: boolean; message: string }>;
}

export interface CognitoApiConfig {
  readonly userPoolId: string;
  readonly webAppOrigin: string;
  /** The page an invitation links to (the web app's front page). */
  readonly signInUrl: string;
  readonly outboxDir: string;
  /** The pages' origin, also a WebAuthn origin (passkeys are used on both). */
  readonly base: string;
  readonly rpId: string;
}

export class CognitoError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

type Body = Record<string, unknown>;

export const userPoolArn = (userPoolId: string) =>
  `arn:aws:cognito-idp:${region}:${localAccount.accountId}:userpool/${userPoolId}`;

const adminOperations = [
  'AdminCreateUser',
  'AdminGetUser',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminUserGlobalSignOut',
  'AdminSetUserPassword',
  'AdminDeleteUser',
] as const;
const userOperations = [
  'GetUser',
  'AssociateSoftwareToken',
  'VerifySoftwareToken',
  'SetUserMFAPreference',
  'StartWebAuthnRegistration',
  'CompleteWebAuthnRegistration',
  'ListWebAuthnCredentials',
  'DeleteWebAuthnCredential',
  'GlobalSignOut',
] as const;

const seconds = (iso: string) => Date.parse(iso) / 1000;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const registrationMs = 5 * 60 * 1000;

function text(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new CognitoError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

export class CognitoApi {
  private readonly pool: UserPool;
  private readonly iam: IdentityIam;
  private readonly config: CognitoApiConfig;
  /** StartWebAuthnRegistration's challenge per user, until CompleteWebAuthnRegistration. */
  private readonly registrations = new Map<string, { challenge: string; expiresAt: number }>();

  constructor(pool: UserPool, iam: IdentityIam, config: CognitoApiConfig) {
    this.pool = pool;
    this.iam = iam;
    this.config = config;
  }

  async serve(request: IncomingMessage, response: ServerResponse, signed: IncomingSigned): Promise<void> {
    const cors = corsHeaders(request, this.config.webAppOrigin);
    const reply = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      json(response, status, value, {
        ...cors,
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        ...headers,
      });
    const fail = (error: CognitoError, status = 400) =>
      reply(status, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });
    try {
      const target = signed.headers['x-amz-target'] ?? '';
      const [service, operation = ''] = target.split('.');
      if (service !== 'AWSCognitoIdentityProviderService')
        throw new CognitoError('UnknownOperationException', `Unknown operation ${target}`);
      let body: Body;
      try {
        const parsed: unknown = JSON.parse(signed.body.toString('utf8') || '{}');
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Body;
      } catch {
        throw new CognitoError('SerializationException', 'The request body is not a JSON object.');
      }
      if ((adminOperations as readonly string[]).includes(operation)) {
        await this.authorise(signed, operation, body);
        return reply(200, await this.admin(operation as (typeof adminOperations)[number], body));
      }
      if ((userOperations as readonly string[]).includes(operation)) {
        const found = await this.pool.userOfAccessToken(body.AccessToken);
        if ('problem' in found) throw new CognitoError('NotAuthorizedException', found.problem);
        return reply(200, await this.user(operation as (typeof userOperations)[number], found.user, body));
      }
      if (operation === 'RevokeToken') return reply(200, this.revokeToken(body));
      throw new CognitoError(
        'UnknownOperationException',
        `${operation} is not supported by the local user pool`,
      );
    } catch (error) {
      if (error instanceof CognitoError) return fail(error);
      throw error;
    }
  }

  /** SigV4 and IAM, as AWS checks them before an admin operation touches the pool. */
  private async authorise(signed: IncomingSigned, operation: string, body: Body): Promise<void> {
    // Against the real time, as AWS checks it and as the SDK signs (the machine's clock): KAIKU_CLOCK moves
    // the service's days, not the signatures' (the local DynamoDB and S3 endpoints check them the same way).
    const verified = verifySigV4(signed, this.iam.secretOf, new Date());
    if (!verified.ok) {
      if (verified.reason === 'missing')
        throw new CognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (verified.reason === 'unknown-key')
        throw new CognitoError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      throw new CognitoError('InvalidSignatureException', verified.message);
    }
    if (verified.service !== 'cognito-idp')
      throw new CognitoError(
        'InvalidSignatureException',
        "Credential should be scoped to correct service: 'cognito-idp'.",
      );
    const poolId = typeof body.UserPoolId === 'string' ? body.UserPoolId : '';
    const decision = await this.iam.decide({
      accessKeyId: verified.accessKeyId,
      action: `cognito-idp:${operation}`,
      resource: userPoolArn(poolId || '*'),
      context: {},
    });
    if (!decision.allowed) throw new CognitoError('AccessDeniedException', decision.message);
    if (poolId !== this.config.userPoolId)
      throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
  }

  private userNamed(body: Body): User {
    const user = this.pool.store.findUser(text(body, 'Username'));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private described(user: User) {
    return {
      Username: user.sub,
      UserCreateDate: seconds(user.createdAt),
      UserLastModifiedDate: seconds(user.modifiedAt),
      Enabled: user.enabled,
      UserStatus: user.status,
    };
  }

  private async admin(operation: (typeof adminOperations)[number], body: Body): Promise<unknown> {
    const store = this.pool.store;
    switch (operation) {
      case 'AdminCreateUser':
        return this.createUser(body);
      case 'AdminGetUser': {
        const user = this.userNamed(body);
        return {
          ...this.described(user),
          UserAttributes: this.pool.attributes(user),
          ...this.pool.mfaSettings(user),
        };
      }
      case 'AdminDisableUser': {
        const user = this.userNamed(body);
        user.enabled = false;
        user.modifiedAt = now().toISOString();
        // Cognito revokes the user's tokens with it; signOutEverywhere saves.
        this.pool.signOutEverywhere(user);
        return {};
      }
      case 'AdminEnableUser': {
        const user = this.userNamed(body);
        user.enabled = true;
        user.modifiedAt = now().toISOString();
        store.save();
        return {};
      }
      case 'AdminUserGlobalSignOut':
        this.pool.signOutEverywhere(this.userNamed(body));
        return {};
      case 'AdminSetUserPassword': {
        const user = this.userNamed(body);
        const password = text(body, 'Password');
        const problems = policyProblems(password);
        if (problems.length > 0)
          throw new CognitoError(
            'InvalidPasswordException',
            `Password does not conform to policy: ${problems[0]}`,
          );
        user.passwordHash = await hashPassword(password);
        if (body.Permanent === true) {
          user.status = 'CONFIRMED';
          delete user.temporaryPasswordExpiresAt;
        } else {
          user.status = 'FORCE_CHANGE_PASSWORD';
          user.temporaryPasswordExpiresAt = new Date(
            nowMs() + temporaryPasswordDays * 86_400_000,
          ).toISOString();
        }
        user.modifiedAt = now().toISOString();
        store.save();
        return {};
      }
      case 'AdminDeleteUser': {
        const user = this.userNamed(body);
        this.pool.signOutEverywhere(user);
        store.state.users = store.state.users.filter((candidate) => candidate !== user);
        store.save();
        return {};
      }
    }
  }

  private async createUser(body: Body): Promise<unknown> {
    const username = text(body, 'Username');
    const attributes = new Map<string, string>();
    if (body.UserAttributes !== undefined && !Array.isArray(body.UserAttributes))
      throw new CognitoError('InvalidParameterException', 'UserAttributes must be a list.');
    for (const attribute of (body.UserAttributes ?? []) as { Name?: unknown; Value?: unknown }[]) {
      if (typeof attribute?.Name !== 'string' || typeof attribute.Value !== 'string')
        throw new CognitoError('InvalidParameterException', 'Each attribute needs a Name and a Value.');
      if (!['email', 'email_verified', 'name'].includes(attribute.Name))
        throw new CognitoError(
          'InvalidParameterException',
          `Attributes did not conform to the schema: ${attribute.Name} is not an attribute of this pool`,
        );
      attributes.set(attribute.Name, attribute.Value);
    }
    // The pool signs in with the e-mail address: the user name must be one, and the e-mail attribute too.
    if (!emailPattern.test(username))
      throw new CognitoError('InvalidParameterException', 'Username should be an email.');
    const email = attributes.get('email') ?? username;
    if (!emailPattern.test(email) || email.toLowerCase() !== username.toLowerCase())
      throw new CognitoError(
        'InvalidParameterException',
        'Invalid email address format: the email attribute must be the user name.',
      );
    const mediums = (body.DesiredDeliveryMediums ?? ['EMAIL']) as unknown[];
    if (!Array.isArray(mediums) || mediums.some((medium) => medium !== 'EMAIL'))
      throw new CognitoError(
        'InvalidParameterException',
        'Only EMAIL delivery is configured for this user pool.',
      );
    const action = body.MessageAction;
    if (action !== undefined && action !== 'RESEND' && action !== 'SUPPRESS')
      throw new CognitoError('InvalidParameterException', 'MessageAction must be RESEND or SUPPRESS.');
    let password: string;
    if (body.TemporaryPassword !== undefined) {
      password = text(body, 'TemporaryPassword');
      const problems = policyProblems(password);
      if (problems.length > 0)
        throw new CognitoError(
          'InvalidPasswordException',
          `Password does not conform to policy: ${problems[0]}`,
        );
    } else {
      password = temporaryPassword();
    }
    const store = this.pool.store;
    const existing = store.findUser(username);
    const at = now().toISOString();
    const expiresAt = new Date(nowMs() + temporaryPasswordDays * 86_400_000).toISOString();
    let user: User;
    if (action === 'RESEND') {
      if (!existing) throw new CognitoError('UserNotFoundException', 'User does not exist.');
      if (existing.status !== 'FORCE_CHANGE_PASSWORD')
        throw new CognitoError(
          'UnsupportedUserStateException',
          'Resend not possible. User is already confirmed.',
        );
      user = existing;
      user.passwordHash = await hashPassword(password);
      user.temporaryPasswordExpiresAt = expiresAt;
      user.modifiedAt = at;
    } else {
      if (existing)
        throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
      user = {
        sub: randomUUID(),
        email: email.toLowerCase(),
        name: attributes.get('name') ?? '',
        status: 'FORCE_CHANGE_PASSWORD',
        enabled: true,
        passwordHash: await hashPassword(password),
        temporaryPasswordExpiresAt: expiresAt,
        totpEnabled: false,
        passkeys: [],
        failures: 0,
        createdAt: at,
        modifiedAt: at,
      };
      store.state.users.push(user);
    }
    store.save();
    if (action !== 'SUPPRESS') this.invite(user, password);
    return {
      User: { ...this.described(user), Attributes: this.pool.attributes(user) },
    };
  }

  /** The invitation, in the three languages of the service (Cognito's template: {username} and {####}). */
  private invite(user: User, password: string): void {
    const link = this.config.signInUrl;
    writeToOutbox(this.config.outboxDir, {
      to: user.email,
      subject: `${messages.fi.inviteSubject} / ${messages.sv.inviteSubject} / ${messages.en.inviteSubject}`,
      text: (['fi', 'sv', 'en'] as const)
        .map((lang) => messages[lang].inviteBody(user.name, link, user.email, password))
        .join('\n\n---\n\n'),
    });
  }

  private async user(operation: (typeof userOperations)[number], user: User, body: Body): Promise<unknown> {
    const store = this.pool.store;
    switch (operation) {
      case 'GetUser':
        return {
          Username: user.sub,
          UserAttributes: this.pool.attributes(user),
          ...this.pool.mfaSettings(user),
        };
      case 'AssociateSoftwareToken': {
        user.pendingTotpSecret = generateSecret();
        store.save();
        return { SecretCode: user.pendingTotpSecret };
      }
      case 'VerifySoftwareToken': {
        const code = text(body, 'UserCode');
        if (!user.pendingTotpSecret)
          throw new CognitoError(
            'InvalidParameterException',
            'No software token is associated with the user: call AssociateSoftwareToken first.',
          );
        if (!this.pool.codeMatches(user.pendingTotpSecret, code))
          throw new CognitoError('EnableSoftwareTokenMFAException', 'Code mismatch');
        user.totpSecret = user.pendingTotpSecret;
        delete user.pendingTotpSecret;
        delete user.totpLastStep;
        // A verified authenticator is used at the next sign-in (SetUserMFAPreference may turn it off).
        user.totpEnabled = true;
        user.modifiedAt = now().toISOString();
        store.save();
        return { Status: 'SUCCESS' };
      }
      case 'SetUserMFAPreference': {
        for (const other of ['SMSMfaSettings', 'EmailMfaSettings'])
          if ((body[other] as { Enabled?: unknown } | undefined)?.Enabled === true)
            throw new CognitoError(
              'InvalidParameterException',
              `${other}: only software token MFA is configured for this user pool.`,
            );
        const settings = body.SoftwareTokenMfaSettings as { Enabled?: unknown } | undefined;
        if (settings?.Enabled === true && !user.totpSecret)
          throw new CognitoError('InvalidParameterException', 'User has not set up software token mfa');
        if (typeof settings?.Enabled === 'boolean') user.totpEnabled = settings.Enabled;
        user.modifiedAt = now().toISOString();
        store.save();
        return {};
      }
      case 'StartWebAuthnRegistration': {
        const options = await generateRegistrationOptions({
          rpName: 'Kaikukortti',
          rpID: this.config.rpId,
          userName: user.email,
          userID: new TextEncoder().encode(user.sub),
          userDisplayName: user.name || user.email,
          attestationType: 'none',
          excludeCredentials: user.passkeys.map((passkey) => ({
            id: passkey.credentialId,
            transports: passkey.transports,
          })),
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          timeout: registrationMs,
        });
        this.registrations.set(user.sub, {
          challenge: options.challenge,
          expiresAt: nowMs() + registrationMs,
        });
        return { CredentialCreationOptions: options };
      }
      case 'CompleteWebAuthnRegistration': {
        const pending = this.registrations.get(user.sub);
        this.registrations.delete(user.sub);
        if (!pending || pending.expiresAt <= nowMs())
          throw new CognitoError(
            'WebAuthnChallengeNotFoundException',
            'No registration was started, or it expired: call StartWebAuthnRegistration.',
          );
        const credential = body.Credential as RegistrationResponseJSON | undefined;
        if (!credential || typeof credential !== 'object')
          throw new CognitoError('InvalidParameterException', 'Credential is required.');
        let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
        try {
          verified = await verifyRegistrationResponse({
            response: credential,
            expectedChallenge: pending.challenge,
            expectedOrigin: [this.config.webAppOrigin, this.config.base],
            expectedRPID: this.config.rpId,
            requireUserVerification: true,
          });
        } catch (error) {
          throw new CognitoError(
            'WebAuthnCredentialNotSupportedException',
            `The credential could not be verified: ${(error as Error).message}`,
          );
        }
        if (!verified.verified)
          throw new CognitoError(
            'WebAuthnCredentialNotSupportedException',
            'The credential could not be verified.',
          );
        const info = verified.registrationInfo;
        user.passkeys.push({
          credentialId: info.credential.id,
          publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: info.credential.transports ?? credential.response.transports ?? [],
          ...(credential.authenticatorAttachment && { attachment: credential.authenticatorAttachment }),
          createdAt: now().toISOString(),
        });
        user.modifiedAt = now().toISOString();
        store.save();
        return {};
      }
      case 'ListWebAuthnCredentials':
        return {
          Credentials: user.passkeys.map((passkey) => ({
            CredentialId: passkey.credentialId,
            ...(passkey.friendlyName && { FriendlyCredentialName: passkey.friendlyName }),
            RelyingPartyId: this.config.rpId,
            ...(passkey.attachment && { AuthenticatorAttachment: passkey.attachment }),
            AuthenticatorTransports: passkey.transports,
            CreatedAt: seconds(passkey.createdAt),
          })),
        };
      case 'DeleteWebAuthnCredential': {
        const id = text(body, 'CredentialId');
        const before = user.passkeys.length;
        user.passkeys = user.passkeys.filter((passkey) => passkey.credentialId !== id);
        if (user.passkeys.length === before)
          throw new CognitoError('ResourceNotFoundException', 'Credential not found.');
        store.save();
        return {};
      }
      case 'GlobalSignOut':
        this.pool.signOutEverywhere(user);
        return {};
    }
  }

  private revokeToken(body: Body): unknown {
    if (body.ClientId !== this.pool.clientId)
      throw new CognitoError('UnauthorizedException', 'Client is not authorized to revoke this token.');
    // Cognito answers alike whether or not the token was still valid.
    this.pool.revokeRefreshToken(text(body, 'Token'));
    return {};
  }
}
