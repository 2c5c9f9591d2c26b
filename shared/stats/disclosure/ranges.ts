// How far a reader can narrow unknown counts: for each audited variable of an integer program (equality
// rows, bounds), its smallest and largest value. Linear programming gives them; where the LP optimum is
// fractional the integer program is solved instead, since a fractional bound overstates the range.
//
// Two things keep it fast. The program splits into independent parts (variables sharing no row), solved
// one model each. And every integral solution met on the way is a point a reader cannot rule out: once
// the values seen of a variable already differ by the threshold, its own two solves are skipped.
import type { Highs, Model } from 'highs';
import { createModel, isIntegral, type LinearProgram, type LinearRow, modelStatus } from './solver.ts';

export interface NarrowedVariable {
  readonly variable: number;
  readonly min: number;
  readonly max: number;
}

export interface RangeAudit {
  /** Audited variables whose largest and smallest value differ by less than the threshold. */
  readonly narrowed: readonly NarrowedVariable[];
  readonly audited: number;
  readonly lpSolves: number;
  readonly mipSolves: number;
}

/** Groups of variables linked by rows (union-find), each with its rows. */
export function components(variables: number, rows: readonly LinearRow[]) {
  const parent = Array.from({ length: variables }, (_, index) => index);
  const find = (at: number): number => {
    while (parent[at] !== at) {
      parent[at] = parent[parent[at]!]!;
      at = parent[at]!;
    }
    return at;
  };
  for (const row of rows)
    for (const variable of row.vars.slice(1)) parent[find(variable)] = find(row.vars[0]!);
  const groups = new Map<number, { variables: number[]; rows: LinearRow[] }>();
  for (let variable = 0; variable < variables; variable++) {
    const root = find(variable);
    const group = groups.get(root) ?? { variables: [], rows: [] };
    groups.set(root, group);
    group.variables.push(variable);
  }
  for (const row of rows) if (row.vars.length > 0) groups.get(find(row.vars[0]!))!.rows.push(row);
  return [...groups.values()];
}

interface Counts {
  lp: number;
  mip: number;
}

/** Values a variable is known to take in solutions of the program (whole numbers). */
export interface ValueRange {
  readonly low: number;
  readonly high: number;
}

/** A bound of one variable: the optimum of its LP (rounded inwards) or of its integer program. */
interface Bound {
  readonly value: number;
  /** Whether the value is the integer optimum itself, not only a bound on it. */
  readonly exact: boolean;
}

class PartModel {
  readonly #highs: Highs;
  readonly #model: Model;
  readonly #counts: Counts;
  /** Smallest and largest value of each variable in the integral solutions met so far. */
  readonly low: number[];
  readonly high: number[];

  constructor(
    highs: Highs,
    program: LinearProgram,
    counts: Counts,
    known: readonly (ValueRange | undefined)[],
  ) {
    this.#highs = highs;
    this.#counts = counts;
    this.#model = createModel(highs, program);
    // Integer objectives: a gap below 1 proves the optimum; HiGHS' relative default would not.
    this.#model.options.set({ mip_rel_gap: 0, mip_abs_gap: 0.99 });
    this.low = known.map((range) => range?.low ?? Infinity);
    this.high = known.map((range) => range?.high ?? -Infinity);
    counts.lp++;
    const status = this.#model.run().modelStatus;
    if (status === modelStatus.infeasible || status === modelStatus.unboundedOrInfeasible)
      throw new Error('the published figures contradict each other: the audit finds no solution');
    this.#seen(this.#model.getSolution().colValue);
  }

  dispose(): void {
    this.#model.dispose();
  }

  /** The range the integral solutions met so far prove. */
  seenRange(variable: number): number {
    return this.high[variable]! - this.low[variable]!;
  }

  #seen(values: Float64Array): void {
    if (!isIntegral(values)) return;
    for (let index = 0; index < this.low.length; index++) {
      const value = Math.round(values[index]!);
      if (value < this.low[index]!) this.low[index] = value;
      if (value > this.high[index]!) this.high[index] = value;
    }
  }

  /** The variable's smallest or largest value: by LP, or by integer programming when `integer`. */
  bound(variable: number, sense: 'min' | 'max', integer: boolean): Bound {
    const model = this.#model;
    const { constants } = this.#highs;
    model.changeObjectiveSense(
      sense === 'min' ? constants.objectiveSense.minimize : constants.objectiveSense.maximize,
    );
    model.changeColCost(variable, 1);
    const columns = model.getDimensions().numCols;
    if (integer) {
      this.#counts.mip++;
      model.changeColsIntegrality(
        { kind: 'range', from: 0, to: columns - 1 },
        new Array(columns).fill(constants.variableType.integer),
      );
    } else this.#counts.lp++;
    try {
      const status = model.run().modelStatus;
      if (status === modelStatus.unbounded || status === modelStatus.unboundedOrInfeasible)
        return { value: sense === 'min' ? -Infinity : Infinity, exact: true };
      if (status !== modelStatus.optimal) throw new Error(`the audit's solve ended with status ${status}`);
      const values = model.getSolution().colValue;
      this.#seen(values);
      const value = values[variable]!;
      const exact = integer || isIntegral(values);
      // A fractional LP optimum bounds the integer one: rounded inwards, it still does.
      const rounded = exact
        ? Math.round(value)
        : sense === 'min'
          ? Math.ceil(value - 1e-6)
          : Math.floor(value + 1e-6);
      return { value: rounded, exact };
    } finally {
      if (integer) model.clearIntegrality();
      model.changeColCost(variable, 0);
    }
  }
}

/**
 * Whether the variable's range is below the threshold, with as few solves as it takes: integral
 * solutions met before may prove it wide enough; LP bounds may prove it too narrow; only in between is
 * the integer program solved, for the bounds whose LP optimum was fractional.
 */
function narrowing(part: PartModel, variable: number, threshold: number): NarrowedVariable | undefined {
  if (threshold <= 0 || part.seenRange(variable) >= threshold) return undefined;
  let min = part.bound(variable, 'min', false);
  if (part.seenRange(variable) >= threshold) return undefined;
  let max = part.bound(variable, 'max', false);
  if (max.value - min.value < threshold) return { variable, min: min.value, max: max.value };
  if (part.seenRange(variable) >= threshold) return undefined;
  if (!min.exact) min = part.bound(variable, 'min', true);
  if (part.seenRange(variable) >= threshold) return undefined;
  if (!max.exact) max = part.bound(variable, 'max', true);
  return max.value - min.value < threshold ? { variable, min: min.value, max: max.value } : undefined;
}

/** Narrowing of the audited variables of one part of the program, in local numbering. */
function auditPart(
  highs: Highs,
  program: LinearProgram,
  audited: readonly number[],
  needs: (variable: number) => number,
  counts: Counts,
  known: readonly (ValueRange | undefined)[],
): NarrowedVariable[] {
  const part = new PartModel(highs, program, counts, known);
  try {
    return audited.flatMap((variable) => narrowing(part, variable, needs(variable)) ?? []);
  } finally {
    part.dispose();
  }
}

/**
 * Every audited variable whose range (largest minus smallest integer value the program allows) is below
 * `threshold` (one for all, or by variable: 0 audits nothing). Throws when the program has no solution at all: the figures would contradict each other.
 * `known` (by variable) are values the caller has seen in integral solutions: a start, not a shortcut
 * around the program, since a variable is only passed over once values it can take differ by the threshold.
 */
export function auditRanges(
  highs: Highs,
  program: LinearProgram,
  audited: readonly number[],
  threshold: number | readonly number[],
  known: readonly (ValueRange | undefined)[] = [],
): RangeAudit {
  const needs = (variable: number) =>
    typeof threshold === 'number' ? threshold : (threshold[variable] ?? 0);
  const counts: Counts = { lp: 0, mip: 0 };
  const wanted = new Set(audited);
  const narrowed: NarrowedVariable[] = [];
  for (const part of components(program.colLower.length, program.rows)) {
    const local = new Map(part.variables.map((variable, index) => [variable, index]));
    const targets = part.variables.filter((variable) => wanted.has(variable)).map((v) => local.get(v)!);
    if (targets.length === 0) continue;
    const subprogram: LinearProgram = {
      colLower: part.variables.map((variable) => program.colLower[variable]!),
      colUpper: part.variables.map((variable) => program.colUpper[variable]!),
      rows: part.rows.map((row) => ({ ...row, vars: row.vars.map((variable) => local.get(variable)!) })),
    };
    const partKnown = part.variables.map((variable) => known[variable]);
    const partNeeds = (local: number) => needs(part.variables[local]!);
    for (const found of auditPart(highs, subprogram, targets, partNeeds, counts, partKnown))
      narrowed.push({ ...found, variable: part.variables[found.variable]! });
  }
  narrowed.sort((a, b) => a.variable - b.variable);
  return { narrowed, audited: wanted.size, lpSolves: counts.lp, mipSolves: counts.mip };
}
