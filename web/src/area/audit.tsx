// Administrative actions (GET /v1/audit): the national centre sees all, an area-admin its own area's.
// Each names who acted: the person by name, or the machine key by its id.
import { useState } from 'preact/hooks';
import { DateRange, lastDays } from '../components/date-range.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { usePages } from '../components/use-pages.ts';
import { formatInstant } from '../dates.ts';
import { keyFor, language, locale, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';

export function Audit() {
  const t = useT();
  const lang = useStore(language);
  const [range, setRange] = useState(() => lastDays(30));
  const list = usePages('/v1/audit', { ...range, limit: '100' });
  return (
    <section>
      <h1 tabIndex={-1}>{t('audit.title')}</h1>
      <DateRange value={range} onChange={setRange} />
      <ErrorMessage error={list.error} />
      {list.items.length === 0 && !list.loading && <p>{t('audit.none')}</p>}
      {list.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.actor')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((entry, index) => (
              <tr key={`${entry.at}-${index}`}>
                <td>{formatInstant(entry.at, locale(lang))}</td>
                <td>{t(keyFor('audit.action', entry.action, 'audit.otherAction'))}</td>
                <td>
                  <code>{entry.target}</code>
                </td>
                <td>
                  {/* Who acted: the person's name, or the machine key; then the organisation's kind. */}
                  {entry.actor.kind === 'person' ? (
                    <strong>{entry.actor.name ?? entry.actor.personId}</strong>
                  ) : (
                    <>
                      {t('signIn.auditKey')} <code>{entry.actor.keyId}</code>
                    </>
                  )}{' '}
                  ({t(keyFor('kind', entry.actor.role, 'audit.otherAction'))},{' '}
                  <code>{entry.actor.orgId}</code>)
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.more && (
        <button type="button" onClick={list.more}>
          {t('common.showMore')}
        </button>
      )}
    </section>
  );
}
