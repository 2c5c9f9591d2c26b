// The card number as it is typed, checked against its check character on every keystroke with the
// service's own rules (shared/contract/card-number-check.ts): a typo shows before anything is asked of the API.
import type { Ref } from 'preact';
import { useId } from 'preact/hooks';
import { cardNumberLength, parseCardNumber } from '../../../shared/contract/card-number-check.ts';
import { useT } from '../i18n/i18n.ts';

export type CardNumberState =
  | { readonly kind: 'empty' | 'incomplete' }
  | { readonly kind: 'valid'; readonly cardNumber: string }
  | { readonly kind: 'invalid'; readonly problem: 'length' | 'character' | 'check' };

export function cardNumberState(input: string): CardNumberState {
  const typed = input.replace(/[\s-]/g, '').length;
  if (typed === 0) return { kind: 'empty' };
  const parsed = parseCardNumber(input);
  if ('cardNumber' in parsed) return { kind: 'valid', cardNumber: parsed.cardNumber };
  if (parsed.problem === 'character') return { kind: 'invalid', problem: 'character' };
  if (typed < cardNumberLength) return { kind: 'incomplete' };
  return { kind: 'invalid', problem: parsed.problem };
}

interface CardNumberFieldProps {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly inputRef?: Ref<HTMLInputElement>;
  readonly label?: string;
}

export function CardNumberField({ value, onValue, inputRef, label }: CardNumberFieldProps) {
  const t = useT();
  const id = useId();
  const state = cardNumberState(value);
  return (
    <div class="field card-number">
      <label for={id}>{label ?? t('cardNumber.label')}</label>
      <input
        id={id}
        ref={inputRef}
        value={value}
        autoComplete="off"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={20}
        aria-invalid={state.kind === 'invalid' ? 'true' : undefined}
        aria-describedby={`${id}-state`}
        onInput={(event) => onValue(event.currentTarget.value)}
      />
      <p id={`${id}-state`} class={state.kind === 'invalid' ? 'problem' : 'hint'} aria-live="polite">
        {state.kind === 'invalid'
          ? t(`cardNumber.problem.${state.problem}`)
          : state.kind === 'valid'
            ? t('cardNumber.valid', { cardNumber: state.cardNumber })
            : t('cardNumber.hint')}
      </p>
    </div>
  );
}
