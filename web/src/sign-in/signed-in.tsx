// /signed-in: where the identity provider sends the browser back with the code. The code becomes tokens,
// GET /v1/me names the person's organisations, and the person goes on to the page they asked for (or, with
// several organisations and none chosen before, chooses one first).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useT } from '../i18n/i18n.ts';
import { sendQueued } from '../offline/sender.ts';
import { homeOf, isRole } from '../roles.ts';
import { navigate } from '../router.ts';
import { type Person, session } from '../session.ts';
import { completeSignIn } from './oidc.ts';

export async function whoIs(accessToken: string): Promise<Person> {
  const me = await api('GET', '/v1/me', { bearer: accessToken });
  if (me.kind !== 'person') throw new Error('GET /v1/me did not answer a person');
  return {
    personId: me.personId,
    name: me.name,
    email: me.email,
    memberships: me.memberships.filter((membership) => isRole(membership.role)) as Person['memberships'],
  };
}

/** Where a signed-in person goes next: the page asked for, their role's page, or the choice of organisation. */
export function goOn(returnTo: string): void {
  const current = session.get();
  if (!current) navigate('/organisation', { replace: true });
  else navigate(returnTo || homeOf[current.role], { replace: true });
}

let started: Promise<string> | undefined;

export function SignedIn() {
  const t = useT();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    // Once per page load, even if the component mounts again: a code is good only once.
    started ??= completeSignIn(location.search, whoIs);
    started.then(
      async (returnTo) => {
        // The service asks the provider for the person's second factor after each sign-in.
        await api('POST', '/v1/me/second-factor', { body: {} }).catch(() => undefined);
        goOn(returnTo);
        // Uses queued at the desk while signed out go now.
        void sendQueued().catch(() => undefined);
      },
      () => setFailed(true),
    );
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      {failed ? (
        <>
          <p class="error" role="alert">
            {t('signIn.failed')}
          </p>
          <p>
            <a href="/sign-in">{t('signIn.again')}</a>
          </p>
        </>
      ) : (
        <p role="status">{t('signIn.finishing')}</p>
      )}
    </section>
  );
}
