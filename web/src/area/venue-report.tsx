// Figures per venue for a month (area admin): uses, adults and children per venue of the area, as venues
// need them in grant applications; a CSV export and a printable report (title, area, period, the day it
// was made). Counted from the area's uses of the month (GET /v1/usages, 500 a page), at most
// `maxPages` pages: a month beyond that says so and points to the CSV of the uses instead.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { Select } from '../components/field.tsx';
import { useLoad } from '../components/use-load.ts';
import { formatDate, helsinkiToday } from '../dates.ts';
import { language, locale, useT } from '../i18n/i18n.ts';
import { type Sector, sectors } from '../roles.ts';
import { requireSession } from '../session.ts';
import { useStore } from '../store.ts';
import { getArea, listOrganisations } from './area-data.ts';

const pageSize = 500;
/** 10,000 uses: more than any area records in a month so far; past it the browser stops counting. */
const maxPages = 20;

export interface VenueRow {
  readonly venueId: string;
  readonly name: string;
  records: number;
  adults: number;
  children: number;
  readonly bySector: Record<Sector, number>;
}

interface MonthFigures {
  readonly rows: VenueRow[];
  readonly complete: boolean;
}

/** The last 13 months, newest first, as [first day, last day or today]. */
function recentMonths(today: string) {
  const months: { month: string; from: string; to: string }[] = [];
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7));
  for (let i = 0; i < 13; i++) {
    const name = `${year}-${String(month).padStart(2, '0')}`;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const to = `${name}-${String(last).padStart(2, '0')}`;
    months.push({ month: name, from: `${name}-01`, to: to < today ? to : today });
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

async function monthFigures(areaId: string, from: string, to: string): Promise<MonthFigures> {
  const organisations = await listOrganisations(areaId);
  const rows = new Map<string, VenueRow>();
  const row = (venueId: string, name: string) => {
    let found = rows.get(venueId);
    if (!found) {
      found = {
        venueId,
        name,
        records: 0,
        adults: 0,
        children: 0,
        bySector: { culture: 0, education: 0, science: 0, sport: 0 },
      };
      rows.set(venueId, found);
    }
    return found;
  };
  // Every venue of the area has its row, a month without uses too.
  for (const item of organisations.items) if (item.kind === 'venue') row(item.id, item.name);
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await api('GET', '/v1/usages', {
      query: { from, to, limit: String(pageSize), ...(cursor && { cursor }) },
    });
    for (const use of page.items) {
      if (use.voided) continue;
      const venue = row(use.venueId, use.venueId);
      venue.records += 1;
      venue.adults += use.adults;
      venue.children += use.children;
      venue.bySector[use.sector] += use.adults + use.children;
    }
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < maxPages);
  const sorted = [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, 'fi'));
  return { rows: sorted, complete: cursor === undefined };
}

/** A CSV cell: quoted when it holds a separator, a quote or a line break; a leading formula sign defused. */
const cell = (value: string | number) => {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function VenueReport() {
  const t = useT();
  const lang = useStore(language);
  const { areaId = '' } = requireSession();
  const today = helsinkiToday();
  const months = recentMonths(today);
  const [month, setMonth] = useState(months[0]!.month);
  const period = months.find((item) => item.month === month) ?? months[0]!;
  const area = useLoad(() => getArea(areaId), [areaId]);
  const figures = useLoad(
    () => monthFigures(areaId, period.from, period.to),
    [areaId, period.from, period.to],
  );
  const date = (day: string) => formatDate(day, locale(lang));
  const periodText = t('venueReport.period', { from: date(period.from), to: date(period.to) });
  const rows = figures.data?.rows ?? [];
  const total = rows.reduce(
    (sum, row) => ({
      records: sum.records + row.records,
      adults: sum.adults + row.adults,
      children: sum.children + row.children,
    }),
    { records: 0, adults: 0, children: 0 },
  );

  const downloadCsv = () => {
    const header = [
      t('venueReport.venue'),
      t('venueReport.records'),
      t('venueReport.adults'),
      t('venueReport.children'),
      ...sectors.map((sector) => t(`sector.${sector}`)),
    ];
    const lines = [
      [
        t('venueReport.title'),
        area.data?.name ?? areaId,
        periodText,
        t('venueReport.madeOn', { date: date(today) }),
      ],
      header,
      ...rows.map((row) => [
        row.name,
        row.records,
        row.adults,
        row.children,
        ...sectors.map((sector) => row.bySector[sector]),
      ]),
      [t('venueReport.total'), total.records, total.adults, total.children],
    ];
    // A BOM and semicolons: a Finnish spreadsheet opens it as columns, with ä and ö intact.
    const text = `\uFEFF${lines.map((line) => line.map(cell).join(';')).join('\r\n')}\r\n`;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    link.download = `kaikukortti-${month}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  return (
    <section class="venue-report">
      <h1 tabIndex={-1}>{t('venueReport.title')}</h1>
      <p class="report-meta">
        {t('venueReport.area', { area: area.data?.name ?? '…' })}
        <br />
        {periodText}
        <br />
        {t('venueReport.madeOn', { date: date(today) })}
      </p>
      <div class="no-print">
        <Select
          label={t('venueReport.month')}
          value={month}
          onValue={setMonth}
          options={months.map((item) => ({
            value: item.month,
            label: new Date(`${item.from}T12:00:00Z`).toLocaleDateString(locale(lang), {
              month: 'long',
              year: 'numeric',
            }),
          }))}
        />
      </div>
      <ErrorMessage error={figures.error ?? area.error} />
      {figures.loading && <p class="hint">{t('common.loading')}</p>}
      {figures.data && !figures.data.complete && <p class="warning">{t('venueReport.incomplete')}</p>}
      {figures.data && (
        // The table fits a phone's width (its cells wrap): nothing scrolls sideways.
        <div class="report-table">
          <table>
            <caption>{t('venueReport.caption', { period: periodText })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('venueReport.venue')}</th>
                <th scope="col">{t('venueReport.records')}</th>
                <th scope="col">{t('venueReport.adults')}</th>
                <th scope="col">{t('venueReport.children')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.venueId}>
                  <th scope="row">{row.name}</th>
                  <td>{row.records}</td>
                  <td>{row.adults}</td>
                  <td>{row.children}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('venueReport.total')}</th>
                <td>{total.records}</td>
                <td>{total.adults}</td>
                <td>{total.children}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      {figures.data && (
        <p class="no-print actions">
          <button type="button" onClick={downloadCsv}>
            {t('venueReport.csv')}
          </button>{' '}
          <button type="button" class="primary" onClick={() => print()}>
            {t('venueReport.print')}
          </button>
        </p>
      )}
    </section>
  );
}
