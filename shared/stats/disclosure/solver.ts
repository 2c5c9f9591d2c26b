// HiGHS (the npm package `highs`: the solver compiled to WebAssembly) for the disclosure audit. Loaded
// on first use only: the snapshot job needs it on the few nights a period closes, the API never.
import type { Highs, Model } from 'highs';

let loading: Promise<Highs> | undefined;

// The package's one declaration file is read as CommonJS, so TypeScript sees the ES module's default
// export (the loader itself, at run time) one level too deep.
type Loader = () => Promise<Highs>;

export function loadSolver(): Promise<Highs> {
  loading ??= import('highs').then((module) => (module.default as unknown as Loader)());
  return loading;
}

/** `lower <= sum(coefficients[k] * x[vars[k]]) <= upper`. */
export interface LinearRow {
  readonly vars: readonly number[];
  readonly coefficients: readonly number[];
  readonly lower: number;
  readonly upper: number;
}

export interface LinearProgram {
  readonly colLower: readonly number[];
  readonly colUpper: readonly number[];
  readonly costs?: readonly number[];
  readonly rows: readonly LinearRow[];
}

/** A persistent model of the program, quiet, minimising; the caller disposes it. */
export function createModel(highs: Highs, program: LinearProgram): Model {
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of program.rows) {
    indices.push(...row.vars);
    values.push(...row.coefficients);
    starts.push(indices.length);
  }
  const numCols = program.colLower.length;
  const model = highs.createModel({
    numCols,
    numRows: program.rows.length,
    colCost: program.costs ?? new Array<number>(numCols).fill(0),
    colLower: program.colLower.map((bound) => (bound === -Infinity ? -highs.infinity : bound)),
    colUpper: program.colUpper.map((bound) => (bound === Infinity ? highs.infinity : bound)),
    rowLower: program.rows.map((row) => (row.lower === -Infinity ? -highs.infinity : row.lower)),
    rowUpper: program.rows.map((row) => (row.upper === Infinity ? highs.infinity : row.upper)),
    matrix: { format: 'csr', numRows: program.rows.length, numCols, starts, indices, values },
  });
  model.options.set({ output_flag: false });
  return model;
}

/** The model's status names the solver answers with (HiGHS model status codes). */
export const modelStatus = { optimal: 7, infeasible: 8, unboundedOrInfeasible: 9, unbounded: 10 } as const;

/** Integral within the solver's tolerance: such a solution is itself a solution of the integer program. */
export function isIntegral(values: ArrayLike<number>): boolean {
  for (let index = 0; index < values.length; index++)
    if (Math.abs(values[index]! - Math.round(values[index]!)) > 1e-6) return false;
  return true;
}
