// The help page is loaded when someone opens it: its texts' layout stays out of the first download.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';

type Page = typeof import('./help-page.tsx').HelpPage;

let loaded: Page | undefined;

export function LazyHelp() {
  const t = useT();
  const [Loaded, setLoaded] = useState<Page | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Loaded) return;
    import('./help-page.tsx').then(
      (module) => {
        loaded = module.HelpPage;
        setLoaded(() => module.HelpPage);
      },
      () => setFailed(true),
    );
  }, [Loaded]);
  if (Loaded) return <Loaded />;
  return (
    <section>
      <h1 tabIndex={-1}>{t('help.title')}</h1>
      {failed ? (
        <p class="error" role="alert">
          {t('error.NETWORK')}
        </p>
      ) : (
        <p role="status">{t('common.loading')}</p>
      )}
    </section>
  );
}
