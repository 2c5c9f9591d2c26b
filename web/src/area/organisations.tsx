// An area's organisations: its distributors and venues, and a form to add one. The area admin sees their
// own area under /area; the national centre sees any area's under /national/areas/<areaId> (same page).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field, Select } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { language, useT } from '../i18n/i18n.ts';
import { municipalityName } from '../pages/municipality-picker.tsx';
import { Link } from '../router.ts';
import { requireSession } from '../session.ts';
import { useStore } from '../store.ts';
import { getArea, listOrganisations, municipalitiesByCode, type Organisation } from './area-data.ts';
import { NationalAreaHeader } from './national-area-header.tsx';

/** Where an area's pages are: the area admin's own under /area, any area's for the national centre. */
export const areaHome = (nationalAreaId?: string) =>
  nationalAreaId ? `/national/areas/${encodeURIComponent(nationalAreaId)}` : '/area';

export const organisationPath = (orgId: string, nationalAreaId?: string) =>
  `${areaHome(nationalAreaId)}/organisations/${encodeURIComponent(orgId)}`;

function NewOrganisation({ areaId, onCreated }: { areaId: string; onCreated: () => void }) {
  const t = useT();
  const lang = useStore(language);
  const area = useLoad(async () => {
    const [details, names] = await Promise.all([getArea(areaId), municipalitiesByCode()]);
    return details.municipalityCodes.map((code) => {
      const municipality = names.get(code);
      return {
        value: code,
        label: municipality ? `${municipalityName(municipality, lang)} (${code})` : code,
      };
    });
  }, [areaId, lang]);
  const [kind, setKind] = useState<'venue' | 'distributor'>('venue');
  const [name, setName] = useState('');
  const [municipalityCode, setMunicipalityCode] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [limit, setLimit] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const codes = area.data ?? [];
  const code = municipalityCode || codes[0]?.value || '';
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/v1/areas/{areaId}/organisations', {
        path: { areaId },
        body: {
          kind,
          name: name.trim(),
          municipalityCode: code,
          contactEmail: contactEmail.trim(),
          ...(kind === 'venue' && limit && { cardLimitPerDay: Number(limit) }),
        },
      });
      setName('');
      setContactEmail('');
      setLimit('');
      onCreated();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="new-org-title">
      <h2 id="new-org-title">{t('orgs.add')}</h2>
      <form class="form" onSubmit={submit}>
        <Select
          label={t('orgs.kind')}
          value={kind}
          onValue={(value) => setKind(value === 'distributor' ? 'distributor' : 'venue')}
          options={[
            { value: 'venue', label: t('kind.venue') },
            { value: 'distributor', label: t('kind.distributor') },
          ]}
        />
        <Field label={t('orgs.name')} required maxLength={200} value={name} onValue={setName} />
        <Select
          label={t('orgs.municipality')}
          value={code}
          onValue={setMunicipalityCode}
          options={codes}
          required
        />
        <Field
          label={t('orgs.contactEmail')}
          type="email"
          required
          value={contactEmail}
          onValue={setContactEmail}
        />
        {kind === 'venue' && (
          <Field
            label={t('orgs.cardLimitPerDay')}
            type="number"
            min={1}
            max={100}
            value={limit}
            onValue={setLimit}
            hint={t('orgs.cardLimitHint')}
          />
        )}
        <button type="submit" class="primary" disabled={busy || !code}>
          {t('orgs.create')}
        </button>
      </form>
      <ErrorMessage error={area.error ?? error} />
    </section>
  );
}

/** `nationalAreaId`: the area the national centre opened; without it, the area admin's own area. */
export function Organisations({ nationalAreaId }: { readonly nationalAreaId?: string } = {}) {
  const t = useT();
  const areaId = nationalAreaId ?? requireSession().areaId;
  const list = useLoad(() => listOrganisations(areaId ?? ''), [areaId]);
  const items: readonly Organisation[] = list.data?.items ?? [];
  return (
    <section>
      <h1 tabIndex={-1}>{t('orgs.title')}</h1>
      {nationalAreaId && <NationalAreaHeader areaId={nationalAreaId} />}
      <ErrorMessage error={list.error} />
      {/* Fixed columns that wrap: the table fits a phone without sideways scrolling. */}
      <div class="report-table">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('orgs.name')}</th>
              <th scope="col">{t('orgs.kind')}</th>
              <th scope="col">{t('orgs.municipality')}</th>
              <th scope="col">{t('orgs.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((organisation) => (
              <tr key={organisation.id}>
                <td>
                  <Link href={organisationPath(organisation.id, nationalAreaId)}>{organisation.name}</Link>
                </td>
                <td>{t(`kind.${organisation.kind}`)}</td>
                <td>{organisation.municipalityCode ?? '–'}</td>
                <td>{t(`orgs.status.${organisation.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {areaId && <NewOrganisation areaId={areaId} onCreated={list.reload} />}
    </section>
  );
}
