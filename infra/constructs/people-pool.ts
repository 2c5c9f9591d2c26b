// The people who sign in to the web app (docs/decisions/0016-people-sign-in.md): an Amazon Cognito user pool
// with its managed login on a Cognito domain, and one public client for the web app (authorization code
// with PKCE, no secret). Accounts are made by invitation only (AdminCreateUser from the people routes).
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  PasskeyUserVerification,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { DirectoryAction } from '../../shared/http/routes.ts';
import type { KaikuStage } from '../stage.ts';

export interface PeoplePoolProps {
  readonly stage: KaikuStage;
  /** Where the web app is served (https://…, or http://localhost:<port> for a local app against AWS). */
  readonly webOrigins: readonly string[];
}

/** The prefix of the pool's Cognito domain (<prefix>.auth.<region>.amazoncognito.com): the web app's CSP names it. */
export const peopleDomainPrefix = (stageName: string) => `kaikukortti-${stageName}`;

/** The invitation Cognito e-mails: the web app's address, the user name and the temporary password. */
export const invitationMessage = (webOrigin: string) => ({
  emailSubject: 'Kaikukortti: kutsu palveluun / inbjudan till tjänsten',
  emailBody: [
    'Sinut on kutsuttu Kaikukortti-palveluun. / Du har bjudits in till Kaikukortti-tjänsten.',
    '',
    `Kirjaudu / Logga in: ${webOrigin}/`,
    'Käyttäjätunnus / Användarnamn: {username}',
    'Väliaikainen salasana / Tillfälligt lösenord: {####}',
    '',
    'Vaihda salasana ja ota käyttöön toinen tunnistautumistapa ensimmäisellä kirjautumisella.',
    'Byt lösenord och ta i bruk en andra faktor vid första inloggningen.',
  ].join('<br>'),
});

export class PeoplePool extends Construct {
  readonly userPool: UserPool;
  readonly webClient: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `iss` of the pool's tokens. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: PeoplePoolProps) {
    super(scope, id);
    const { stage } = props;
    const region = Stack.of(this).region;
    const domainPrefix = peopleDomainPrefix(stage.name);
    const [firstOrigin = 'http://localhost:3000'] = props.webOrigins;
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `kaiku-${stage.name}-people`,
      // Nobody signs themselves up: the national centre, area admins and managers invite people.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      // Staff data kept minimal: the work e-mail and a display name (docs/data-model.md, retention).
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: true, mutable: true },
      },
      userInvitation: invitationMessage(firstOrigin),
      // Optional for the pool: desk staff may sign in with a password alone; the service itself refuses
      // admin and area-admin people without a second factor (403 MFA_REQUIRED).
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      signInPolicy: { allowedFirstAuthFactors: { password: true, passkey: true } },
      // A passkey is bound to the site where it is made: the web app's own domain where the stage has one
      // (the app registers passkeys from its pages, decision 0021), else the pool's Cognito domain (dev:
      // the app's CloudFront name is only known after this stack, so passkeys there are made on the
      // managed login pages).
      passkeyRelyingPartyId: stage.webDomainName ?? `${domainPrefix}.auth.${region}.amazoncognito.com`,
      passkeyUserVerification: PasskeyUserVerification.REQUIRED,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
        passwordHistorySize: 5,
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: stage.production,
      removalPolicy: stage.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional in the pool because desk staff of venues and distributors may sign in with a password alone; the API refuses admin and area-admin people without a TOTP or passkey (403 MFA_REQUIRED, decision 0016).',
    });
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.webClient = this.userPool.addClient('WebApp', {
      userPoolClientName: 'web-app',
      generateSecret: false,
      authFlows: { user: true, userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, OAuthScope.COGNITO_ADMIN],
        callbackUrls: props.webOrigins.map((origin) => `${origin}/signed-in`),
        logoutUrls: props.webOrigins.map((origin) => `${origin}/`),
      },
      // A working day at the desk; the app refreshes its one-hour access token silently.
      refreshTokenValidity: Duration.hours(12),
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // Cognito's managed login (version 2) shows its pages only with a branding; Cognito's own style.
    new CfnManagedLoginBranding(this, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.webClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    // The pool's ProviderURL attribute has no scheme; tokens say https://.
    this.issuer = `https://cognito-idp.${region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
  }

  /** What every function is told of the pool: the issuer and the web app's client id. */
  get environment(): Record<string, string> {
    return { IDP_ISSUER: this.issuer, IDP_CLIENT_ID: this.webClient.userPoolClientId };
  }

  /** Lets a function call the directory actions its route declares, on this pool only. */
  grantDirectory(fn: IFunction, actions: readonly DirectoryAction[]): void {
    if (actions.length === 0) return;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((action) => `cognito-idp:${action}`),
        resources: [this.userPool.userPoolArn],
      }),
    );
  }
}
