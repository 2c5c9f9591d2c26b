// POST /v1/me/second-factor: the web app calls it after a person sets up (or removes) a TOTP app or a
// passkey, and after each sign-in. The service asks the identity provider itself, with the person's own
// access token (Cognito's GetUser and ListWebAuthnCredentials), and records the answer on the person: the
// answer is never taken from the request (docs/decisions/0016-people-sign-in.md).
import { bearerToken } from '../../shared/domain/api-keys.ts';
import { httpHandler, json } from '../../shared/http/handler.ts';
import { secondFactorOf } from '../../shared/identity/directory.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import { setSecondFactor } from '../../shared/store/people.ts';

export const handler = httpHandler('POST /v1/me/second-factor', async ({ caller, headers, now }) => {
  if (caller?.kind !== 'person')
    throw new ApiError('FORBIDDEN', 'Only a signed-in person has a second factor; a key has none.');
  const token = bearerToken(headers.authorization);
  if (!token) throw new ApiError('UNAUTHENTICATED', 'Sign in again.');
  const factor = await secondFactorOf(token).catch((error: unknown) => {
    // The provider no longer accepts the token (signed out everywhere, account disabled): sign in again.
    if (error instanceof Error && error.name === 'NotAuthorizedException')
      throw new ApiError('UNAUTHENTICATED', 'The identity provider no longer accepts this sign-in.');
    throw error;
  });
  await setSecondFactor(caller.person.personId, factor, now);
  return json(200, factor ? { secondFactor: factor } : {});
});
