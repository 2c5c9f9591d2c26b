// The frame of every page: the header with the role's navigation, the language, who is signed in and
// sign-out, and the page of the current path (or, after 403 MFA_REQUIRED, how to set up a second factor).
// Moving to another page moves the focus to its heading. Every page ends with the help link and the national
// centre's support contact.
import { useEffect, useRef } from 'preact/hooks';
import { secondFactorNeeded } from './api.ts';
import { moveFocus } from './components/focus-keeper.ts';
import { SupportFooter } from './help/support-footer.tsx';
import { chooseLanguage, type Language, language, languages, useT } from './i18n/i18n.ts';
import { Navigation } from './navigation.tsx';
import { OnlineStatus } from './offline/online-status.tsx';
import { findPage } from './pages.tsx';
import { Link, usePath } from './router.ts';
import { useSession, useSignedIn } from './session.ts';
import { LazySecondFactor } from './sign-in/lazy-second-factor.tsx';
import { signOut } from './sign-in/oidc.ts';
import { useStore } from './store.ts';

const languageNames: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

export function App() {
  const t = useT();
  const path = usePath();
  const current = useSession();
  const person = useSignedIn()?.person;
  const lang = useStore(language);
  const mfaNeeded = useStore(secondFactorNeeded) && current !== undefined;
  const found = findPage(path, current?.role, person !== undefined);
  const page = mfaNeeded
    ? { title: 'mfa.title' as const, render: () => <LazySecondFactor required /> }
    : found;
  useEffect(() => {
    document.title = `${t(page.title)} – Kaikukortti`;
  });
  // Acting for another organisation (or signed out): its own answers decide whether a factor is needed.
  useEffect(() => secondFactorNeeded.set(false), [current?.orgId]);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else {
      const heading = document.querySelector<HTMLElement>('main h1') ?? document.querySelector('main');
      if (heading) moveFocus(heading);
    }
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="top">
        <p class="brand">Kaikukortti</p>
        <Navigation role={current?.role} manager={current?.manager} />
        <div class="top-tools">
          <div class="language">
            <label for="language">{t('app.language')}</label>
            <select
              id="language"
              value={lang}
              onChange={(event) => chooseLanguage(event.currentTarget.value as Language)}
            >
              {languages.map((code) => (
                <option key={code} value={code} lang={code}>
                  {languageNames[code]}
                </option>
              ))}
            </select>
          </div>
          {person && (
            <p class="signed-in-as">
              {current?.several ? (
                <Link href="/organisation">
                  {t('signIn.as', { name: person.name, org: current.orgName })}
                </Link>
              ) : (
                t('signIn.as', { name: person.name, org: current?.orgName ?? '' })
              )}
            </p>
          )}
          {person && (
            <button type="button" class="link-button" onClick={() => void signOut()}>
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <OnlineStatus />
      <main id="main">{page.render()}</main>
      <SupportFooter />
    </>
  );
}
