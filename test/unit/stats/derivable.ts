// An attacker's view of one published sum, written independently of shared/stats/disclosure.ts: which
// values can each hidden cell take, if all the reader knows is this one equation, the published cells,
// and that a hidden count is at least 1 (zeros are never hidden)? A cell with one possible value is
// given away.

export interface Equation {
  readonly total: number;
  readonly members: readonly number[];
}

/** Hidden cells (by index) that this one equation pins to a single value. */
export function pinnedBy(
  equation: Equation,
  values: readonly number[],
  hidden: readonly boolean[],
  ceiling: number,
): number[] {
  const cells = [equation.total, ...equation.members];
  const secret = cells.filter((cell) => hidden[cell]);
  if (secret.length === 0) return [];
  // Signs: the total counts +1, members -1; the published ones move to the right-hand side.
  const terms = cells.map((cell, at) => ({ cell, coefficient: at === 0 ? 1 : -1 }));
  const known = terms.reduce(
    (sum, term) => (hidden[term.cell] ? sum : sum - term.coefficient * values[term.cell]!),
    0,
  );
  const hiddenTerms = terms.filter((term) => hidden[term.cell]);
  const pinned: number[] = [];
  for (const term of hiddenTerms) {
    const others = hiddenTerms.filter((other) => other !== term);
    // The others, each anywhere in [1, ceiling], reach every sum between their extremes.
    const low = others.reduce(
      (sum, other) => sum + Math.min(other.coefficient, other.coefficient * ceiling),
      0,
    );
    const high = others.reduce(
      (sum, other) => sum + Math.max(other.coefficient, other.coefficient * ceiling),
      0,
    );
    let possible = 0;
    for (let value = 1; value <= ceiling && possible < 2; value++) {
      const rest = known - term.coefficient * value;
      if (rest >= low && rest <= high) possible++;
    }
    if (possible < 2) pinned.push(term.cell);
  }
  return pinned;
}
