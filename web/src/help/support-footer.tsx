// The footer of every page: the help page and the national centre's support contact, in the chosen language.
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { supportContact, telLink } from './support-contact.ts';

export function SupportFooter() {
  const t = useT();
  return (
    <footer class="site-footer">
      <p>
        <Link href="/help">{t('help.link')}</Link>
      </p>
      <p class="support-contact">
        <span>{t('support.contact')}:</span>{' '}
        <span>
          {t('support.email')} <a href={`mailto:${supportContact.email}`}>{supportContact.email}</a>
        </span>{' '}
        <span>
          {t('support.phone')} <a href={telLink(supportContact.phone)}>{supportContact.phone}</a>
        </span>
      </p>
    </footer>
  );
}
