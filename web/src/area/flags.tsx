// Abnormal use of cards (GET /v1/cards/flags), without personal data: many uses in a day, or uses in many
// areas in a day. The national centre sees all, an area-admin the cards of its own area.
import { useState } from 'preact/hooks';
import { DateRange, lastDays } from '../components/date-range.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { usePages } from '../components/use-pages.ts';
import { formatDate } from '../dates.ts';
import { keyFor, language, locale, useT } from '../i18n/i18n.ts';
import { useStore } from '../store.ts';

export function Flags() {
  const t = useT();
  const lang = useStore(language);
  const [range, setRange] = useState(() => lastDays(30));
  const list = usePages('/v1/cards/flags', { ...range, limit: '200' });
  return (
    <section>
      <h1 tabIndex={-1}>{t('flags.title')}</h1>
      <p>{t('flags.intro')}</p>
      <DateRange value={range} onChange={setRange} />
      <ErrorMessage error={list.error} />
      {list.items.length === 0 && !list.loading && <p>{t('flags.none')}</p>}
      {list.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('flags.date')}</th>
              <th scope="col">{t('cardNumber.label')}</th>
              <th scope="col">{t('flags.reason')}</th>
              <th scope="col">{t('flags.uses')}</th>
              <th scope="col">{t('flags.areas')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((flag) => (
              <tr key={`${flag.date}-${flag.cardNumber}-${flag.reason}`}>
                <td>{formatDate(flag.date, locale(lang))}</td>
                <td>{flag.cardNumber}</td>
                <td>{t(keyFor('flags.reason', flag.reason, 'flags.otherReason'))}</td>
                <td>{flag.uses}</td>
                <td>{flag.areas}</td>
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
