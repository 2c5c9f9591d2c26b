// Uses recorded without a connection: pending until sent, or refused with the service's reason.
import { useEffect, useState } from 'preact/hooks';
import { formatTime } from '../dates.ts';
import { keyFor, language, locale, useT } from '../i18n/i18n.ts';
import { forget, type QueuedUse, queued, queueVersion } from '../offline/queue.ts';
import { sendQueued } from '../offline/sender.ts';
import { requireSession } from '../session.ts';
import { useStore } from '../store.ts';

export function PendingUses() {
  const t = useT();
  const lang = useStore(language);
  const version = useStore(queueVersion);
  const { orgId } = requireSession();
  const [uses, setUses] = useState<QueuedUse[]>([]);
  useEffect(() => {
    queued(orgId).then(setUses, () => setUses([]));
  }, [orgId, version]);
  if (uses.length === 0) return null;
  const waiting = uses.filter((use) => use.state === 'pending').length;
  return (
    <section class="pending" aria-labelledby="pending-title">
      <h2 id="pending-title">{t('pending.title')}</h2>
      <p>{t('pending.count', { count: waiting })}</p>
      <ul>
        {uses.map((use) => (
          <li key={use.idempotencyKey} class={`queued-${use.state}`}>
            <span>
              {formatTime(use.queuedAt, locale(lang))} · {use.body.cardNumber} ·{' '}
              {t(keyFor('sector', use.body.sector, 'sector.culture'))} ·{' '}
              {t('uses.people', { adults: use.body.adults, children: use.body.children })}
            </span>{' '}
            {use.state === 'pending' ? (
              <strong>{t('pending.waiting')}</strong>
            ) : (
              <>
                <strong class="problem">
                  {t('pending.refused')}: {t(keyFor('error', use.refusal?.code ?? '', 'error.unexpected'))}
                </strong>{' '}
                <button type="button" onClick={() => void forget(use.idempotencyKey)}>
                  {t('pending.dismiss')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {waiting > 0 && (
        <button type="button" onClick={() => void sendQueued()}>
          {t('pending.sendNow')}
        </button>
      )}
    </section>
  );
}
