// The links of the signed-in role (or of a visitor): what each role sees.
import { type MessageKey, useT } from './i18n/i18n.ts';
import type { Role } from './roles.ts';
import { Link } from './router.ts';

const linksOf: Record<Role | 'visitor', readonly [string, MessageKey][]> = {
  visitor: [
    ['/', 'nav.home'],
    ['/venues', 'nav.venues'],
    ['/sign-in', 'nav.signIn'],
    ['/apply', 'nav.apply'],
    ['/apply/status', 'nav.applicationStatus'],
  ],
  venue: [
    ['/desk', 'nav.desk'],
    ['/desk/batch', 'nav.batch'],
    ['/desk/profile', 'nav.profile'],
  ],
  'ticket-agent': [
    ['/desk', 'nav.desk'],
    ['/desk/batch', 'nav.batch'],
  ],
  distributor: [
    ['/cards', 'nav.cards'],
    ['/cards/new', 'nav.newCard'],
    ['/cards/list', 'cardList.nav'],
    ['/venues', 'nav.venues'],
  ],
  'area-admin': [
    ['/area', 'nav.organisations'],
    ['/area/figures', 'nav.figures'],
    ['/area/report', 'venueReport.nav'],
    ['/area/audit', 'nav.audit'],
    ['/area/flags', 'nav.flags'],
  ],
  admin: [
    ['/national', 'nav.applications'],
    ['/national/areas', 'nav.areas'],
    ['/national/figures', 'nav.figures'],
    ['/national/snapshots', 'nav.snapshots'],
    ['/national/audit', 'nav.audit'],
    ['/national/flags', 'nav.flags'],
  ],
  partner: [['/snapshots', 'nav.snapshots']],
};

/** A manager of an organisation (not an area's or the national centre's) also invites and removes its staff. */
const managersLink: readonly [string, MessageKey] = ['/people', 'nav.people'];

export function Navigation({
  role,
  manager = false,
}: {
  readonly role: Role | undefined;
  readonly manager?: boolean;
}) {
  const t = useT();
  const links = linksOf[role ?? 'visitor'];
  const shown = manager && role !== 'admin' && role !== 'area-admin' ? [...links, managersLink] : links;
  return (
    <nav aria-label={t('nav.label')}>
      <ul>
        {shown.map(([href, label]) => (
          <li key={href}>
            <Link href={href}>{t(label)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
