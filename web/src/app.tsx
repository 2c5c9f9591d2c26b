// The frame of every page: the header with the role's navigation, the language and sign-out, and the
// page of the current path. Moving to another page moves the focus to its heading.
import { useEffect, useRef } from 'preact/hooks';
import { chooseLanguage, type Language, language, languages, useT } from './i18n/i18n.ts';
import { Navigation } from './navigation.tsx';
import { OnlineStatus } from './offline/online-status.tsx';
import { findPage } from './pages.tsx';
import { navigate, usePath } from './router.ts';
import { endSession, useSession } from './session.ts';
import { useStore } from './store.ts';

const languageNames: Record<Language, string> = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

export function App() {
  const t = useT();
  const path = usePath();
  const current = useSession();
  const lang = useStore(language);
  const page = findPage(path, current?.role);
  useEffect(() => {
    document.title = `${t(page.title)} – Kaikukortti`;
  });
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skipToContent')}
      </a>
      <header class="top">
        <p class="brand">Kaikukortti</p>
        <Navigation role={current?.role} />
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
          {current && (
            <button
              type="button"
              class="link-button"
              onClick={() => {
                endSession();
                navigate('/');
              }}
            >
              {t('app.signOut')}
            </button>
          )}
        </div>
      </header>
      <OnlineStatus />
      <main id="main">{page.render()}</main>
    </>
  );
}
