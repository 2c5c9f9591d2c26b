import { describe, expect, it } from 'vitest';
import {
  escapeXml,
  monthlyUsesChart,
  renderBarChart,
  sectorsChart,
} from '../../../shared/stats/files/charts.ts';
import { buildSnapshot } from '../../../shared/stats/snapshot/files.ts';
import { sampleInput } from './support.ts';

/** Enough of XML to catch broken output: balanced tags, quoted attributes, no stray `<` or `&`. */
function wellFormed(svg: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(amp|lt|gt|quot|apos);)/g;
  for (const match of svg.matchAll(token)) {
    const [whole, closing, name, , selfClosing] = match;
    if (!name) {
      problems.push(`stray ${whole} at ${match.index}`);
      continue;
    }
    if (selfClosing) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) problems.push(`</${name}> closes the wrong element at ${match.index}`);
  }
  if (open.length > 0) problems.push(`not closed: ${open.join(', ')}`);
  if (!svg.startsWith('<svg ')) problems.push('does not start with <svg');
  return problems;
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

describe('charts', async () => {
  const input = sampleInput(21);
  const snapshot = await buildSnapshot(input, { generatedAt: '2025-03-15T00:30:00Z' });
  const svgs = snapshot.objects.filter((object) => object.key.endsWith('.svg'));

  it('are well-formed SVG', () => {
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) expect(wellFormed(svg.body.toString())).toEqual([]);
  });

  it('show the uses of every month', () => {
    const svg = monthlyUsesChart(input.date, input.monthly).svg;
    const labels = texts(svg);
    for (const row of input.monthly) {
      expect(labels).toContain(row.month);
      expect(labels).toContain(String(row.adultUses + row.childUses));
    }
    expect(labels).toEqual(expect.arrayContaining(['Kaikukortti uses per month', 'Month', 'Uses']));
  });

  it("show adult and child uses of each sector for D's year", () => {
    const svg = sectorsChart(input.date, input.national.year.bySector).svg;
    const labels = texts(svg);
    for (const sector of ['culture', 'education', 'science', 'sport'] as const) {
      expect(labels).toContain(sector);
      expect(svg).toContain(
        `<title>${sector}, Adult uses: ${input.national.year.bySector[sector].adultUses}</title>`,
      );
      expect(svg).toContain(
        `<title>${sector}, Child uses: ${input.national.year.bySector[sector].childUses}</title>`,
      );
    }
    expect(labels).toContain('Whole country, 2025-01-01 to 2025-03-14');
  });

  it('draw a hidden count as a hatched bar labelled ..', () => {
    const { svg, bars } = sectorsChart('2025-03-14', {
      culture: { adultUses: null, childUses: 12 },
      education: { adultUses: 0, childUses: null },
      science: { adultUses: 7, childUses: 0 },
      sport: { adultUses: 5, childUses: 9 },
    });
    expect(bars).toBe(8);
    expect(wellFormed(svg)).toEqual([]);
    expect(svg.match(/fill="url\(#sectors-hatch\)"/g)).toHaveLength(2);
    expect(svg).toContain('<title>culture, Adult uses: ..</title>');
    expect(texts(svg).filter((text) => text === '..')).toHaveLength(2);
  });

  it('escape their text for XML', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
    const { svg } = renderBarChart({
      id: 'test',
      title: 'Uses <by> "area" & \'sector\'',
      subtitle: 'Å & Ä',
      xLabel: '<x>',
      yLabel: 'y',
      series: [{ name: 'a&b', colour: '#123456' }],
      groups: [{ label: '</svg>', values: [3] }],
      barWidth: 20,
      groupGap: 4,
    });
    expect(wellFormed(svg)).toEqual([]);
    expect(svg).toContain('Uses &lt;by&gt; &quot;area&quot; &amp; &apos;sector&apos;');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
  });

  it('are the same bytes for the same figures, and cope with no months at all', () => {
    expect(monthlyUsesChart(input.date, input.monthly).svg).toBe(
      monthlyUsesChart(input.date, input.monthly).svg,
    );
    const empty = monthlyUsesChart('2025-03-14', []);
    expect(empty.bars).toBe(0);
    expect(wellFormed(empty.svg)).toEqual([]);
    expect(empty.svg).not.toMatch(/NaN|Infinity|undefined/);
  });
});
