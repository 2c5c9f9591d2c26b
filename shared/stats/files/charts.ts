// The snapshot's two charts as SVG text: no browser and no library, so the same figures always give the
// same bytes. Coordinates are rounded to two decimals and every scale is computed with integers.
import {
  type Count,
  type MonthlyUses,
  type Published,
  type Sector,
  type SectorUses,
  sectors,
} from '../model/figures.ts';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface Series {
  readonly name: string;
  readonly colour: string;
}

export interface BarGroup {
  readonly label: string;
  /** One value per series; null is a hidden count, drawn hatched and labelled `..`. */
  readonly values: readonly Count[];
}

export interface BarChart {
  /** Prefixes the element ids, so that two charts can sit in one HTML page. */
  readonly id: string;
  readonly title: string;
  readonly subtitle: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly groups: readonly BarGroup[];
  readonly barWidth: number;
  readonly groupGap: number;
}

const margin = { left: 72, right: 24, top: 84, bottom: 64 };
const plotHeight = 240;
const hiddenBarHeight = 14;
const tickCount = 5;

function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A step of 1, 2 or 5 times a power of ten, at least 1, giving about tickCount ticks up to max. */
function tickStep(max: number): number {
  let magnitude = 1;
  while (magnitude * 10 * tickCount <= max) magnitude *= 10;
  for (const factor of [1, 2, 5]) if (factor * magnitude * tickCount >= max) return factor * magnitude;
  return 10 * magnitude;
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;
}

/** The chart as SVG; answers the text and the number of bars drawn (the manifest's rows). */
export function renderBarChart(chart: BarChart): { svg: string; bars: number } {
  const id = escapeXml(chart.id);
  const slot = chart.series.length * chart.barWidth + chart.groupGap;
  const plotWidth = Math.max(chart.groups.length * slot, 360);
  const width = margin.left + plotWidth + margin.right;
  const height = margin.top + plotHeight + margin.bottom;
  const known = chart.groups.flatMap((group) =>
    group.values.filter((value): value is number => value !== null),
  );
  const step = tickStep(Math.max(0, ...known));
  const top = Math.max(step, Math.ceil(Math.max(0, ...known) / step) * step);
  const baseline = margin.top + plotHeight;
  const y = (value: number) => baseline - (value / top) * plotHeight;

  const lines: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="sans-serif" font-size="11">`,
    `<title id="${id}-title">${escapeXml(chart.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(`${chart.subtitle}. A hidden count (disclosure control) is shown as ..`)}</desc>`,
    `<defs><pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#777777" stroke-width="2"/></pattern></defs>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    text(margin.left, 28, chart.title, 'font-size="16" font-weight="bold"'),
    text(margin.left, 48, chart.subtitle, 'font-size="12" fill="#444444"'),
  ];
  chart.series.forEach((series, index) => {
    const x = margin.left + index * 150;
    lines.push(`<rect x="${n(x)}" y="58" width="12" height="12" fill="${escapeXml(series.colour)}"/>`);
    lines.push(text(x + 18, 68, series.name));
  });
  for (let value = 0; value <= top; value += step) {
    lines.push(
      `<line x1="${margin.left}" y1="${n(y(value))}" x2="${margin.left + plotWidth}" y2="${n(y(value))}" stroke="#dddddd"/>`,
    );
    lines.push(text(margin.left - 6, y(value) + 4, String(value), 'text-anchor="end"'));
  }
  let bars = 0;
  chart.groups.forEach((group, groupIndex) => {
    const groupX = margin.left + groupIndex * slot + chart.groupGap / 2;
    group.values.forEach((value, seriesIndex) => {
      const series = chart.series[seriesIndex];
      if (!series) return;
      bars++;
      const x = groupX + seriesIndex * chart.barWidth;
      const barTop = value === null ? baseline - hiddenBarHeight : y(value);
      const fill = value === null ? `url(#${id}-hatch)` : escapeXml(series.colour);
      const stroke = value === null ? ` stroke="${escapeXml(series.colour)}"` : '';
      const shown = value === null ? '..' : String(value);
      lines.push(
        `<rect x="${n(x + 1)}" y="${n(barTop)}" width="${n(chart.barWidth - 2)}" height="${n(baseline - barTop)}" fill="${fill}"${stroke}><title>${escapeXml(`${group.label}, ${series.name}: ${shown}`)}</title></rect>`,
      );
      lines.push(text(x + chart.barWidth / 2, barTop - 4, shown, 'text-anchor="middle" font-size="10"'));
    });
    const labelX = groupX + (chart.series.length * chart.barWidth) / 2;
    lines.push(text(labelX, baseline + 16, group.label, 'text-anchor="middle" font-size="10"'));
  });
  lines.push(
    `<line x1="${margin.left}" y1="${baseline}" x2="${margin.left + plotWidth}" y2="${baseline}" stroke="#333333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${baseline}" stroke="#333333"/>`,
    text(margin.left + plotWidth / 2, height - 14, chart.xLabel, 'text-anchor="middle" font-size="12"'),
    text(
      18,
      margin.top + plotHeight / 2,
      chart.yLabel,
      `text-anchor="middle" font-size="12" transform="rotate(-90 18 ${n(margin.top + plotHeight / 2)})"`,
    ),
    '</svg>',
  );
  return { svg: `${lines.join('\n')}\n`, bars };
}

/** National uses per month (monthly.csv drawn). */
export function monthlyUsesChart(date: string, monthly: readonly Published<MonthlyUses>[]) {
  return renderBarChart({
    id: 'monthly-uses',
    title: 'Kaikukortti uses per month',
    subtitle: `Whole country, adult and child uses, months up to ${date}`,
    xLabel: 'Month',
    yLabel: 'Uses',
    series: [{ name: 'Uses', colour: '#1f5f8b' }],
    groups: monthly.map((row) => ({
      label: row.month,
      values: [row.adultUses === null || row.childUses === null ? null : row.adultUses + row.childUses],
    })),
    barWidth: 40,
    groupGap: 8,
  });
}

/** Adult and child uses of each sector from the 1st of D's year to D (national.json's `year`). */
export function sectorsChart(date: string, bySector: Readonly<Record<Sector, Published<SectorUses>>>) {
  return renderBarChart({
    id: 'sectors',
    title: 'Kaikukortti uses by sector',
    subtitle: `Whole country, ${date.slice(0, 4)}-01-01 to ${date}`,
    xLabel: 'Sector',
    yLabel: 'Uses',
    series: [
      { name: 'Adult uses', colour: '#1f5f8b' },
      { name: 'Child uses', colour: '#e08a2c' },
    ],
    groups: sectors.map((sector) => ({
      label: sector,
      values: [bySector[sector].adultUses, bySector[sector].childUses],
    })),
    barWidth: 56,
    groupGap: 40,
  });
}
