// The front page: a visitor signs in or applies; a signed-in user goes to the role's own page.
import { useEffect } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';
import { homeOf } from '../roles.ts';
import { Link, navigate } from '../router.ts';
import { useSession } from '../session.ts';

export function Home() {
  const t = useT();
  const current = useSession();
  useEffect(() => {
    if (current) navigate(homeOf[current.role], { replace: true });
  }, [current]);
  return (
    <section>
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul class="choices">
        <li>
          <Link href="/venues">{t('home.venues')}</Link>
          <span class="hint">{t('home.venuesHint')}</span>
        </li>
        <li>
          <Link href="/sign-in">{t('home.signIn')}</Link>
          <span class="hint">{t('home.signInHint')}</span>
        </li>
        <li>
          <Link href="/apply">{t('home.apply')}</Link>
          <span class="hint">{t('home.applyHint')}</span>
        </li>
        <li>
          <Link href="/apply/status">{t('home.status')}</Link>
          <span class="hint">{t('home.statusHint')}</span>
        </li>
      </ul>
    </section>
  );
}
