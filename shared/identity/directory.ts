// The identity provider's user directory (Amazon Cognito's API; locally the same API served by the local
// provider at AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, IAM-checked like the local DynamoDB). The only
// calls the service makes to it: invite a person (or find one already known), disable or enable a person's
// account, and ask which second factor a signed-in person has, with their own access token.
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  GetUserCommand,
  ListWebAuthnCredentialsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { SecondFactor } from '../domain/people.ts';

let client: CognitoIdentityProviderClient | undefined;
function directory(): CognitoIdentityProviderClient {
  // Same bounds as the table's client: a hung call fails and is retried, not waited on for ever.
  client ??= new CognitoIdentityProviderClient({ maxAttempts: 3, requestHandler: { requestTimeout: 2_500 } });
  return client;
}

/** The user pool the function is configured with (IDP_USER_POOL_ID). */
export function userPoolId(): string {
  const id = process.env.IDP_USER_POOL_ID;
  if (!id || !/^[\w-]+_[0-9a-zA-Z]+$/.test(id))
    throw new Error('IDP_USER_POOL_ID is not a user pool id: this function has no identity provider');
  return id;
}

const attribute = (attributes: readonly AttributeType[] | undefined, name: string) =>
  attributes?.find((candidate) => candidate.Name === name)?.Value;

export interface DirectoryPerson {
  /** The person's `sub`: their id in this service. */
  readonly personId: string;
  /** True when this call created the account (and the provider sent the invitation). */
  readonly created: boolean;
}

/**
 * Invites a person by e-mail: the provider creates the account and e-mails the sign-in link, the user name
 * and a temporary password. A person already known (UsernameExistsException) is found instead: no second
 * account, no second invitation.
 */
export async function inviteOrFind(person: { email: string; name: string }): Promise<DirectoryPerson> {
  try {
    const { User } = await directory().send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId(),
        Username: person.email,
        UserAttributes: [
          { Name: 'email', Value: person.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'name', Value: person.name },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    const sub = attribute(User?.Attributes, 'sub');
    if (!sub) throw new Error('AdminCreateUser answered a user without a sub');
    return { personId: sub, created: true };
  } catch (error) {
    if (!(error instanceof Error && error.name === 'UsernameExistsException')) throw error;
  }
  const known = await directory().send(
    new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: person.email }),
  );
  const sub = attribute(known.UserAttributes, 'sub');
  if (!sub) throw new Error('AdminGetUser answered a user without a sub');
  return { personId: sub, created: false };
}

/**
 * The second factor the person has set up, asked of the provider with the person's own access token (no
 * IAM: Cognito checks the token): TOTP when it is among their MFA settings, else a passkey when they have
 * registered one, else none.
 */
export async function secondFactorOf(accessToken: string): Promise<SecondFactor | undefined> {
  const user = await directory().send(new GetUserCommand({ AccessToken: accessToken }));
  if (user.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA')) return 'totp';
  const passkeys = await directory().send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }));
  return (passkeys.Credentials?.length ?? 0) > 0 ? 'passkey' : undefined;
}

/**
 * Turns the person's account off or on at the provider. Off: sign-in is refused and every refresh token
 * is revoked (AdminUserGlobalSignOut), so no new access token is issued; the access tokens already out
 * are refused by the service at their next request (the person's status in the table). An account the
 * provider no longer knows has nothing to turn off.
 */
export async function setAccountEnabled(username: string, enabled: boolean): Promise<void> {
  const target = { UserPoolId: userPoolId(), Username: username };
  try {
    if (enabled) {
      await directory().send(new AdminEnableUserCommand(target));
      return;
    }
    await directory().send(new AdminDisableUserCommand(target));
    await directory().send(new AdminUserGlobalSignOutCommand(target));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'UserNotFoundException')) throw error;
  }
}
