// A card's facts as its distributor sees them.
import { formatDate, formatInstant } from '../dates.ts';
import { keyFor, language, locale, useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { useStore } from '../store.ts';
import { cardPath, type FullCard } from './card-types.ts';

export function CardFacts({ card }: { card: FullCard }) {
  const t = useT();
  const lang = useStore(language);
  const place = locale(lang);
  return (
    <dl class="facts">
      <dt>{t('cardNumber.label')}</dt>
      <dd>
        <code>{card.cardNumber}</code>
      </dd>
      <dt>{t('card.cardType')}</dt>
      <dd>{t(`card.type.${card.cardType}`)}</dd>
      <dt>{t('card.statusLabel')}</dt>
      <dd class={`status-${card.status}`}>{t(`card.status.${card.status}`)}</dd>
      <dt>{t('card.validUntil')}</dt>
      <dd>{formatDate(card.validUntil, place)}</dd>
      {card.birthYear !== undefined && (
        <>
          <dt>{t('card.birthYear')}</dt>
          <dd>{card.birthYear}</dd>
        </>
      )}
      {card.postalCode && (
        <>
          <dt>{t('card.postalCode')}</dt>
          <dd>{card.postalCode}</dd>
        </>
      )}
      {card.minorChildren !== undefined && (
        <>
          <dt>{t('card.minorChildren')}</dt>
          <dd>{card.minorChildren}</dd>
        </>
      )}
      {card.gender && (
        <>
          <dt>{t('card.gender')}</dt>
          <dd>{t(keyFor('gender', card.gender, 'card.notGiven'))}</dd>
        </>
      )}
      {card.lifeSituation && (
        <>
          <dt>{t('card.lifeSituation')}</dt>
          <dd>{t(keyFor('lifeSituation', card.lifeSituation, 'card.notGiven'))}</dd>
        </>
      )}
      <dt>{t('card.issuedAt')}</dt>
      <dd>{formatInstant(card.issuedAt, place)}</dd>
      <dt>{t('card.useCount')}</dt>
      <dd>{card.useCount}</dd>
      {card.lastUsedAt && (
        <>
          <dt>{t('card.lastUsedAt')}</dt>
          <dd>{formatInstant(card.lastUsedAt, place)}</dd>
        </>
      )}
      {card.replacedBy && (
        <>
          <dt>{t('card.replacedBy')}</dt>
          <dd>
            <Link href={cardPath(card.replacedBy)}>{card.replacedBy}</Link>
          </dd>
        </>
      )}
    </dl>
  );
}
