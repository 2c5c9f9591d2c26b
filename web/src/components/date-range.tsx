// From and to, as dates; 30 days back to today unless changed.
import { helsinkiToday } from '../dates.ts';
import { useT } from '../i18n/i18n.ts';
import { Field } from './field.tsx';

export interface Range {
  readonly from: string;
  readonly to: string;
}

export function lastDays(days: number, now = new Date()): Range {
  const to = helsinkiToday(now);
  const from = new Date(`${to}T12:00:00Z`);
  from.setUTCDate(from.getUTCDate() - days);
  return { from: from.toISOString().slice(0, 10), to };
}

export function DateRange({ value, onChange }: { value: Range; onChange: (range: Range) => void }) {
  const t = useT();
  return (
    <div class="range">
      <Field
        label={t('range.from')}
        type="date"
        required
        value={value.from}
        onValue={(from) => from && onChange({ ...value, from })}
      />
      <Field
        label={t('range.to')}
        type="date"
        required
        value={value.to}
        onValue={(to) => to && onChange({ ...value, to })}
      />
    </div>
  );
}
