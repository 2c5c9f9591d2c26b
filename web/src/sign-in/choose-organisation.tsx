// A person with several organisations chooses the one they act for (remembered in this browser for the
// next sign-in); a person with none is told so.
import { keyFor, useT } from '../i18n/i18n.ts';
import { homeOf } from '../roles.ts';
import { navigate } from '../router.ts';
import { chooseOrganisation, session, useSession, useSignedIn } from '../session.ts';
import { signOut } from './oidc.ts';

export function ChooseOrganisation() {
  const t = useT();
  const signedIn = useSignedIn();
  const current = useSession();
  const memberships = signedIn?.person.memberships ?? [];
  const choose = (orgId: string) => {
    chooseOrganisation(orgId);
    const chosen = session.get();
    if (chosen) navigate(homeOf[chosen.role]);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('signIn.chooseTitle')}</h1>
      {memberships.length === 0 ? (
        <>
          <p class="error" role="alert">
            {t('signIn.noOrganisation')}
          </p>
          <button type="button" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </>
      ) : (
        <>
          <p>{t('signIn.chooseIntro')}</p>
          <ul class="choices">
            {memberships.map((membership) => (
              <li key={membership.orgId}>
                <button
                  type="button"
                  class={current?.orgId === membership.orgId ? 'primary' : ''}
                  aria-current={current?.orgId === membership.orgId ? 'true' : undefined}
                  onClick={() => choose(membership.orgId)}
                >
                  {membership.orgName}
                </button>
                <span class="hint">{t(keyFor('kind', membership.role, 'kind.national-centre'))}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
