// Who is signed in: a person, signed in with the identity provider (OpenID Connect, authorization code
// with PKCE: web/src/sign-in/oidc.ts), the organisation they act for, and their tokens. The tokens live in
// localStorage, as Amplify keeps Cognito's: one sign-in serves every tab of the browser, and a sign-out in
// one tab signs out all of them (the `storage` event). Decision 0021 says why.
import { isRole, type Role } from './roles.ts';
import { store, useStore } from './store.ts';

export interface Membership {
  readonly orgId: string;
  readonly orgName: string;
  readonly role: Role;
  readonly areaId?: string;
  readonly manager: boolean;
}

/** The person as GET /v1/me answered. */
export interface Person {
  readonly personId: string;
  readonly name: string;
  readonly email: string;
  readonly memberships: readonly Membership[];
}

/** Where the provider's endpoints are (from its discovery document) and the web app's client. */
export interface Provider {
  readonly clientId: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly logoutEndpoint: string;
  /** Cognito's JSON API (the user's own operations: second factors). */
  readonly cognitoEndpoint: string;
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires (ms since the epoch). */
  readonly expiresAt: number;
}

/** What this browser keeps of a sign-in. */
export interface SignedIn {
  readonly provider: Provider;
  readonly tokens: Tokens;
  readonly person: Person;
}

/** What the pages use: the person acting for one organisation, with that membership's role. */
export interface Session {
  readonly personId: string;
  readonly name: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly role: Role;
  readonly areaId?: string;
  readonly manager: boolean;
  /** Whether the person has other organisations to switch to. */
  readonly several: boolean;
}

const signInKey = 'kaiku.signIn';
const organisationKey = (personId: string) => `kaiku.organisation.${personId}`;

function read(): SignedIn | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(signInKey) ?? 'null') as SignedIn | null;
    if (
      saved &&
      typeof saved.tokens?.accessToken === 'string' &&
      typeof saved.tokens.refreshToken === 'string' &&
      typeof saved.provider?.tokenEndpoint === 'string' &&
      Array.isArray(saved.person?.memberships)
    )
      return saved;
  } catch {}
  return undefined;
}

function sessionOf(signedIn: SignedIn | undefined): Session | undefined {
  if (!signedIn) return undefined;
  const { person } = signedIn;
  const memberships = person.memberships.filter((membership) => isRole(membership.role));
  const chosen =
    memberships.length === 1
      ? memberships[0]
      : memberships.find(
          (membership) => membership.orgId === localStorage.getItem(organisationKey(person.personId)),
        );
  if (!chosen) return undefined;
  return {
    personId: person.personId,
    name: person.name,
    orgId: chosen.orgId,
    orgName: chosen.orgName,
    role: chosen.role,
    ...(chosen.areaId && { areaId: chosen.areaId }),
    manager: chosen.manager,
    several: memberships.length > 1,
  };
}

/** The sign-in of this browser (every tab's), or none. */
export const signedIn = store<SignedIn | undefined>(read());
/** The organisation the person acts for; none while a person with several has not chosen. */
export const session = store<Session | undefined>(sessionOf(signedIn.get()));

const refresh = () => {
  const current = read();
  signedIn.set(current);
  const next = sessionOf(current);
  const before = session.get();
  // A new object on every read: keep the old one when nothing changed, so pages do not start over.
  if (JSON.stringify(next) !== JSON.stringify(before)) session.set(next);
};

// Another tab signed in, refreshed the tokens, chose an organisation or signed out.
addEventListener('storage', (event) => {
  if (event.key === null || event.key === signInKey || event.key.startsWith('kaiku.organisation.')) refresh();
});

export function saveSignIn(value: SignedIn): void {
  localStorage.setItem(signInKey, JSON.stringify(value));
  refresh();
}

export function chooseOrganisation(orgId: string): void {
  const person = signedIn.get()?.person;
  if (!person) return;
  localStorage.setItem(organisationKey(person.personId), orgId);
  refresh();
}

/** Forgets the sign-in in every tab (the chosen organisation is remembered for the next one). */
export function forgetSignIn(): void {
  localStorage.removeItem(signInKey);
  refresh();
}

export const useSession = () => useStore(session);
export const useSignedIn = () => useStore(signedIn);

/** The signed-in session on a page that requires one (the app shows such pages only when signed in). */
export function requireSession(): Session {
  const current = session.get();
  if (!current) throw new Error('not signed in');
  return current;
}
