// The unit's cards (GET /v1/cards): the cards this distributor organisation issued, one status at a time:
// valid ones expiring soonest first (to plan renewals), expired and revoked ones most recent first (a lost
// card whose number nobody noted is found by its birth year and dates). Of the holder only the birth year.
import { useState } from 'preact/hooks';
import { ErrorMessage } from '../components/error-message.tsx';
import { usePages } from '../components/use-pages.ts';
import { formatDate, helsinkiToday } from '../dates.ts';
import { keyFor, language, locale, useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { useStore } from '../store.ts';
import { cardPath } from './card-types.ts';

const statuses = ['active', 'expired', 'revoked'] as const;
type ListStatus = (typeof statuses)[number];

/** A valid card this close to its end is marked, so that its holder can be asked in to renew it. */
const expiringSoonDays = 30;

const daysUntil = (day: string, today: string) =>
  Math.round((Date.parse(`${day}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`)) / 86_400_000);

export function CardList() {
  const t = useT();
  const lang = useStore(language);
  const [status, setStatus] = useState<ListStatus>('active');
  const list = usePages('/v1/cards', { status, limit: '100' });
  const today = helsinkiToday();
  const date = (day: string) => formatDate(day, locale(lang));
  return (
    <section>
      <h1 tabIndex={-1}>{t('cardList.title')}</h1>
      <p>{t('cardList.intro')}</p>
      <fieldset class="status-filter">
        <legend>{t('cardList.show')}</legend>
        {statuses.map((value) => (
          <label key={value} class="choice">
            <input
              type="radio"
              name="card-list-status"
              value={value}
              checked={status === value}
              onChange={() => setStatus(value)}
            />
            {t(`cardList.status.${value}`)}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={list.error} />
      <p class="hint" aria-live="polite">
        {list.loading ? t('common.loading') : t('cardList.shown', { count: list.items.length })}
      </p>
      {list.items.length === 0 && !list.loading && !list.error && <p>{t('cardList.none')}</p>}
      {list.items.length > 0 && (
        <ul class="card-list">
          {list.items.map((card) => {
            const left = daysUntil(card.validUntil, today);
            const soon = card.status === 'active' && left <= expiringSoonDays;
            return (
              <li key={card.cardNumber} class={soon ? 'expiring-soon' : undefined}>
                <p>
                  <Link href={cardPath(card.cardNumber)}>
                    <code>{card.cardNumber}</code>
                  </Link>{' '}
                  · {t(`card.status.${card.status}`)} · {t(`card.type.${card.cardType}`)}
                </p>
                <p>
                  {t('cardList.validUntil', { date: date(card.validUntil) })}
                  {soon && (
                    <strong class="soon"> · {t('cardList.expiringSoon', { days: Math.max(left, 0) })}</strong>
                  )}
                </p>
                <p class="hint">
                  {card.birthYear !== undefined && `${t('cardList.birthYear', { year: card.birthYear })} · `}
                  {t('cardList.issuedOn', { date: date(card.issuedOn) })}
                  {card.revokedOn &&
                    ` · ${t('cardList.revokedOn', {
                      date: date(card.revokedOn),
                      reason: t(
                        card.revokeReason === 'replaced'
                          ? 'cardList.replaced'
                          : keyFor('card.reason', card.revokeReason ?? 'other', 'card.reason.other'),
                      ),
                    })}`}
                </p>
              </li>
            );
          })}
        </ul>
      )}
      {list.more && (
        <button type="button" onClick={list.more}>
          {t('common.showMore')}
        </button>
      )}
    </section>
  );
}
