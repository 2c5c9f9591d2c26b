// The venue's desk: record a use, see the uses waiting for a connection, and today's uses with a void
// button (a ticket agent records for a venue it names, and has no list of its own).
import { useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { useSession } from '../session.ts';
import { PendingUses } from './pending-uses.tsx';
import { RecordForm } from './record-form.tsx';
import { TodaysUses } from './todays-uses.tsx';

export function Desk() {
  const t = useT();
  const current = useSession();
  const [round, setRound] = useState(0);
  const changed = () => setRound((n) => n + 1);
  return (
    <section>
      <h1 tabIndex={-1}>{t('desk.title')}</h1>
      <RecordForm onRecorded={changed} />
      <PendingUses />
      {current?.role === 'venue' && <TodaysUses round={round} />}
      <p>
        <Link href="/desk/batch">{t('desk.toBatch')}</Link>
      </p>
    </section>
  );
}
