// The second-factor page is loaded when someone needs it: its QR encoder stays out of the first download.
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';

type Page = typeof import('./second-factor.tsx').SecondFactor;

let loaded: Page | undefined;

export function LazySecondFactor({ required }: { readonly required: boolean }) {
  const t = useT();
  const [Loaded, setLoaded] = useState<Page | undefined>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Loaded) return;
    import('./second-factor.tsx').then(
      (module) => {
        loaded = module.SecondFactor;
        setLoaded(() => module.SecondFactor);
      },
      () => setFailed(true),
    );
  }, [Loaded]);
  if (Loaded) return <Loaded required={required} />;
  return (
    <section>
      <h1 tabIndex={-1}>{t('mfa.title')}</h1>
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
