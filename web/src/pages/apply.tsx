// A municipality (or several, with their welfare area) applies to join: POST /v1/applications, no key.
// The welfare area follows from the municipalities chosen; the answer's claim token fetches the key later.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { keyFor, language, type Translate, useT } from '../i18n/i18n.ts';
import { Link } from '../router.ts';
import { MunicipalityPicker } from './municipality-picker.tsx';

interface Contact {
  name: string;
  email: string;
  phone: string;
}
const noContact: Contact = { name: '', email: '', phone: '' };

export const statusLink = (id: string, claimToken: string) =>
  `/apply/status#${new URLSearchParams({ id, token: claimToken }).toString()}`;

export const welfareAreaName = (t: Translate, code: string) =>
  t(keyFor('welfareArea', code, 'apply.unknownArea'));

function ContactFields(props: {
  which: 'culture' | 'social';
  value: Contact;
  onChange: (c: Contact) => void;
}) {
  const t = useT();
  const { value, onChange } = props;
  return (
    <fieldset>
      <legend>{t(props.which === 'culture' ? 'apply.cultureContact' : 'apply.socialContact')}</legend>
      <Field
        label={t('apply.contactName')}
        required
        autoComplete="name"
        value={value.name}
        onValue={(name) => onChange({ ...value, name })}
      />
      <Field
        label={t('apply.contactEmail')}
        type="email"
        required
        autoComplete="email"
        value={value.email}
        onValue={(email) => onChange({ ...value, email })}
      />
      <Field
        label={t('apply.contactPhone')}
        type="tel"
        autoComplete="tel"
        value={value.phone}
        onValue={(phone) => onChange({ ...value, phone })}
      />
    </fieldset>
  );
}

const contactBody = (contact: Contact) => ({
  name: contact.name.trim(),
  email: contact.email.trim(),
  ...(contact.phone.trim() && { phone: contact.phone.trim() }),
});

export function Apply() {
  const t = useT();
  const list = useLoad(() => api('GET', '/v1/municipalities', { anonymous: true }), []);
  const [areaName, setAreaName] = useState('');
  const [codes, setCodes] = useState<string[]>([]);
  const [culture, setCulture] = useState(noContact);
  const [social, setSocial] = useState(noContact);
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<{ id: string; claimToken: string }>();
  const [busy, setBusy] = useState(false);
  const municipalities = list.data?.items ?? [];
  const areas = [
    ...new Set(codes.map((code) => municipalities.find((m) => m.code === code)?.welfareArea ?? '')),
  ];
  const welfareArea = areas.length === 1 ? areas[0] : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!welfareArea) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        areaName: areaName.trim(),
        municipalityCodes: codes,
        welfareArea,
        contacts: { culture: contactBody(culture), social: contactBody(social) },
        // The decision is e-mailed in the language the applicant used.
        language: language.get(),
      };
      setSent(await api('POST', '/v1/applications', { body, anonymous: true }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    const link = `${location.origin}${statusLink(sent.id, sent.claimToken)}`;
    return (
      <section>
        <h1 tabIndex={-1}>{t('apply.sentTitle')}</h1>
        <p role="status">{t('apply.sent')}</p>
        <dl class="facts">
          <dt>{t('apply.applicationId')}</dt>
          <dd>
            <code>{sent.id}</code>
          </dd>
          <dt>{t('apply.claimToken')}</dt>
          <dd>
            <code class="secret-value">{sent.claimToken}</code> <CopyButton text={sent.claimToken} />
          </dd>
        </dl>
        <p class="warning">{t('apply.keepToken')}</p>
        <p>
          <Link href={statusLink(sent.id, sent.claimToken)}>{t('apply.followLink')}</Link>{' '}
          <CopyButton text={link} label={t('apply.copyLink')} />
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1 tabIndex={-1}>{t('apply.title')}</h1>
      <p>{t('apply.intro')}</p>
      <ErrorMessage error={list.error} />
      <form onSubmit={submit} class="form">
        <Field label={t('apply.areaName')} required value={areaName} onValue={setAreaName} maxLength={200} />
        <MunicipalityPicker municipalities={municipalities} chosen={codes} onChange={setCodes} />
        <p class={areas.length > 1 ? 'problem' : 'hint'} aria-live="polite">
          {codes.length === 0
            ? t('apply.chooseMunicipalities')
            : welfareArea
              ? t('apply.welfareArea', { name: welfareAreaName(t, welfareArea) })
              : t('apply.manyWelfareAreas')}
        </p>
        <ContactFields which="culture" value={culture} onChange={setCulture} />
        <ContactFields which="social" value={social} onChange={setSocial} />
        <button type="submit" class="primary" disabled={busy || !welfareArea}>
          {t('apply.submit')}
        </button>
      </form>
      <ErrorMessage error={error} />
    </section>
  );
}
