// The figures of an area (area-admin: its own; the national centre: the country or any area) for a year,
// from GET /v1/stats/summary: the year's totals, and per month the uses by sector and adults and children.
import { useState } from 'preact/hooks';
import { api, type Schema } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field, Select } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { helsinkiToday, monthsOf } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { sectors } from '../roles.ts';
import { useSession } from '../session.ts';
import { useStore } from '../store.ts';
import { BarChart } from './bar-chart.tsx';

export type Summary = Schema<'Figures'>;

const summary = (from: string, to: string, areaId: string) =>
  api('GET', '/v1/stats/summary', { query: { from, to, ...(areaId && { areaId }) } });

async function yearFigures(year: number, areaId: string) {
  const today = helsinkiToday();
  const last = `${year}-12-31` < today ? `${year}-12-31` : today;
  const months = monthsOf(year, last);
  const [total, ...monthly] = await Promise.all([
    summary(`${year}-01-01`, last, areaId),
    ...months.map((month) => summary(month.from, month.to, areaId)),
  ]);
  return { total: total!, months: months.map((month, i) => ({ month: month.month, figures: monthly[i]! })) };
}

function AreaChoice({ value, onChange }: { value: string; onChange: (areaId: string) => void }) {
  const t = useT();
  const areas = useLoad(() => api('GET', '/v1/areas', { query: { limit: '500' } }), []);
  return (
    <Select
      label={t('figures.area')}
      value={value}
      onValue={onChange}
      options={[
        { value: '', label: t('figures.national') },
        ...(areas.data?.items ?? []).map((area) => ({ value: area.id, label: area.name })),
      ]}
    />
  );
}

export function Figures() {
  const t = useT();
  const lang = useStore(language);
  const current = useSession();
  const thisYear = Number(helsinkiToday().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [areaId, setAreaId] = useState('');
  const figures = useLoad(() => yearFigures(year, areaId), [year, areaId]);
  const number = new Intl.NumberFormat(locale(lang));
  const monthLabel = (month: string) =>
    new Date(`${month}-15T12:00:00Z`).toLocaleDateString(locale(lang), { month: 'short' });
  const data = figures.data;
  const categories = data?.months.map((month) => monthLabel(month.month)) ?? [];
  const totals: [string, number][] = data
    ? [
        [t('figures.uses'), data.total.uses],
        [t('figures.adultUses'), data.total.adultUses],
        [t('figures.childUses'), data.total.childUses],
        [t('figures.cardsRegistered'), data.total.cardsRegistered],
        [t('figures.cardsTakenIntoUse'), data.total.cardsTakenIntoUse],
        [t('figures.cardsActive'), data.total.cardsActive],
        [t('figures.municipalities'), data.total.municipalities],
      ]
    : [];
  return (
    <section>
      <h1 tabIndex={-1}>{t('figures.title')}</h1>
      <div class="range">
        {current?.role === 'admin' && <AreaChoice value={areaId} onChange={setAreaId} />}
        <Field
          label={t('figures.year')}
          type="number"
          min={2015}
          max={thisYear}
          value={String(year)}
          onValue={(value) => {
            const chosen = Number(value);
            if (Number.isInteger(chosen) && chosen >= 2015 && chosen <= thisYear) setYear(chosen);
          }}
        />
      </div>
      <ErrorMessage error={figures.error} />
      {figures.loading && <p class="hint">{t('common.loading')}</p>}
      {data && (
        <>
          <dl class="figures">
            {totals.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{number.format(value)}</dd>
              </div>
            ))}
          </dl>
          <BarChart
            title={t('figures.bySector', { year })}
            categoryHeading={t('figures.month')}
            tableLabel={t('figures.asTable')}
            categories={categories}
            series={sectors.map((sector, i) => ({
              name: t(`sector.${sector}`),
              className: `series-${i + 1}`,
              values: data.months.map(
                ({ figures: month }) => month.bySector[sector].adultUses + month.bySector[sector].childUses,
              ),
            }))}
          />
          <BarChart
            title={t('figures.adultsAndChildren', { year })}
            categoryHeading={t('figures.month')}
            tableLabel={t('figures.asTable')}
            categories={categories}
            series={[
              {
                name: t('figures.adultUses'),
                className: 'series-1',
                values: data.months.map(({ figures: month }) => month.adultUses),
              },
              {
                name: t('figures.childUses'),
                className: 'series-3',
                values: data.months.map(({ figures: month }) => month.childUses),
              },
            ]}
          />
        </>
      )}
    </section>
  );
}
