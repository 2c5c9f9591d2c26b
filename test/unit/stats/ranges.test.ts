// The audit's solver part: smallest and largest integer value of each unknown of a small program.
import { describe, expect, it } from 'vitest';
import { auditRanges, components } from '../../../shared/stats/disclosure/ranges.ts';
import { type LinearProgram, loadSolver } from '../../../shared/stats/disclosure/solver.ts';

const highs = await loadSolver();

/** Unknowns of at least `lower`, rows `sum(coefficients * x) = rhs`. */
function program(lower: number[], rows: [number[], number[], number][]): LinearProgram {
  return {
    colLower: lower,
    colUpper: lower.map(() => Infinity),
    rows: rows.map(([vars, coefficients, rhs]) => ({ vars, coefficients, lower: rhs, upper: rhs })),
  };
}

describe('auditRanges', () => {
  it('finds the narrowed unknowns: three hidden counts of at least 1 adding up to 7', () => {
    const result = auditRanges(highs, program([1, 1, 1], [[[0, 1, 2], [1, 1, 1], 7]]), [0, 1, 2], 5);
    // Each is 1 to 5: a range of 4.
    expect(result.narrowed).toEqual([
      { variable: 0, min: 1, max: 5 },
      { variable: 1, min: 1, max: 5 },
      { variable: 2, min: 1, max: 5 },
    ]);
  });

  it('passes unknowns whose range is the threshold or more, and unbounded ones', () => {
    const result = auditRanges(
      highs,
      program(
        [1, 1, 1, 1],
        [
          [[0, 1], [1, 1], 7],
          [[2, 3], [1, -1], 0],
        ],
      ),
      [0, 1, 2, 3],
      5,
    );
    expect(result.narrowed).toEqual([]);
  });

  it('solves the integer program where the LP optimum is fractional', () => {
    // 3a + 2b = 12 with a, b >= 1: the LP lets a run from 1 to 3.33, the integers only allow a = 2.
    const result = auditRanges(highs, program([1, 1], [[[0, 1], [3, 2], 12]]), [0, 1], 1);
    expect(result.narrowed.map((found) => found.variable)).toEqual([0, 1]);
    // a + b = 11, a - 2c = 0: the LP gives a up to 10; as a must be even, 2..10 all the same.
    const even = auditRanges(
      highs,
      program(
        [1, 1, 1],
        [
          [[0, 1], [1, 1], 11],
          [[0, 2], [1, -2], 0],
        ],
      ),
      [0],
      5,
    );
    expect(even.narrowed).toEqual([]);
  });

  it('counts only the audited unknowns; unknowns of at least 0 (areas left out) widen the others', () => {
    const withZero = program([1, 1, 0], [[[0, 1, 2], [1, 1, 1], 7]]);
    expect(auditRanges(highs, withZero, [0, 1], 5).narrowed).toEqual([]);
  });

  it('refuses figures that contradict each other', () => {
    expect(() => auditRanges(highs, program([1, 1], [[[0, 1], [1, 1], 1]]), [0], 5)).toThrow(/contradict/);
  });

  it('uses values known from whole-number solutions to skip solves, never to pass a narrowed unknown', () => {
    const system = program([1, 1, 1], [[[0, 1, 2], [1, 1, 1], 7]]);
    const known = [{ low: 1, high: 5 }, undefined, undefined];
    const result = auditRanges(highs, system, [0, 1, 2], 5, known);
    expect(result.narrowed.map((found) => found.variable)).toEqual([0, 1, 2]);
    const wide = auditRanges(highs, program([1, 1], [[[0, 1], [1, 1], 20]]), [0], 5, [{ low: 1, high: 19 }]);
    expect(wide.narrowed).toEqual([]);
    expect(wide.lpSolves).toBe(1);
  });
});

describe('components', () => {
  it('splits unknowns that share no row', () => {
    const parts = components(5, [
      { vars: [0, 1], coefficients: [1, 1], lower: 2, upper: 2 },
      { vars: [3, 4], coefficients: [1, 1], lower: 2, upper: 2 },
      { vars: [1, 0], coefficients: [1, -1], lower: 0, upper: 0 },
    ]);
    expect(parts.map((part) => part.variables)).toEqual([[0, 1], [2], [3, 4]]);
    expect(parts.map((part) => part.rows.length)).toEqual([2, 0, 1]);
  });
});
