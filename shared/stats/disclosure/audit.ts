// The audit of a year of closed-period files: with every hidden count an unknown whole number of at least
// 1, every count of an area left out one of at least 0, and every sum and bound of the YearModel a
// constraint, how far can linear (and, where needed, integer) programming narrow each count partners are
// not shown? Hidden ones and those of rows left out alike (YearModel.needs says how wide each must stay).
import type { Highs } from 'highs';
import type { ModelCell, YearModel } from './closed-tables.ts';
import { auditRanges, type ValueRange } from './ranges.ts';
import type { LinearProgram, LinearRow } from './solver.ts';

export interface Narrowed {
  readonly cell: ModelCell;
  readonly min: number;
  readonly max: number;
}

export interface YearAudit {
  /** Counts audited: hidden ones and those of rows left out. */
  readonly hiddenCells: number;
  readonly narrowed: readonly Narrowed[];
  readonly lpSolves: number;
  readonly mipSolves: number;
}

/** The unknowns (hidden and left-out cells) and the sums as rows over them; published cells are constants. */
export function unknownsProgram(model: YearModel): { program: LinearProgram; unknowns: ModelCell[] } {
  const unknowns = [...model.cells.values()].filter((cell) => cell.state !== 'shown');
  const index = new Map(unknowns.map((cell, at) => [cell.id, at]));
  return {
    program: {
      colLower: unknowns.map((cell) => (cell.state === 'hidden' ? 1 : 0)),
      colUpper: unknowns.map(() => Infinity),
      rows: programRows(model, index),
    },
    unknowns,
  };
}

/** The model's sums as rows over the cells `index` numbers; every other cell is a constant. */
function programRows(model: YearModel, index: ReadonlyMap<string, number>): LinearRow[] {
  const rows: LinearRow[] = [];
  for (const sum of model.sums) {
    const vars: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    const term = (id: string, sign: number) => {
      const at = index.get(id);
      if (at === undefined) constant += sign * model.cell(id).value!;
      else {
        vars.push(at);
        coefficients.push(sign);
      }
    };
    term(sum.total, 1);
    for (const member of sum.members) term(member, -1);
    if (vars.length > 0) rows.push({ vars, coefficients, lower: -constant, upper: -constant });
  }
  return rows;
}

/**
 * The range of each count of a row left out that the national figures alone allow: every count by area
 * an unknown of at least 0, the national figures (by period and the daily ones) constants. Rows left out
 * are few: one LP model for them all.
 */
function measureNationalRanges(highs: Highs, model: YearModel): void {
  const wanted = [...model.cells.values()].filter(
    (cell) => cell.state === 'leftOut' && !model.nationalRange.has(cell.id),
  );
  if (wanted.length === 0) return;
  const unknowns = [...model.cells.values()].filter(
    (cell) => cell.unit !== undefined || cell.state === 'helper',
  );
  const index = new Map(unknowns.map((cell, at) => [cell.id, at]));
  const rows = programRows(model, index);
  const program = { colLower: unknowns.map(() => 0), colUpper: unknowns.map(() => Infinity), rows };
  const result = auditRanges(
    highs,
    program,
    wanted.map((cell) => index.get(cell.id)!),
    Number.MAX_SAFE_INTEGER,
  );
  const narrowed = new Map(result.narrowed.map((found) => [found.variable, found.max - found.min]));
  for (const cell of wanted)
    model.nationalRange.set(cell.id, narrowed.get(index.get(cell.id)!) ?? Number.MAX_SAFE_INTEGER);
}

/**
 * `known`: values cells take in whole-number solutions the caller has checked against every sum (the
 * true figures are one): they spare solves, never replace them where they do not show the range.
 */
export function auditYear(
  highs: Highs,
  model: YearModel,
  threshold: number,
  known: ReadonlyMap<string, ValueRange> = new Map(),
): YearAudit {
  measureNationalRanges(highs, model);
  const { program, unknowns } = unknownsProgram(model);
  const needs = unknowns.map((cell) => model.needs(cell, threshold));
  const audited = unknowns.flatMap((_, at) => (needs[at]! > 0 ? [at] : []));
  const result = auditRanges(
    highs,
    program,
    audited,
    needs,
    unknowns.map((cell) => known.get(cell.id)),
  );
  return {
    hiddenCells: audited.length,
    narrowed: result.narrowed.map((found) => ({
      cell: unknowns[found.variable]!,
      min: found.min,
      max: found.max,
    })),
    lpSolves: result.lpSolves,
    mipSolves: result.mipSolves,
  };
}
