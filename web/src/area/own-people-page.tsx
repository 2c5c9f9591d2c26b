// A manager's own organisation: its people (invite, remove), for the person signed in as one of its
// managers. Anyone else acting for the organisation is told who manages its people.
import { api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { useT } from '../i18n/i18n.ts';
import { requireSession } from '../session.ts';
import { PeopleSection } from './people-section.tsx';

export function OwnPeoplePage() {
  const t = useT();
  const { orgId } = requireSession();
  const me = useLoad(() => api('GET', '/v1/me'), []);
  const managing =
    me.data?.kind === 'person' &&
    me.data.memberships.some((membership) => membership.orgId === orgId && membership.manager);
  return (
    <section>
      <h1 tabIndex={-1}>{t('people.ownTitle')}</h1>
      <ErrorMessage error={me.error} />
      {me.data && (managing ? <PeopleSection orgId={orgId} /> : <p>{t('people.onlyManagers')}</p>)}
    </section>
  );
}
