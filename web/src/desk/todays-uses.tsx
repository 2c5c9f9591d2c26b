// Today's uses of this venue (GET /v1/usages for today's Helsinki date), newest first, each with a void
// button that asks once more before it voids (DELETE /v1/usages/{id}).
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
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
  const [voided, setVoided] = useState<string>();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The keyboard's focus follows the buttons that replace each other (void → confirm), never the page.
  // Before the browser paints: the focus never rests on the page between the two buttons.
  useLayoutEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const cancel = (usageId: string) => {
    setConfirming(undefined);
    requestAnimationFrame(() =>
      document.querySelector<HTMLButtonElement>(`button[data-usage="${usageId}"]`)?.focus(),
    );
  };
  const voidUse = async (usageId: string, cardNumber: string) => {
    setError(undefined);
    try {
      await api('DELETE', '/v1/usages/{usageId}', { path: { usageId } });
      setConfirming(undefined);
      setVoided(cardNumber);
      list.reload();
      // The row's buttons are gone: the list's heading takes the focus, the status below it says what happened.
      heading.current?.focus();
    } catch (failure) {
      setError(failure);
    }
  };
  const items = [...(list.data?.items ?? [])].reverse();
  return (
    <section aria-labelledby="today-title">
      <h2 id="today-title" tabIndex={-1} ref={heading}>
        {t('uses.today')}
      </h2>
      <ErrorMessage error={list.error ?? error} />
      <p role="status" class={voided ? 'notice' : 'visually-hidden'}>
        {voided ? t('uses.voidedNotice', { cardNumber: voided }) : ''}
      </p>
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
                <td data-label={t('uses.time')}>{formatTime(use.occurredAt, locale(lang))}</td>
                <td data-label={t('cardNumber.label')}>{use.cardNumber}</td>
                <td data-label={t('desk.sector')}>{t(`sector.${use.sector}`)}</td>
                <td data-label={t('desk.adults')}>{use.adults}</td>
                <td data-label={t('desk.children')}>{use.children}</td>
                <td>
                  {use.voided ? (
                    t('uses.voided')
                  ) : confirming === use.usageId ? (
                    <>
                      <button
                        type="button"
                        class="danger"
                        ref={confirmButton}
                        onClick={() => void voidUse(use.usageId, use.cardNumber)}
                      >
                        {t('uses.confirmVoid')}
                      </button>{' '}
                      <button type="button" onClick={() => cancel(use.usageId)}>
                        {t('common.cancel')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      data-usage={use.usageId}
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
