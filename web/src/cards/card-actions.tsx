// What a distributor does to a card: correct the holder data (PATCH), renew, replace a lost card, revoke.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
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

/** A second step before an action that cannot be undone: what will happen, confirm or cancel (focus kept). */
function Confirm({
  text,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
}: {
  text: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
}) {
  const t = useT();
  const confirmButton = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => confirmButton.current?.focus(), []);
  return (
    <div class="confirm">
      <p>{text}</p>
      <button type="button" class="danger" ref={confirmButton} disabled={busy} onClick={onConfirm}>
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

export function ReplaceCard({ card }: ActionProps) {
  const t = useT();
  const action = useAction();
  const [number, setNumber] = useState('');
  const [confirming, setConfirming] = useState(false);
  const submitButton = useRef<HTMLButtonElement>(null);
  const parsed = cardNumberState(number);
  const replace = () =>
    void action.run(async () => {
      const body = parsed.kind === 'valid' ? { newCardNumber: parsed.cardNumber } : {};
      const replacement = await api('POST', '/v1/cards/{cardNumber}/replace', { path: path(card), body });
      navigate(`${cardPath(replacement.cardNumber)}?replaced=1`);
      return undefined;
    });
  return (
    <section aria-labelledby="replace-title">
      <h2 id="replace-title">{t('card.replace')}</h2>
      <p>{t('card.replaceHint')}</p>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          setConfirming(true);
        }}
      >
        <CardNumberField value={number} onValue={setNumber} label={t('card.newNumber')} />
        <button
          type="submit"
          ref={submitButton}
          disabled={action.busy || confirming || !(parsed.kind === 'empty' || parsed.kind === 'valid')}
        >
          {t('card.replaceSubmit')}
        </button>
      </form>
      {confirming && (
        <Confirm
          text={t('card.confirmReplace', { cardNumber: card.cardNumber })}
          confirmLabel={t('card.confirmReplaceSubmit')}
          busy={action.busy}
          onConfirm={replace}
          onCancel={() => {
            setConfirming(false);
            requestAnimationFrame(() => submitButton.current?.focus());
          }}
        />
      )}
      <ErrorMessage error={action.error} />
    </section>
  );
}

type Reason = 'lost' | 'misuse' | 'other';
const reasons: readonly Reason[] = ['lost', 'misuse', 'other'];
const isReason = (value: string): value is Reason => (reasons as readonly string[]).includes(value);

export function RevokeCard({ card, onChanged }: ActionProps) {
  const t = useT();
  const action = useAction();
  // No reason is chosen for the distributor: a revocation says why, and the why is theirs to pick.
  const [reason, setReason] = useState<Reason | ''>('');
  const [confirming, setConfirming] = useState(false);
  const submitButton = useRef<HTMLButtonElement>(null);
  const revoke = () =>
    void action.run(async () => {
      if (!reason) return undefined;
      onChanged(await api('POST', '/v1/cards/{cardNumber}/revoke', { path: path(card), body: { reason } }));
      setConfirming(false);
      return 'card.revoked';
    });
  return (
    <section aria-labelledby="revoke-title">
      <h2 id="revoke-title">{t('card.revoke')}</h2>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (reason) setConfirming(true);
        }}
      >
        <Select
          label={t('card.revokeReason')}
          value={reason}
          required
          onValue={(value) => {
            setReason(isReason(value) ? value : '');
            setConfirming(false);
          }}
          options={[
            { value: '', label: t('card.chooseReason') },
            ...reasons.map((value) => ({ value, label: t(`card.reason.${value}`) })),
          ]}
        />
        {reason === 'lost' && <p class="hint">{t('card.lostHint')}</p>}
        <button
          type="submit"
          class="danger"
          ref={submitButton}
          disabled={action.busy || !reason || confirming || card.status === 'revoked'}
        >
          {t('card.revokeSubmit')}
        </button>
      </form>
      {confirming && reason && (
        <Confirm
          text={t('card.confirmRevoke', { cardNumber: card.cardNumber, reason: t(`card.reason.${reason}`) })}
          confirmLabel={t('card.confirmRevokeSubmit')}
          busy={action.busy}
          onConfirm={revoke}
          onCancel={() => {
            setConfirming(false);
            requestAnimationFrame(() => submitButton.current?.focus());
          }}
        />
      )}
      <ErrorMessage error={action.error} />
      {action.done && <Notice>{t(action.done)}</Notice>}
    </section>
  );
}
