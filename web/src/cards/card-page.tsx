// One card for its distributor: its facts, the print view, and the actions its status allows.
import { useEffect, useState } from 'preact/hooks';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { CorrectCard, RenewCard, ReplaceCard, RevokeCard } from './card-actions.tsx';
import { CardFacts } from './card-facts.tsx';
import { type FullCard, getFullCard } from './card-types.ts';

export function CardPage({ cardNumber }: { cardNumber: string }) {
  const t = useT();
  const loaded = useLoad(() => getFullCard(cardNumber), [cardNumber]);
  const [card, setCard] = useState<FullCard>();
  useEffect(() => setCard(loaded.data), [loaded.data]);
  // A revoked card has no actions: the notice that it is done stands here, and takes the keyboard's focus
  // from the confirmation that went with them (components/focus-keeper.ts).
  const [revokedNow, setRevokedNow] = useState(false);
  const changed = (next: FullCard) => {
    if (next.status === 'revoked' && card?.status !== 'revoked') setRevokedNow(true);
    setCard(next);
  };
  const arrived = new URLSearchParams(location.search);
  return (
    <section>
      <h1 tabIndex={-1}>{t('card.title')}</h1>
      {arrived.has('registered') && <Notice>{t('card.registered')}</Notice>}
      {arrived.has('replaced') && <Notice>{t('card.replaced')}</Notice>}
      {revokedNow && <Notice>{t('card.revoked')}</Notice>}
      <ErrorMessage error={loaded.error} />
      {card && (
        <>
          <CardFacts card={card} />
          <p>
            <Link href={`/cards/${encodeURIComponent(card.cardNumber)}/print`}>{t('card.print')}</Link>
          </p>
          {card.status !== 'revoked' && (
            <div class="actions">
              {card.cardType === 'personal' && <CorrectCard card={card} onChanged={changed} />}
              <RenewCard card={card} onChanged={changed} />
              {card.status === 'active' && <ReplaceCard card={card} onChanged={changed} />}
              <RevokeCard card={card} onChanged={changed} />
            </div>
          )}
        </>
      )}
      <p>
        <Link href="/cards">{t('cards.title')}</Link>
      </p>
    </section>
  );
}
