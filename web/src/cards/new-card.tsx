// Registering a card for a client (POST /v1/cards): a personal card with the holder's few facts, or a
// community card without any. The printed card's number may be typed; without it the service makes one.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CardNumberField, cardNumberState } from '../components/card-number-field.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { useT } from '../i18n/i18n.ts';
import { navigate } from '../router.ts';
import { cardPath } from './card-types.ts';
import { type Holder, HolderFields, noHolder } from './holder-fields.tsx';

export function NewCard() {
  const t = useT();
  const [cardType, setCardType] = useState<'personal' | 'community'>('personal');
  const [number, setNumber] = useState('');
  const [holder, setHolder] = useState<Holder>(noHolder);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const parsed = cardNumberState(number);
  const numberOk = parsed.kind === 'empty' || parsed.kind === 'valid';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const cardNumber = parsed.kind === 'valid' ? { cardNumber: parsed.cardNumber } : {};
    const body =
      cardType === 'community'
        ? { cardType, ...cardNumber }
        : {
            cardType,
            ...cardNumber,
            birthYear: Number(holder.birthYear),
            postalCode: holder.postalCode,
            minorChildren: holder.minorChildren,
            ...(holder.gender && { gender: holder.gender }),
            ...(holder.lifeSituation && { lifeSituation: holder.lifeSituation }),
          };
    try {
      const card = await api('POST', '/v1/cards', { body });
      navigate(`${cardPath(card.cardNumber)}?registered=1`);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('newCard.title')}</h1>
      <p class="hint">{t('newCard.privacy')}</p>
      <form class="form" onSubmit={submit}>
        <fieldset>
          <legend>{t('card.cardType')}</legend>
          {(['personal', 'community'] as const).map((type) => (
            <label key={type} class="choice">
              <input
                type="radio"
                name="cardType"
                checked={cardType === type}
                onChange={() => setCardType(type)}
              />
              {t(`card.type.${type}`)}
            </label>
          ))}
        </fieldset>
        <CardNumberField value={number} onValue={setNumber} label={t('newCard.printedNumber')} />
        {cardType === 'personal' && <HolderFields value={holder} onChange={setHolder} withBirthYear />}
        <button type="submit" class="primary" disabled={busy || !numberOk}>
          {t('newCard.submit')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
