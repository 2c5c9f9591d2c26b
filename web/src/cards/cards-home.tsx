// The distributor's start: find a card by its number, or register a new one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CardNumberField, cardNumberState } from '../components/card-number-field.tsx';
import { useT } from '../i18n/i18n.ts';
import { Link, navigate } from '../router.ts';
import { cardPath } from './card-types.ts';

export function CardsHome() {
  const t = useT();
  const [number, setNumber] = useState('');
  const parsed = cardNumberState(number);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <section>
      <h1 tabIndex={-1}>{t('cards.title')}</h1>
      <form
        class="form narrow"
        onSubmit={(event) => {
          event.preventDefault();
          if (parsed.kind === 'valid') navigate(cardPath(parsed.cardNumber));
        }}
      >
        <CardNumberField value={number} onValue={setNumber} inputRef={input} />
        <button type="submit" class="primary" disabled={parsed.kind !== 'valid'}>
          {t('cards.open')}
        </button>
      </form>
      <p>
        <Link href="/cards/new">{t('cards.registerNew')}</Link>
      </p>
      <p>
        <Link href="/cards/list">{t('cardList.title')}</Link>
      </p>
    </section>
  );
}
