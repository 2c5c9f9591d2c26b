// Today's uses of this venue (GET /v1/usages for today's Helsinki date), newest first, each with a void
// button that asks once more before it voids (DELETE /v1/usages/{id}).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatTime, helsinkiToday } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { queueVersion } from '../offline/queue.ts';
import { useStore } from '../store.ts';

export function TodaysUses({ round }: { round: number }) {
  const t = useT();
  const lang = useStore(language);
  const today = helsinkiToday();
  // Uses sent from the queue show up too.
  const sent = useStore(queueVersion);
  const list = useLoad(
    () => api('GET', '/v1/usages', { query: { from: today, to: today, limit: '500' } }),
    [today, round, sent],
  );
  const [confirming, setConfirming] = useState<string>();
  const [error, setError] = useState<unknown>();
  const voidUse = async (usageId: string) => {
    setError(undefined);
    try {
      await api('DELETE', '/v1/usages/{usageId}', { path: { usageId } });
      setConfirming(undefined);
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const items = [...(list.data?.items ?? [])].reverse();
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title">{t('uses.today')}</h2>
      <ErrorMessage error={list.error ?? error} />
      {items.length === 0 && !list.loading && <p>{t('uses.none')}</p>}
      {items.length > 0 && (
        <table class="uses">
          <thead>
            <tr>
              <th scope="col">{t('uses.time')}</th>
              <th scope="col">{t('cardNumber.label')}</th>
              <th scope="col">{t('desk.sector')}</th>
              <th scope="col">{t('desk.adults')}</th>
              <th scope="col">{t('desk.children')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('uses.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((use) => (
              <tr key={use.usageId} class={use.voided ? 'voided' : undefined}>
                <td>{formatTime(use.occurredAt, locale(lang))}</td>
                <td>{use.cardNumber}</td>
                <td>{t(`sector.${use.sector}`)}</td>
                <td>{use.adults}</td>
                <td>{use.children}</td>
                <td>
                  {use.voided ? (
                    t('uses.voided')
                  ) : confirming === use.usageId ? (
                    <>
                      <button type="button" class="danger" onClick={() => void voidUse(use.usageId)}>
                        {t('uses.confirmVoid')}
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        {t('common.cancel')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      aria-label={t('uses.voidLabel', { cardNumber: use.cardNumber })}
                      onClick={() => setConfirming(use.usageId)}
                    >
                      {t('uses.void')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
