// The venue's own public profile: what a card holder gets there, in Finnish (and Swedish and English if
// the venue writes them), its sectors, address, website and accessibility; published or not. The page
// says whether the public directory lists it now, and if the area's admin has hidden it.
import { useEffect, useId, useState } from 'preact/hooks';
import { ApiFailure, api, type Schema } from '../api.ts';
import { ErrorMessage, Notice } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { requireSession } from '../session.ts';

type Profile = Schema<'VenueProfile'>;
const sectors = ['culture', 'education', 'science', 'sport'] as const;
type Sector = (typeof sectors)[number];
const languages = ['fi', 'sv', 'en'] as const;
type Texts = Record<(typeof languages)[number], string>;

interface Draft {
  published: boolean;
  sectors: Sector[];
  offer: Texts;
  accessibility: Texts;
  address: string;
  postalCode: string;
  website: string;
}

const textsOf = (value: { fi: string; sv?: string; en?: string } | undefined): Texts => ({
  fi: value?.fi ?? '',
  sv: value?.sv ?? '',
  en: value?.en ?? '',
});

const draftOf = (profile: Profile): Draft => ({
  published: profile.published,
  sectors: [...profile.sectors],
  offer: textsOf(profile.offer),
  accessibility: textsOf(profile.accessibility),
  address: profile.address ?? '',
  postalCode: profile.postalCode ?? '',
  website: profile.website ?? '',
});

/** Every free text is one line for the service: line breaks typed in a box become spaces. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

function localised(texts: Texts): { fi: string; sv?: string; en?: string } | undefined {
  const fi = oneLine(texts.fi);
  if (!fi) return undefined;
  const sv = oneLine(texts.sv);
  const en = oneLine(texts.en);
  return { fi, ...(sv && { sv }), ...(en && { en }) };
}

function TextArea(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  required?: boolean;
  problem?: string | undefined;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={1000}
        required={props.required}
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={props.problem ? `${id}-problem` : undefined}
      />
      {props.problem && (
        <p class="problem" id={`${id}-problem`}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

export function VenueProfile() {
  const t = useT();
  const { orgId } = requireSession();
  const loaded = useLoad(() => api('GET', '/v1/organisations/{orgId}/profile', { path: { orgId } }), [orgId]);
  const [draft, setDraft] = useState<Draft>();
  const [saved, setSaved] = useState<Profile>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (loaded.data) setDraft(draftOf(loaded.data));
  }, [loaded.data]);
  const current = saved ?? loaded.data;
  const problemOf = (field: string) =>
    error instanceof ApiFailure ? error.details.find((detail) => detail.field === field)?.problem : undefined;

  const save = async (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    setError(undefined);
    setSaved(undefined);
    const offer = localised(draft.offer);
    const accessibility = localised(draft.accessibility);
    setSaving(true);
    try {
      const answer = await api('PUT', '/v1/organisations/{orgId}/profile', {
        path: { orgId },
        body: {
          published: draft.published,
          sectors: draft.sectors,
          offer: offer ?? { fi: '' },
          ...(accessibility && { accessibility }),
          ...(oneLine(draft.address) && { address: oneLine(draft.address) }),
          ...(draft.postalCode.trim() && { postalCode: draft.postalCode.trim() }),
          ...(draft.website.trim() && { website: draft.website.trim() }),
        },
      });
      setSaved(answer);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const set = (change: Partial<Draft>) => draft && setDraft({ ...draft, ...change });
  const toggleSector = (sector: Sector, on: boolean) =>
    draft &&
    set({ sectors: on ? [...draft.sectors, sector] : draft.sectors.filter((other) => other !== sector) });

  return (
    <section>
      <h1 tabIndex={-1}>{t('profile.title')}</h1>
      <p>{t('profile.intro')}</p>
      <ErrorMessage error={loaded.error} />
      {current && (
        <p class={current.listed ? 'notice' : 'warning'}>
          {current.hiddenByArea
            ? t('profile.hiddenByArea')
            : current.listed
              ? t('profile.listed')
              : t('profile.notListed')}{' '}
          <Link href="/venues">{t('profile.seePublic')}</Link>
        </p>
      )}
      {draft && (
        <form onSubmit={(event) => void save(event)} noValidate>
          <div class="field checkbox">
            <input
              id="profile-published"
              type="checkbox"
              checked={draft.published}
              onChange={(event) => set({ published: event.currentTarget.checked })}
            />
            <label for="profile-published">{t('profile.published')}</label>
          </div>
          <fieldset aria-describedby={problemOf('sectors') ? 'profile-sectors-problem' : undefined}>
            <legend>{t('profile.sectors')}</legend>
            {sectors.map((sector) => (
              <div class="field checkbox" key={sector}>
                <input
                  id={`profile-sector-${sector}`}
                  type="checkbox"
                  checked={draft.sectors.includes(sector)}
                  onChange={(event) => toggleSector(sector, event.currentTarget.checked)}
                />
                <label for={`profile-sector-${sector}`}>{t(`sector.${sector}`)}</label>
              </div>
            ))}
            {problemOf('sectors') && (
              <p class="problem" id="profile-sectors-problem">
                {t('profile.sectorsProblem')}
              </p>
            )}
          </fieldset>
          <fieldset>
            <legend>{t('profile.offer')}</legend>
            {languages.map((lang) => (
              <TextArea
                key={lang}
                label={t(`profile.in.${lang}`)}
                value={draft.offer[lang]}
                required={lang === 'fi'}
                problem={problemOf(`offer.${lang}`)}
                onValue={(value) => set({ offer: { ...draft.offer, [lang]: value } })}
              />
            ))}
          </fieldset>
          <Field
            label={t('profile.address')}
            value={draft.address}
            onValue={(address) => set({ address })}
            autoComplete="street-address"
            maxLength={200}
            problem={problemOf('address')}
          />
          <Field
            label={t('profile.postalCode')}
            value={draft.postalCode}
            onValue={(postalCode) => set({ postalCode })}
            inputMode="numeric"
            autoComplete="postal-code"
            maxLength={5}
            problem={problemOf('postalCode')}
          />
          <Field
            label={t('profile.website')}
            hint={t('profile.websiteHint')}
            value={draft.website}
            onValue={(website) => set({ website })}
            autoComplete="url"
            spellcheck={false}
            problem={problemOf('website')}
          />
          <fieldset>
            <legend>{t('profile.accessibility')}</legend>
            {languages.map((lang) => (
              <TextArea
                key={lang}
                label={t(`profile.in.${lang}`)}
                value={draft.accessibility[lang]}
                problem={problemOf(`accessibility.${lang}`)}
                onValue={(value) => set({ accessibility: { ...draft.accessibility, [lang]: value } })}
              />
            ))}
          </fieldset>
          <ErrorMessage error={error} />
          {saved && <Notice>{saved.listed ? t('profile.savedListed') : t('profile.savedNotListed')}</Notice>}
          <button type="submit" class="primary" disabled={saving}>
            {t('profile.save')}
          </button>
        </form>
      )}
    </section>
  );
}
