// A page loaded when someone opens it, so that its code stays out of the first download. Until it has
// arrived the page's heading and "loading" show; if it cannot be fetched, the network error. Once loaded it
// is kept, so a later visit renders it at once.
import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type MessageKey, useT } from '../i18n/i18n.ts';

/**
 * The page `load` gives (write it as `() => import('./page.tsx').then((module) => module.Page)` so that
 * the bundler splits it off), titled `title` while it loads.
 */
export function lazyPage<Props extends object>(
  title: MessageKey,
  load: () => Promise<ComponentType<Props>>,
): FunctionComponent<Props> {
  let loaded: ComponentType<Props> | undefined;
  return function LazyPage(props: Props) {
    const t = useT();
    const [Loaded, setLoaded] = useState<ComponentType<Props> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Loaded) return;
      load().then(
        (page) => {
          loaded = page;
          setLoaded(() => page);
        },
        () => setFailed(true),
      );
    }, [Loaded]);
    if (Loaded) return <Loaded {...props} />;
    return (
      <section>
        <h1 tabIndex={-1}>{t(title)}</h1>
        {failed ? (
          <p class="error" role="alert">
            {t('error.NETWORK')}
          </p>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </section>
    );
  };
}
