// A number from min to max, changed with − and + (or typed): counting children at the door. At a limit
// its button says so (aria-disabled) but stays focusable: a disabled button would drop the keyboard's
// focus to the page just as the count reaches the card's allowance.
import { useId } from 'preact/hooks';

interface StepperProps {
  readonly label: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly onChange: (value: number) => void;
  readonly decreaseLabel: string;
  readonly increaseLabel: string;
}

export function Stepper({ label, value, min, max, onChange, decreaseLabel, increaseLabel }: StepperProps) {
  const id = useId();
  const set = (next: number) => onChange(Math.min(max, Math.max(min, next)));
  return (
    <div class="field stepper">
      <label for={id}>{label}</label>
      <div class="stepper-row">
        <button
          type="button"
          aria-label={decreaseLabel}
          aria-disabled={value <= min ? 'true' : undefined}
          onClick={() => value > min && set(value - 1)}
        >
          −
        </button>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={value}
          onInput={(event) => {
            const typed = Number(event.currentTarget.value);
            if (Number.isInteger(typed)) set(typed);
          }}
        />
        <button
          type="button"
          aria-label={increaseLabel}
          aria-disabled={value >= max ? 'true' : undefined}
          onClick={() => value < max && set(value + 1)}
        >
          +
        </button>
      </div>
    </div>
  );
}
