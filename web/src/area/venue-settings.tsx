// The area admin changes an organisation's name, and a venue's daily limit per card (PATCH
// /v1/organisations/{orgId}). Only what changed is sent; the answer says what is now stored.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useT } from '../i18n/i18n.ts';
import type { Organisation } from './area-data.ts';

const limitProblem = (text: string): 'venueReport.limitProblem' | undefined => {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= 100 ? undefined : 'venueReport.limitProblem';
};

export function VenueSettings({
  organisation,
  onChanged,
}: {
  readonly organisation: Organisation;
  readonly onChanged: () => void;
}) {
  const t = useT();
  const isVenue = organisation.kind === 'venue';
  const storedLimit = organisation.cardLimitPerDay === undefined ? '' : String(organisation.cardLimitPerDay);
  const [name, setName] = useState(organisation.name);
  const [limit, setLimit] = useState(storedLimit);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const answer = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (saved || error) answer.current?.focus();
  }, [saved, error]);
  const problem = isVenue ? limitProblem(limit) : undefined;
  const changes = {
    ...(name.trim() !== organisation.name && { name: name.trim() }),
    ...(isVenue && limit.trim() !== storedLimit && limit.trim() !== '' && { cardLimitPerDay: Number(limit) }),
  };
  const unchanged = Object.keys(changes).length === 0;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (unchanged || problem || name.trim() === '' || busy) return;
    setBusy(true);
    setSaved(false);
    setError(undefined);
    try {
      await api('PATCH', '/v1/organisations/{orgId}', { path: { orgId: organisation.id }, body: changes });
      setSaved(true);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">{t('venueReport.settingsTitle')}</h2>
      <form class="form narrow" onSubmit={submit}>
        <Field
          label={t('venueReport.name')}
          required
          maxLength={200}
          value={name}
          onValue={(value) => {
            setName(value);
            setSaved(false);
          }}
        />
        {isVenue && (
          <Field
            label={t('venueReport.limit')}
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            value={limit}
            onValue={(value) => {
              setLimit(value);
              setSaved(false);
            }}
            hint={t(storedLimit === '' ? 'venueReport.limitHintNone' : 'venueReport.limitHint')}
            problem={problem && t(problem)}
          />
        )}
        <div ref={answer} tabIndex={-1} class="desk-outcome">
          {saved && <Notice>{t('venueReport.saved')}</Notice>}
          <ErrorMessage error={error} />
        </div>
        <button
          type="submit"
          class="primary"
          disabled={unchanged || Boolean(problem) || name.trim() === '' || busy}
        >
          {t('venueReport.save')}
        </button>
      </form>
    </section>
  );
}
