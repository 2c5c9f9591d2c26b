// Stacked bars in SVG, coloured by the stylesheet (no inline styles: the CSP allows none), with the same
// figures in a table for screen readers and for copying.

export interface Series {
  readonly name: string;
  /** A class of the stylesheet that colours the series (series-1 … series-4). */
  readonly className: string;
  readonly values: readonly number[];
}

interface BarChartProps {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly categoryHeading: string;
  readonly tableLabel: string;
}

const width = 640;
const height = 240;
const left = 44;
const bottom = 24;
const top = 8;

/** A round top for the axis whose half is a whole number too. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  if (value <= 10) return 10;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

export function BarChart({ title, categories, series, categoryHeading, tableLabel }: BarChartProps) {
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotHeight = height - bottom - top;
  const slot = (width - left) / Math.max(1, categories.length);
  const barWidth = Math.max(4, slot * 0.6);
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" focusable="false">
        <title>{title}</title>
        {[0, 0.5, 1].map((share) => (
          <g key={share}>
            <line class="gridline" x1={left} x2={width} y1={y(max * share)} y2={y(max * share)} />
            <text class="axis" x={left - 6} y={y(max * share) + 4} text-anchor="end">
              {Math.round(max * share)}
            </text>
          </g>
        ))}
        {categories.map((category, i) => {
          let base = 0;
          const x = left + i * slot + (slot - barWidth) / 2;
          return (
            <g key={category}>
              {series.map((s) => {
                const value = s.values[i] ?? 0;
                const rect = (
                  <rect
                    key={s.name}
                    class={s.className}
                    x={x}
                    width={barWidth}
                    y={y(base + value)}
                    height={Math.max(0, y(base) - y(base + value))}
                  />
                );
                base += value;
                return rect;
              })}
              <text class="axis" x={x + barWidth / 2} y={height - 6} text-anchor="middle">
                {category}
              </text>
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {series.map((s) => (
          <li key={s.name}>
            <svg viewBox="0 0 10 10" class="swatch" aria-hidden="true">
              <rect class={s.className} width="10" height="10" />
            </svg>
            {s.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>{tableLabel}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{categoryHeading}</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((category, i) => (
              <tr key={category}>
                <th scope="row">{category}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
