// A labelled input with its hint and its problem, tied together for screen readers.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useId } from 'preact/hooks';

/** The input attributes the app's forms use. */
interface InputAttributes {
  readonly type?: 'text' | 'email' | 'tel' | 'password' | 'number' | 'date';
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly spellcheck?: boolean;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly inputMode?: 'numeric' | 'text' | 'email' | 'tel';
}

interface FieldProps extends InputAttributes {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly hint?: ComponentChildren;
  readonly problem?: string | undefined;
}

export function Field({ label, value, onValue, hint, problem, ...input }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        // Preact's types tell inputs apart by their type; these attributes suit every type used here.
        {...(input as InputHTMLAttributes<HTMLInputElement>)}
        id={id}
        value={value}
        onInput={(event) => onValue(event.currentTarget.value)}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {problem && (
        <p class="problem" id={`${id}-problem`}>
          {problem}
        </p>
      )}
    </div>
  );
}

interface SelectProps {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly options: readonly { readonly value: string; readonly label: string }[];
  readonly required?: boolean;
}

export function Select({ label, value, onValue, options, required }: SelectProps) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        required={required}
        onChange={(event) => onValue(event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
