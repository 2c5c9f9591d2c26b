// A partner trying to work out hidden counts, written apart from the publishing code (it shares nothing
// with shared/stats/ but the solver package): it reads the partner files' bytes, writes down every sum
// the contract lets a reader rely on, and asks HiGHS for the smallest and largest value of each count it
// is not shown, as a whole number: a hidden count ("..") of at least 1, a count of an area left out of a
// file (disclosure/P.json lists it) of at least 0. An area missing from a file without being listed
// there did not exist yet: its counts are 0.
//
// Besides the area files' sums it uses what else a partner has (issue 18):
// - the disclosure records themselves: any range a record prints, and any split of the hidden counts
//   into small ones (1 to 4) and others, as 0/1 indicators of an integer program;
// - the daily national files (partner/national.json of every night, kept for good) with the day an area
//   joined: the national figures from that day to the month's end bound what the areas that joined then
//   counted in their first month (in every column, the sectors included);
// and it checks the counts of rows left out too: each must keep a range of 5, or, where its column's
// national figure N is below 5, the whole range 0..N that figure alone allows.
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
  readonly sign: number;
}

/** The reader's system: known numbers, unknowns, and equations sum(sign * cell) = 0. */
class ReaderSystem {
  readonly known = new Map<string, number>();
  /** Unknowns and their bounds (hidden: from 1, left out, slack and helpers: from 0). */
  readonly lower = new Map<string, number>();
  readonly upper = new Map<string, number>();
  readonly hidden: string[] = [];
  /** Counts of rows left out. */
  readonly leftOut: string[] = [];
  /** 0/1 unknowns: an integer program as soon as there is one. */
  readonly binary = new Set<string>();
  readonly equations: Term[][] = [];
  /** Equations only the disclosure records give (not what the national figures alone say). */
  readonly fromRecords = new Set<Term[]>();
  #slacks = 0;

  isUnknown(key: string): boolean {
    return this.lower.has(key);
  }

  has(key: string): boolean {
    return this.known.has(key) || this.isUnknown(key);
  }

  unknown(key: string, lower: number, upper = Infinity): void {
    this.lower.set(key, lower);
    this.upper.set(key, upper);
  }

  /** total = sum of parts, if the reader has every cell of it. */
  sum(total: string, parts: readonly string[]): void {
    if (![total, ...parts].every((key) => this.has(key))) return;
    this.equations.push([{ key: total, sign: 1 }, ...parts.map((key) => ({ key, sign: -1 as const }))]);
  }

  /** sum(weight * key) <= bound, or >= with `direction` -1: an equation with a slack of at least 0. */
  inequality(terms: readonly Term[], bound: number, direction: 1 | -1 = 1): Term[] {
    const slack = `slack|${this.#slacks++}`;
    const constant = `const|${slack}`;
    this.unknown(slack, 0);
    this.known.set(constant, bound);
    const equation = [
      { key: constant, sign: 1 },
      { key: slack, sign: -direction },
      ...terms.map((term) => ({ ...term, sign: -term.sign })),
    ];
    this.equations.push(equation);
    return equation;
  }
}

const monthsOfQuarter = (period: string) => {
  const first = (Number(period.slice(6)) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${period.slice(0, 4)}-${String(first + i).padStart(2, '0')}`);
};
const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5)) / 3)}`;
const sectorNames = ['culture', 'education', 'science', 'sport'];
const groups = ['16-17', '18-29', '30-44', '45-64', '65+', 'unknown'];

/** A cell as a disclosure record's text names it (`areas 2025-09 A001 child_uses`), as a key. */
function keyOfLabel(label: string): string | undefined {
  const parts = label.split(' ');
  if (parts[0] === 'areas' && parts.length === 4) return `A|${parts[1]}|${parts[2]}|${parts[3]}`;
  if (parts[0] === 'age-groups' && parts.length === 5)
    return `G|${parts[1]}|${parts[2]}|${parts[3]}|${parts[4]}`;
  return undefined;
}

/** A national.json figure of a column of the area files. */
function nationalFigure(figures: Record<string, unknown>, column: string): number | undefined {
  const plain: Record<string, string> = {
    cards_registered: 'cardsRegistered',
    cards_taken_into_use: 'cardsTakenIntoUse',
    uses: 'uses',
    adult_uses: 'adultUses',
    child_uses: 'childUses',
  };
  if (plain[column]) return figures[plain[column]] as number | undefined;
  const [sector, kind] = column.split('_') as [string, string];
  const bySector = figures.bySector as Record<string, Record<string, number>> | undefined;
  return bySector?.[sector]?.[`${kind}Uses`];
}

const previousDay = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
};

/** What a partner knows besides one snapshot's files. */
export interface OutsideKnowledge {
  /** partner/national.json of other nights, by its day: every snapshot keeps them. */
  readonly dailyNational?: ReadonlyMap<string, string>;
  /** The day each area joined (the national `municipalities` figure jumps that night; areas are public). */
  readonly joined?: ReadonlyMap<string, string>;
}

/** Everything the partner files say, as one system per calendar year. */
export function readerSystems(
  files: ReadonlyMap<string, string>,
  outside: OutsideKnowledge = {},
): Map<string, ReaderSystem> {
  const systems = new Map<string, ReaderSystem>();
  const system = (period: string) => {
    const year = period.slice(0, 4);
    if (!systems.has(year)) systems.set(year, new ReaderSystem());
    return systems.get(year)!;
  };
  const [nationalHeader, ...nationalRows] = rowsOf(files.get('partner/national-periods.csv') ?? '');
  for (const row of nationalRows)
    nationalHeader!.slice(1).forEach((column, at) => {
      system(row[0]!).known.set(`N|${row[0]}|${column}`, Number(row[at + 1]));
    });
  for (const row of rowsOf(files.get('partner/national-age-groups.csv') ?? '').slice(1)) {
    system(row[0]!).known.set(`NA|${row[0]}|${row[1]}|cards_registered`, Number(row[2]));
    system(row[0]!).known.set(`NA|${row[0]}|${row[1]}|uses`, Number(row[3]));
  }
  const records = new Map<string, Record<string, unknown>>();
  for (const [name, text] of files)
    if (name.startsWith('partner/disclosure/'))
      records.set(name.slice('partner/disclosure/'.length, -'.json'.length), JSON.parse(text));
  const leftOutOf = new Set<string>();
  for (const record of records.values())
    for (const entry of (record.leftOut ?? []) as { file: string; areaId: string }[])
      leftOutOf.add(`${entry.file}|${entry.areaId}`);

  const areaFiles = [...files].filter(([name]) => name.startsWith('partner/areas/'));
  const ageFiles = [...files].filter(([name]) => name.startsWith('partner/age-groups/'));
  const areaIds = new Set<string>();
  for (const [, text] of [...areaFiles, ...ageFiles])
    for (const row of rowsOf(text).slice(1)) areaIds.add(row[1]!);
  for (const key of leftOutOf) areaIds.add(key.split('|')[1]!);
  const headers = new Map<string, string[]>();
  /** A cell as read: a number, `..`, or missing (left out, or the area did not exist: 0). */
  const read = (reader: ReaderSystem, key: string, text: string | undefined, leftOut: boolean) => {
    if (text === undefined && !leftOut) reader.known.set(key, 0);
    else if (text === undefined) {
      reader.unknown(key, 0);
      reader.leftOut.push(key);
    } else if (text === '..') {
      reader.unknown(key, 1);
      reader.hidden.push(key);
    } else reader.known.set(key, Number(text));
  };

  for (const [name, text] of areaFiles) {
    const period = name.slice('partner/areas/'.length, -'.csv'.length);
    const [header, ...rows] = rowsOf(text);
    const columns = header!.slice(3);
    headers.set(period, columns);
    const reader = system(period);
    const byArea = new Map(rows.map((row) => [row[1]!, row]));
    for (const areaId of areaIds) {
      const row = byArea.get(areaId);
      const leftOut = leftOutOf.has(`${name}|${areaId}`);
      columns.forEach((column, at) => {
        read(reader, `A|${period}|${areaId}|${column}`, row?.[at + 3], leftOut);
      });
      const cell = (column: string) => `A|${period}|${areaId}|${column}`;
      reader.sum(cell('uses'), [cell('adult_uses'), cell('child_uses')]);
      for (const kind of ['adult', 'child'])
        if (columns.includes(`culture_${kind}_uses`))
          reader.sum(
            cell(`${kind}_uses`),
            sectorNames.map((sector) => cell(`${sector}_${kind}_uses`)),
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
        const leftOut = leftOutOf.has(`${name}|${areaId}`);
        read(reader, `G|${year}|${areaId}|${group}|cards_registered`, row?.[3], leftOut);
        read(reader, `G|${year}|${areaId}|${group}|uses`, row?.[4], leftOut);
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
  for (const [period, record] of records) readRecord(system(period), period, record);
  joinBounds(systems, headers, outside);
  return systems;
}

/**
 * What a disclosure record gives away: ranges its text prints ("narrowed to 2..2"), and a count of the
 * hidden cells that are small (`hidden.primary`), as indicators: b = 1 iff the cell is at most 4.
 */
function readRecord(reader: ReaderSystem, period: string, record: Record<string, unknown>): void {
  for (const match of JSON.stringify(record).matchAll(
    /((?:areas|age-groups) [^"]+?) would be narrowed to (\d+)\.\.(\d+)/g,
  )) {
    const key = keyOfLabel(match[1]!);
    if (key === undefined || !reader.isUnknown(key)) continue;
    reader.fromRecords.add(reader.inequality([{ key, sign: 1 }], Number(match[2]), -1));
    reader.fromRecords.add(reader.inequality([{ key, sign: 1 }], Number(match[3])));
  }
  const small = (record.hidden as { primary?: unknown } | undefined)?.primary;
  if (typeof small !== 'number') return;
  const cells = reader.hidden.filter((key) => {
    const [kind, of] = key.split('|');
    return of === period && (kind === 'A' || kind === 'G');
  });
  const big = 1_000_000;
  for (const key of cells) {
    const indicator = `small|${key}`;
    reader.unknown(indicator, 0, 1);
    reader.binary.add(indicator);
    // b = 1: the count is at most 4; b = 0: at least 5.
    reader.fromRecords.add(
      reader.inequality(
        [
          { key, sign: 1 },
          { key: indicator, sign: big },
        ],
        big + 4,
      ),
    );
    reader.fromRecords.add(
      reader.inequality(
        [
          { key, sign: 1 },
          { key: indicator, sign: 4 },
        ],
        5,
        -1,
      ),
    );
  }
  const total = `const|small|${period}`;
  reader.known.set(total, small);
  reader.sum(
    total,
    cells.map((key) => `small|${key}`),
  );
  reader.fromRecords.add(reader.equations.at(-1)!);
}

/**
 * The daily national files: national.json of the night before an area joined gives the month so far,
 * national-periods.csv the whole month, so the areas that joined that day or later counted at most the
 * difference, in every column. Sectors by month are not published: the reader takes each such area's
 * month-by-sector figures as unknowns adding up to its month's adult and child uses and to its quarter.
 */
function joinBounds(
  systems: Map<string, ReaderSystem>,
  headers: ReadonlyMap<string, string[]>,
  outside: OutsideKnowledge,
): void {
  const joinedIn = new Map<string, Map<string, string[]>>();
  for (const [areaId, day] of outside.joined ?? []) {
    if (day.endsWith('-01')) continue;
    const month = day.slice(0, 7);
    const days = joinedIn.get(month) ?? new Map<string, string[]>();
    joinedIn.set(month, days);
    days.set(day, [...(days.get(day) ?? []), areaId]);
  }
  for (const [month, days] of joinedIn) {
    const reader = systems.get(month.slice(0, 4));
    const monthColumns = headers.get(month);
    if (!reader || !monthColumns) continue;
    const quarter = quarterOf(month);
    const quarterColumns = headers.get(quarter) ?? [];
    const sectorColumns = quarterColumns.filter((column) => sectorNames.includes(column.split('_')[0]!));
    const joinDays = [...days.keys()].sort();
    const joiners = joinDays.flatMap((day) => days.get(day)!);
    // Month-by-sector helpers of the joiners, from the join month to the quarter's end.
    const later = monthsOfQuarter(quarter).filter((part) => part >= month && headers.has(part));
    for (const areaId of joiners) {
      if (sectorColumns.length === 0) break;
      for (const part of later) {
        for (const column of sectorColumns) reader.unknown(`S|${part}|${areaId}|${column}`, 0);
        for (const kind of ['adult', 'child'])
          reader.sum(
            `A|${part}|${areaId}|${kind}_uses`,
            sectorNames.map((sector) => `S|${part}|${areaId}|${sector}_${kind}_uses`),
          );
      }
      for (const column of sectorColumns)
        reader.sum(
          `A|${quarter}|${areaId}|${column}`,
          later.map((part) => `S|${part}|${areaId}|${column}`),
        );
    }
    for (const [at, day] of joinDays.entries()) {
      const body = outside.dailyNational?.get(previousDay(day));
      if (body === undefined) continue;
      const soFar = (JSON.parse(body) as { periods: { month: Record<string, unknown> } }).periods.month;
      const from = joinDays.slice(at).flatMap((later) => days.get(later)!);
      const columns = [...monthColumns, ...sectorColumns];
      for (const column of columns) {
        const before = nationalFigure(soFar, column);
        const whole = reader.known.get(`N|${month}|${column}`);
        if (before === undefined || whole === undefined) continue;
        const cell = (areaId: string) =>
          monthColumns.includes(column) ? `A|${month}|${areaId}|${column}` : `S|${month}|${areaId}|${column}`;
        const cells = from.map(cell).filter((key) => reader.has(key));
        if (cells.length > 0)
          reader.inequality(
            cells.map((key) => ({ key, sign: 1 })),
            whole - before,
          );
      }
    }
  }
}

export interface Attack {
  readonly hidden: number;
  readonly leftOut: number;
  /** Counts the attacker pinned to a range below what they must keep. */
  readonly narrowed: readonly {
    readonly key: string;
    readonly kind: 'hidden' | 'leftOut';
    readonly min: number;
    readonly max: number;
  }[];
}

/** Smallest and largest whole-number value of every count not shown, over every year's system. */
export async function attack(
  files: ReadonlyMap<string, string>,
  threshold: number,
  outside: OutsideKnowledge = {},
): Promise<Attack> {
  const highs: Highs = await loadHighs();
  const narrowed: Attack['narrowed'][number][] = [];
  let hidden = 0;
  let leftOut = 0;
  for (const reader of readerSystems(files, outside).values()) {
    hidden += reader.hidden.length;
    leftOut += reader.leftOut.length;
    narrowed.push(...attackYear(highs, reader, threshold));
  }
  return { hidden, leftOut, narrowed };
}

/**
 * What a count of a row left out must keep: the threshold, or, where the national figures alone (every
 * count by area unknown, the records ignored) narrow it further, the range they allow.
 */
function leftOutNeeds(highs: Highs, reader: ReaderSystem, threshold: number): Map<string, number> {
  const needs = new Map<string, number>();
  if (reader.leftOut.length === 0) return needs;
  const national = new ReaderSystem();
  for (const [key, value] of reader.known)
    if (/^[AGS]\|/.test(key)) national.unknown(key, 0);
    else national.known.set(key, value);
  for (const [key] of reader.lower)
    if (!key.startsWith('small|')) national.unknown(key, /^[AGS]\|/.test(key) ? 0 : reader.lower.get(key)!);
  national.equations.push(...reader.equations.filter((equation) => !reader.fromRecords.has(equation)));
  national.hidden.push(...reader.leftOut);
  for (const found of solveRanges(
    highs,
    national,
    reader.leftOut.map((key) => ({ key, needs: Number.MAX_SAFE_INTEGER })),
  ))
    needs.set(found.key, Math.min(threshold, found.max - found.min));
  for (const key of reader.leftOut) if (!needs.has(key)) needs.set(key, threshold);
  return needs;
}

function attackYear(highs: Highs, reader: ReaderSystem, threshold: number): Attack['narrowed'][number][] {
  const needs = leftOutNeeds(highs, reader, threshold);
  const kinds = new Map(reader.leftOut.map((key) => [key, 'leftOut' as const]));
  return solveRanges(highs, reader, [
    ...reader.hidden.map((key) => ({ key, needs: threshold })),
    ...reader.leftOut.map((key) => ({ key, needs: needs.get(key)! })),
  ]).map((found) => ({ ...found, kind: kinds.get(found.key) ?? ('hidden' as const) }));
}

/** Each target whose range (largest minus smallest whole-number value) is below what it needs. */
function solveRanges(
  highs: Highs,
  reader: ReaderSystem,
  targets: readonly { key: string; needs: number }[],
): { key: string; min: number; max: number }[] {
  const keys = [...reader.lower.keys()];
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
  const bound = (value: number) => (value === Infinity ? highs.infinity : value);
  const model = highs.createModel({
    numCols: keys.length,
    numRows: rhs.length,
    colCost: keys.map(() => 0),
    colLower: keys.map((key) => reader.lower.get(key)!),
    colUpper: keys.map((key) => bound(reader.upper.get(key)!)),
    rowLower: rhs,
    rowUpper: rhs,
    matrix: { format: 'csr', numRows: rhs.length, numCols: keys.length, starts, indices, values },
  });
  model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: 0.5 });
  // Values met in whole-number solutions: once a cell's differ by what it needs, it is out of reach.
  const low = keys.map(() => Infinity);
  const high = keys.map(() => -Infinity);
  const integral = (solution: ArrayLike<number>) =>
    Array.from(solution).every((value) => Math.abs(value - Math.round(value)) < 1e-6);
  const note = (solution: ArrayLike<number>) => {
    if (!integral(solution)) return;
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
      if (!integral(solution)) {
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
    const found: { key: string; min: number; max: number }[] = [];
    for (const { key, needs } of targets) {
      const at = column.get(key)!;
      if (needs <= 0 || high[at]! - low[at]! >= needs) continue;
      const min = extreme(at, 'min');
      if (high[at]! - min >= needs) continue;
      const max = extreme(at, 'max');
      if (max - min < needs) found.push({ key, min, max });
    }
    return found;
  } finally {
    model.dispose();
  }
}
