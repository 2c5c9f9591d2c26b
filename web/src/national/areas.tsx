// Every area, for the national centre: each opens on the same organisation pages the area's own admin
// uses (organisations, people, keys), so the centre can make a new area-admin key for an applicant who
// lost theirs, or help an area with its venues and distributors.
import { api } from '../api.ts';
import { municipalitiesByCode } from '../area/area-data.ts';
import { areaHome } from '../area/organisations.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatInstant } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { municipalityName } from '../pages/municipality-picker.tsx';
import { Link } from '../router.ts';
import { useStore } from '../store.ts';

export function Areas() {
  const t = useT();
  const lang = useStore(language);
  const list = useLoad(async () => {
    const [areas, names] = await Promise.all([
      api('GET', '/v1/areas', { query: { limit: '500' } }),
      municipalitiesByCode(),
    ]);
    return { areas: areas.items, names };
  }, []);
  const areas = list.data?.areas ?? [];
  return (
    <section>
      <h1 tabIndex={-1}>{t('nationalAreas.title')}</h1>
      <p>{t('nationalAreas.intro')}</p>
      <p class="hint">{t('nationalAreas.lostKeyHint')}</p>
      <ErrorMessage error={list.error} />
      {areas.length === 0 && !list.loading && !list.error && <p>{t('nationalAreas.none')}</p>}
      <div class="report-table">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('orgs.name')}</th>
              <th scope="col">{t('nationalAreas.municipalities')}</th>
              <th scope="col">{t('orgs.status')}</th>
              <th scope="col">{t('nationalAreas.joined')}</th>
            </tr>
          </thead>
          <tbody>
            {areas.map((area) => (
              <tr key={area.id}>
                <td>
                  <Link href={areaHome(area.id)}>{area.name}</Link>
                </td>
                <td>
                  {area.municipalityCodes
                    .map((code) => {
                      const municipality = list.data?.names.get(code);
                      return municipality ? municipalityName(municipality, lang) : code;
                    })
                    .join(', ')}
                </td>
                <td>{t(`orgs.status.${area.status}`)}</td>
                <td>{formatInstant(area.createdAt, locale(lang))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
