// A partner trying to work out hidden counts, written apart from the publishing code (it shares nothing
// with shared/stats/ but the solver package): it reads the partner files' bytes, writes down every sum
// the contract lets a reader rely on, and asks HiGHS for the smallest and largest value of each hidden
// count ("..") as a whole number of at least 1. Counts of an area missing from a file are unknowns of at
// least 0: the reader does not know why the area is missing.
import type { Highs } from 'highs';

/** The ES module's default export is the loader (TypeScript reads the package's types as CommonJS). */
async function loadHighs(): Promise<Highs> {
  const module = await import('highs');
  return (module.default as unknown as () => Promise<Highs>)();
}

/** A minimal CSV reader: these files quote only area names. */
function rowsOf(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const char = line[i]!;
        if (quoted && char === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (char === '"') quoted = !quoted;
        else if (char === ',' && !quoted) {
          cells.push(cell);
          cell = '';
        } else cell += char;
      }
      cells.push(cell);
      return cells;
    });
}

interface Term {
  readonly key: string;
  readonly sign: 1 | -1;
}

/** The reader's system: known numbers, unknowns, and equations sum(sign * cell) = 0. */
class ReaderSystem {
  readonly known = new Map<string, number>();
  /** Unknowns and their lower bound (1 hidden, 0 missing). */
  readonly unknown = new Map<string, number>();
  readonly hidden: string[] = [];
  readonly equations: Term[][] = [];

  set(key: string, text: string | undefined): void {
    if (text === undefined) this.unknown.set(key, 0);
    else if (text === '..') {
      this.unknown.set(key, 1);
      this.hidden.push(key);
    } else this.known.set(key, Number(text));
  }

  has(key: string): boolean {
    return this.known.has(key) || this.unknown.has(key);
  }

  /** total = sum of parts, if the reader has every cell of it. */
  sum(total: string, parts: readonly string[]): void {
    if (![total, ...parts].every((key) => this.has(key))) return;
    this.equations.push([{ key: total, sign: 1 }, ...parts.map((key) => ({ key, sign: -1 as const }))]);
  }
}

const monthsOfQuarter = (period: string) => {
  const first = (Number(period.slice(6)) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${period.slice(0, 4)}-${String(first + i).padStart(2, '0')}`);
};

/** Everything the partner files say, as one system per calendar year. */
export function readerSystems(files: ReadonlyMap<string, string>): Map<string, ReaderSystem> {
  const systems = new Map<string, ReaderSystem>();
  const system = (period: string) => {
    const year = period.slice(0, 4);
    if (!systems.has(year)) systems.set(year, new ReaderSystem());
    return systems.get(year)!;
  };
  const [nationalHeader, ...nationalRows] = rowsOf(files.get('partner/national-periods.csv') ?? '');
  for (const row of nationalRows)
    nationalHeader!.slice(1).forEach((column, at) => {
      system(row[0]!).set(`N|${row[0]}|${column}`, row[at + 1]);
    });
  for (const row of rowsOf(files.get('partner/national-age-groups.csv') ?? '').slice(1)) {
    system(row[0]!).set(`NA|${row[0]}|${row[1]}|cards_registered`, row[2]);
    system(row[0]!).set(`NA|${row[0]}|${row[1]}|uses`, row[3]);
  }
  const areaFiles = [...files].filter(([name]) => name.startsWith('partner/areas/'));
  const ageFiles = [...files].filter(([name]) => name.startsWith('partner/age-groups/'));
  const areaIds = new Set<string>();
  for (const [, text] of [...areaFiles, ...ageFiles])
    for (const row of rowsOf(text).slice(1)) areaIds.add(row[1]!);
  const groups = ['16-17', '18-29', '30-44', '45-64', '65+', 'unknown'];
  const headers = new Map<string, string[]>();

  for (const [name, text] of areaFiles) {
    const period = name.slice('partner/areas/'.length, -'.csv'.length);
    const [header, ...rows] = rowsOf(text);
    const columns = header!.slice(3);
    headers.set(period, columns);
    const reader = system(period);
    const byArea = new Map(rows.map((row) => [row[1]!, row]));
    for (const areaId of areaIds) {
      const row = byArea.get(areaId);
      columns.forEach((column, at) => {
        reader.set(`A|${period}|${areaId}|${column}`, row?.[at + 3]);
      });
      const cell = (column: string) => `A|${period}|${areaId}|${column}`;
      reader.sum(cell('uses'), [cell('adult_uses'), cell('child_uses')]);
      for (const kind of ['adult', 'child'])
        if (columns.includes(`culture_${kind}_uses`))
          reader.sum(
            cell(`${kind}_uses`),
            ['culture', 'education', 'science', 'sport'].map((sector) => cell(`${sector}_${kind}_uses`)),
          );
    }
    for (const column of columns)
      reader.sum(
        `N|${period}|${column}`,
        [...areaIds].map((areaId) => `A|${period}|${areaId}|${column}`),
      );
  }
  for (const [period, columns] of headers) {
    const parts = /Q\d$/.test(period)
      ? monthsOfQuarter(period)
      : /^\d{4}$/.test(period)
        ? [1, 2, 3, 4].map((quarter) => `${period}-Q${quarter}`)
        : [];
    if (parts.length === 0) continue;
    for (const areaId of areaIds)
      for (const column of columns)
        system(period).sum(
          `A|${period}|${areaId}|${column}`,
          parts.map((part) => `A|${part}|${areaId}|${column}`),
        );
  }
  for (const [name, text] of ageFiles) {
    const year = name.slice('partner/age-groups/'.length, -'.csv'.length);
    const reader = system(year);
    const byKey = new Map(
      rowsOf(text)
        .slice(1)
        .map((row) => [`${row[1]}|${row[2]}`, row]),
    );
    for (const areaId of areaIds)
      for (const group of groups) {
        const row = byKey.get(`${areaId}|${group}`);
        reader.set(`G|${year}|${areaId}|${group}|cards_registered`, row?.[3]);
        reader.set(`G|${year}|${areaId}|${group}|uses`, row?.[4]);
      }
    for (const measure of ['cards_registered', 'uses']) {
      for (const areaId of areaIds)
        reader.sum(
          `A|${year}|${areaId}|${measure}`,
          groups.map((group) => `G|${year}|${areaId}|${group}|${measure}`),
        );
      for (const group of groups)
        reader.sum(
          `NA|${year}|${group}|${measure}`,
          [...areaIds].map((areaId) => `G|${year}|${areaId}|${group}|${measure}`),
        );
    }
  }
  return systems;
}

export interface Attack {
  readonly hidden: number;
  /** Hidden counts the attacker pinned to a range below the threshold. */
  readonly narrowed: readonly { readonly key: string; readonly min: number; readonly max: number }[];
}

/** Smallest and largest whole-number value of every hidden count, over every year's system. */
export async function attack(files: ReadonlyMap<string, string>, threshold: number): Promise<Attack> {
  const highs: Highs = await loadHighs();
  const narrowed: Attack['narrowed'][number][] = [];
  let hidden = 0;
  for (const reader of readerSystems(files).values()) {
    hidden += reader.hidden.length;
    narrowed.push(...attackYear(highs, reader, threshold));
  }
  return { hidden, narrowed };
}

function attackYear(highs: Highs, reader: ReaderSystem, threshold: number) {
  const keys = [...reader.unknown.keys()];
  const column = new Map(keys.map((key, at) => [key, at]));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rhs: number[] = [];
  for (const equation of reader.equations) {
    let constant = 0;
    const row = new Map<number, number>();
    for (const term of equation) {
      const at = column.get(term.key);
      if (at === undefined) constant += term.sign * reader.known.get(term.key)!;
      else row.set(at, (row.get(at) ?? 0) + term.sign);
    }
    if (row.size === 0) continue;
    indices.push(...row.keys());
    values.push(...row.values());
    starts.push(indices.length);
    rhs.push(-constant);
  }
  const model = highs.createModel({
    numCols: keys.length,
    numRows: rhs.length,
    colCost: keys.map(() => 0),
    colLower: keys.map((key) => reader.unknown.get(key)!),
    colUpper: keys.map(() => highs.infinity),
    rowLower: rhs,
    rowUpper: rhs,
    matrix: { format: 'csr', numRows: rhs.length, numCols: keys.length, starts, indices, values },
  });
  model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  // Values met in whole-number solutions: once a cell's differ by the threshold, it is out of reach.
  const low = keys.map(() => Infinity);
  const high = keys.map(() => -Infinity);
  const note = (solution: ArrayLike<number>) => {
    for (let i = 0; i < keys.length; i++)
      if (Math.abs(solution[i]! - Math.round(solution[i]!)) > 1e-6) return;
    for (let i = 0; i < keys.length; i++) {
      low[i] = Math.min(low[i]!, Math.round(solution[i]!));
      high[i] = Math.max(high[i]!, Math.round(solution[i]!));
    }
  };
  const extreme = (at: number, sense: 'min' | 'max'): number => {
    const { minimize, maximize } = highs.constants.objectiveSense;
    model.changeObjectiveSense(sense === 'min' ? minimize : maximize);
    model.changeColCost(at, 1);
    try {
      let status = model.run().modelStatus;
      if (status === 10 || status === 9) return sense === 'min' ? -Infinity : Infinity;
      let solution = model.getSolution().colValue;
      if (!Array.from(solution).every((value) => Math.abs(value - Math.round(value)) < 1e-6)) {
        model.changeColsIntegrality(
          { kind: 'range', from: 0, to: keys.length - 1 },
          keys.map(() => 1),
        );
        status = model.run().modelStatus;
        solution = model.getSolution().colValue;
        model.clearIntegrality();
      }
      if (status !== 7) throw new Error(`the attacker's solve ended with status ${status}`);
      note(solution);
      return Math.round(solution[at]!);
    } finally {
      model.changeColCost(at, 0);
    }
  };
  try {
    const found: Attack['narrowed'][number][] = [];
    for (const key of reader.hidden) {
      const at = column.get(key)!;
      if (high[at]! - low[at]! >= threshold) continue;
      const min = extreme(at, 'min');
      if (high[at]! - min >= threshold) continue;
      const max = extreme(at, 'max');
      if (max - min < threshold) found.push({ key, min, max });
    }
    return found;
  } finally {
    model.dispose();
  }
}
