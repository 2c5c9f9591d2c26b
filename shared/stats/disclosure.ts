// Disclosure control for published tables, independent of what the tables hold.
//
// A table is a list of cells (counts) and a list of sum constraints `total = sum(members)` that a
// reader knows hold, because the files publish the total and the members side by side (a row's
// `uses = adult_uses + child_uses`, a column's national figure = the sum over areas, ...). Primary
// suppression hides counts from 1 to threshold - 1. Secondary suppression then hides more cells until no
// constraint gives a hidden cell away, which happens when
//   - exactly one cell of the constraint (total or member) is hidden: it is the published remainder, or
//   - the total is published and the hidden members add up to exactly their number: since zeros are
//     never hidden, a reader knows each hidden count is at least 1, so each must be 1.
// Both checks look at one constraint at a time; see docs/statistics-disclosure.md for what that leaves.

/** Counts 1 to threshold - 1 are hidden (primary suppression). */
export const threshold = 5;

export function isSmallCount(value: number): boolean {
  return value >= 1 && value < threshold;
}

export interface TableCell {
  readonly value: number;
  /** Published exactly whatever it holds (national totals); never hidden. */
  readonly fixed: boolean;
  /** Says where the cell is published, for reports of cells that could not be protected. */
  readonly label: string;
}

/** `cells[total] = sum of cells[members]`, by cell index. */
export interface SumConstraint {
  readonly total: number;
  readonly members: readonly number[];
}

export class DisclosureTable {
  readonly cells: TableCell[] = [];
  readonly constraints: SumConstraint[] = [];

  /** Answers the new cell's index; the order of adding is the tie-break of secondary suppression. */
  add(value: number, label: string, fixed = false): number {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${label}: ${value} is not a count`);
    this.cells.push({ value, fixed, label });
    return this.cells.length - 1;
  }

  /**
   * Adds the constraint when the figures satisfy it; one that does not hold cannot reveal anything.
   * Answers whether it was added.
   */
  sum(total: number, members: readonly number[]): boolean {
    const sum = members.reduce((acc, member) => acc + this.value(member), 0);
    if (sum !== this.value(total)) return false;
    this.constraints.push({ total, members: [...members] });
    return true;
  }

  /** A reader knows the two cells are equal (a one-member sum). */
  equal(a: number, b: number): boolean {
    return this.sum(a, [b]);
  }

  value(cell: number): number {
    const found = this.cells[cell];
    if (!found) throw new Error(`no cell ${cell}`);
    return found.value;
  }
}

export interface Suppression {
  /** By cell index. */
  readonly hidden: readonly boolean[];
  readonly primary: number;
  readonly secondary: number;
  /** Indices of constraints that still give a hidden cell away: no cell was left to hide with it. */
  readonly exposed: readonly number[];
}

function cellsOf(constraint: SumConstraint): number[] {
  return [constraint.total, ...constraint.members];
}

/** Whether the constraint, as published, gives one of its hidden cells away. */
export function reveals(
  table: DisclosureTable,
  constraint: SumConstraint,
  hidden: readonly boolean[],
): boolean {
  const hiddenCells = cellsOf(constraint).filter((cell) => hidden[cell]);
  if (hiddenCells.length === 1) return true;
  if (hiddenCells.length === 0 || hidden[constraint.total]) return false;
  const remainder = hiddenCells.reduce((sum, cell) => sum + table.value(cell), 0);
  return remainder === hiddenCells.length;
}

/** The published cell to hide next: smallest non-zero count, then the earliest added. */
function pickCell(table: DisclosureTable, constraint: SumConstraint, hidden: readonly boolean[]) {
  let best: number | undefined;
  for (const cell of cellsOf(constraint)) {
    const { value, fixed } = table.cells[cell]!;
    // Zeros stay visible: the contract promises it, and a hidden zero in a row whose total is 0
    // would protect nothing anyway.
    if (hidden[cell] || fixed || value === 0) continue;
    if (best === undefined || value < table.value(best) || (value === table.value(best) && cell < best))
      best = cell;
  }
  return best;
}

export function suppress(table: DisclosureTable): Suppression {
  const hidden = table.cells.map((cell) => !cell.fixed && isSmallCount(cell.value));
  const primary = hidden.filter(Boolean).length;
  const byCell = new Map<number, number[]>();
  table.constraints.forEach((constraint, index) => {
    for (const cell of cellsOf(constraint)) byCell.set(cell, [...(byCell.get(cell) ?? []), index]);
  });

  // Work in constraint order, always taking the lowest pending index, so the result is one fixed
  // point whatever the table's size; hiding a cell only puts its own constraints back in line.
  const pending = new Set<number>(table.constraints.keys());
  const queue = new MinHeap();
  for (const index of pending) queue.push(index);
  let secondary = 0;
  while (queue.size > 0) {
    const index = queue.pop();
    pending.delete(index);
    const constraint = table.constraints[index]!;
    if (!reveals(table, constraint, hidden)) continue;
    const cell = pickCell(table, constraint, hidden);
    if (cell === undefined) continue;
    hidden[cell] = true;
    secondary++;
    for (const affected of byCell.get(cell) ?? []) {
      if (pending.has(affected)) continue;
      pending.add(affected);
      queue.push(affected);
    }
  }
  const exposed = [...table.constraints.keys()].filter((index) =>
    reveals(table, table.constraints[index]!, hidden),
  );
  return { hidden, primary, secondary, exposed };
}

class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(item: number): void {
    const items = this.#items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (items[parent]! <= item) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = item;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let at = 0;
      for (;;) {
        const left = at * 2 + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && items[right]! < items[left]! ? right : left;
        if (items[child]! >= last) break;
        items[at] = items[child]!;
        at = child;
      }
      items[at] = last;
    }
    return top;
  }
}
