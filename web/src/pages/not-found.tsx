import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';

export function NotFound() {
  const t = useT();
  return (
    <section>
      <h1 tabIndex={-1}>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}

export function NotForRole() {
  const t = useT();
  return (
    <section>
      <h1 tabIndex={-1}>{t('notForRole.title')}</h1>
      <p>{t('notForRole.text')}</p>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
