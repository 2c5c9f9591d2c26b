// What a distributor does to a card: correct the holder data (PATCH), renew, replace a lost card, revoke.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CardNumberField, cardNumberState } from '../components/card-number-field.tsx';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { Select } from '../components/field.tsx';
import { type MessageKey, useT } from '../i18n/i18n.ts';
import { navigate } from '../router.ts';
import { cardPath, type FullCard } from './card-types.ts';
import { type Holder, HolderFields, postalCodeProblem } from './holder-fields.tsx';

interface ActionProps {
  readonly card: FullCard;
  readonly onChanged: (card: FullCard) => void;
}

const path = (card: FullCard) => ({ cardNumber: card.cardNumber });

/** One action's form: its button, its error and its success line. */
function useAction() {
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<MessageKey>();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<MessageKey | undefined>) => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      setDone(await work());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { error, done, busy, run };
}

export function CorrectCard({ card, onChanged }: ActionProps) {
  const t = useT();
  const action = useAction();
  const [holder, setHolder] = useState<Holder>({
    birthYear: String(card.birthYear ?? ''),
    postalCode: card.postalCode ?? '',
    minorChildren: card.minorChildren ?? 0,
    gender: card.gender ?? '',
    lifeSituation: card.lifeSituation ?? '',
  });
  const save = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = {
        postalCode: holder.postalCode,
        minorChildren: holder.minorChildren,
        ...(holder.gender && { gender: holder.gender }),
        ...(holder.lifeSituation && { lifeSituation: holder.lifeSituation }),
      };
      onChanged(await api('PATCH', '/v1/cards/{cardNumber}', { path: path(card), body }));
      return 'card.corrected';
    });
  };
  return (
    <section aria-labelledby="correct-title">
      <h2 id="correct-title">{t('card.correct')}</h2>
      <form class="form" onSubmit={save}>
        <HolderFields value={holder} onChange={setHolder} withBirthYear={false} />
        <button type="submit" disabled={action.busy || postalCodeProblem(holder.postalCode) !== undefined}>
          {t('card.saveCorrection')}
        </button>
      </form>
      <ErrorMessage error={action.error} />
      {action.done && <Notice>{t(action.done)}</Notice>}
    </section>
  );
}

export function RenewCard({ card, onChanged }: ActionProps) {
  const t = useT();
  const action = useAction();
  return (
    <section aria-labelledby="renew-title">
      <h2 id="renew-title">{t('card.renew')}</h2>
      <p>{t('card.renewHint')}</p>
      <button
        type="button"
        disabled={action.busy || card.status === 'revoked'}
        onClick={() =>
          void action.run(async () => {
            onChanged(await api('POST', '/v1/cards/{cardNumber}/renew', { path: path(card), body: {} }));
            return 'card.renewed';
          })
        }
      >
        {t('card.renew')}
      </button>
      <ErrorMessage error={action.error} />
      {action.done && <Notice>{t(action.done)}</Notice>}
    </section>
  );
}

export function ReplaceCard({ card }: ActionProps) {
  const t = useT();
  const action = useAction();
  const [number, setNumber] = useState('');
  const parsed = cardNumberState(number);
  const replace = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const body = parsed.kind === 'valid' ? { newCardNumber: parsed.cardNumber } : {};
      const replacement = await api('POST', '/v1/cards/{cardNumber}/replace', { path: path(card), body });
      navigate(`${cardPath(replacement.cardNumber)}?replaced=1`);
      return undefined;
    });
  };
  return (
    <section aria-labelledby="replace-title">
      <h2 id="replace-title">{t('card.replace')}</h2>
      <p>{t('card.replaceHint')}</p>
      <form class="form" onSubmit={replace}>
        <CardNumberField value={number} onValue={setNumber} label={t('card.newNumber')} />
        <button type="submit" disabled={action.busy || !(parsed.kind === 'empty' || parsed.kind === 'valid')}>
          {t('card.replaceSubmit')}
        </button>
      </form>
      <ErrorMessage error={action.error} />
    </section>
  );
}

export function RevokeCard({ card, onChanged }: ActionProps) {
  const t = useT();
  const action = useAction();
  const [reason, setReason] = useState<'lost' | 'misuse' | 'other'>('misuse');
  const revoke = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      onChanged(await api('POST', '/v1/cards/{cardNumber}/revoke', { path: path(card), body: { reason } }));
      return 'card.revoked';
    });
  };
  return (
    <section aria-labelledby="revoke-title">
      <h2 id="revoke-title">{t('card.revoke')}</h2>
      <form class="form" onSubmit={revoke}>
        <Select
          label={t('card.revokeReason')}
          value={reason}
          onValue={(value) => setReason(value === 'lost' || value === 'other' ? value : 'misuse')}
          options={(['lost', 'misuse', 'other'] as const).map((value) => ({
            value,
            label: t(`card.reason.${value}`),
          }))}
        />
        {reason === 'lost' && <p class="hint">{t('card.lostHint')}</p>}
        <button type="submit" class="danger" disabled={action.busy}>
          {t('card.revokeSubmit')}
        </button>
      </form>
      <ErrorMessage error={action.error} />
      {action.done && <Notice>{t(action.done)}</Notice>}
    </section>
  );
}
