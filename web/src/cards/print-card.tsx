// The print view of a card: its number and validity, large, its QR code (the number only, for the desk's
// camera), and no personal data at all.
import { ErrorMessage } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatDate } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { CardQr } from '../qr/card-qr.tsx';
import { Link } from '../router.ts';
import { useStore } from '../store.ts';
import { getFullCard } from './card-types.ts';

export function PrintCard({ cardNumber }: { cardNumber: string }) {
  const t = useT();
  const lang = useStore(language);
  const loaded = useLoad(() => getFullCard(cardNumber), [cardNumber]);
  const card = loaded.data;
  return (
    <section>
      <h1 tabIndex={-1} class="no-print">
        {t('print.title')}
      </h1>
      <ErrorMessage error={loaded.error} />
      {card && (
        <>
          <div class="printed-card">
            <p class="printed-brand">Kaikukortti</p>
            <p class="printed-number">{card.cardNumber}</p>
            <p>
              {t('print.validUntil')} {formatDate(card.validUntil, locale(lang))}
            </p>
            <p class="printed-type">{t(`card.type.${card.cardType}`)}</p>
            <CardQr cardNumber={card.cardNumber} />
          </div>
          <p class="no-print hint">{t('qr.printNote')}</p>
          <p class="no-print">
            <button type="button" class="primary" onClick={() => print()}>
              {t('print.print')}
            </button>{' '}
            <Link href={`/cards/${encodeURIComponent(card.cardNumber)}`}>{t('print.back')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
