import { describe, expect, it } from 'vitest';
import { DisclosureTable, isSmallCount, suppress } from '../../../shared/stats/disclosure.ts';
import { pinnedBy } from './derivable.ts';
import { prng, randomInt } from './support.ts';

function hiddenValues(table: DisclosureTable, hidden: readonly boolean[]): string[] {
  return table.cells.filter((_, index) => hidden[index]).map((cell) => cell.label);
}

/** `total = members`, each a [label, value]; answers the cells by label. */
function line(table: DisclosureTable, total: [string, number, boolean?], members: [string, number][]) {
  const cells: Record<string, number> = {};
  cells[total[0]] = table.add(total[1], total[0], total[2] ?? false);
  for (const [label, value] of members) cells[label] = table.add(value, label);
  table.sum(
    cells[total[0]]!,
    members.map(([label]) => cells[label]!),
  );
  return cells;
}

describe('primary suppression', () => {
  it('hides 1 to 4 and nothing else', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map(isSmallCount)).toEqual([false, true, true, true, true, false, false]);
  });

  it('keeps zeros and fixed (national) cells as they are', () => {
    const table = new DisclosureTable();
    line(table, ['national', 3, true], [['area', 3]]);
    table.add(0, 'zero');
    const result = suppress(table);
    expect(hiddenValues(table, result.hidden)).toEqual(['area']);
    // The national figure gives the only area away; nothing can be done but report it.
    expect(result.exposed).toEqual([0]);
  });
});

describe('secondary suppression', () => {
  it('hides the smallest non-zero other cell of a row with one hidden cell', () => {
    const table = new DisclosureTable();
    line(
      table,
      ['total', 20],
      [
        ['a', 3],
        ['b', 9],
        ['c', 8],
        ['d', 0],
      ],
    );
    const result = suppress(table);
    expect(hiddenValues(table, result.hidden)).toEqual(['a', 'c']);
    expect(result).toMatchObject({ primary: 1, secondary: 1, exposed: [] });
  });

  it('breaks ties by the order cells were added', () => {
    const table = new DisclosureTable();
    line(
      table,
      ['total', 27],
      [
        ['a', 3],
        ['b', 7],
        ['c', 7],
        ['d', 10],
      ],
    );
    expect(hiddenValues(table, suppress(table).hidden)).toEqual(['a', 'b']);
  });

  it('protects rows and columns of a two-way table until nothing changes', () => {
    const table = new DisclosureTable();
    const values = [
      [3, 10],
      [8, 9],
    ];
    const cell = values.map((row, r) => row.map((value, c) => table.add(value, `r${r}c${c}`)));
    const rowTotals = values.map((row, r) => table.add(row[0]! + row[1]!, `r${r}`));
    const columnTotals = [0, 1].map((c) => table.add(values[0]![c]! + values[1]![c]!, `c${c}`));
    const grand = table.add(30, 'grand', true);
    cell.forEach((row, r) => {
      table.sum(rowTotals[r]!, row);
    });
    [0, 1].forEach((c) => {
      table.sum(columnTotals[c]!, [cell[0]![c]!, cell[1]![c]!]);
    });
    table.sum(grand, rowTotals);
    table.sum(grand, columnTotals);
    const result = suppress(table);
    expect(hiddenValues(table, result.hidden)).toEqual(['r0c0', 'r0c1', 'r1c0', 'r1c1']);
    expect(result.exposed).toEqual([]);
  });

  it('counts a hidden total as a hidden member of the sum above it', () => {
    const table = new DisclosureTable();
    const national = table.add(20, 'national', true);
    const a = line(
      table,
      ['A', 3],
      [
        ['a1', 3],
        ['a2', 0],
      ],
    );
    const b = line(
      table,
      ['B', 17],
      [
        ['b1', 8],
        ['b2', 9],
      ],
    );
    table.sum(national, [a.A!, b.B!]);
    const result = suppress(table);
    expect(hiddenValues(table, result.hidden)).toEqual(['A', 'a1', 'B', 'b1']);
  });

  it('does not let hidden members add up to their own number (each would be 1)', () => {
    const table = new DisclosureTable();
    line(
      table,
      ['total', 12],
      [
        ['a', 1],
        ['b', 1],
        ['c', 10],
      ],
    );
    const result = suppress(table);
    expect(hiddenValues(table, result.hidden)).toEqual(['a', 'b', 'c']);
  });

  it('only takes sums that hold', () => {
    const table = new DisclosureTable();
    const total = table.add(10, 'total');
    const member = table.add(3, 'member');
    expect(table.sum(total, [member])).toBe(false);
    expect(table.constraints).toEqual([]);
    expect(() => table.add(-1, 'negative')).toThrow();
  });
});

/**
 * A table with margins in every direction: sizes [2, 3] give a 3 x 4 grid whose last row and column
 * hold the totals. Cells whose index on axis 0 is the total are "national" (fixed) when asked.
 */
function marginTable(random: () => number, sizes: number[], options: { zeros: boolean; national: boolean }) {
  const table = new DisclosureTable();
  const extended = sizes.map((size) => size + 1);
  const count = extended.reduce((product, size) => product * size, 1);
  const indexOf = (at: number[]) => at.reduce((index, value, axis) => index * extended[axis]! + value, 0);
  const coordinates = (index: number) =>
    extended
      .slice()
      .reverse()
      .reduce<number[]>((at, size) => {
        at.unshift(index % size);
        index = Math.floor(index / size);
        return at;
      }, []);
  const draw = () => {
    const roll = random();
    if (options.zeros && roll < 0.25) return 0;
    if (roll < 0.6) return 1 + randomInt(random, 3);
    return 5 + randomInt(random, 25);
  };
  const inner = new Map<number, number>();
  for (let index = 0; index < count; index++) {
    const at = coordinates(index);
    if (at.every((value, axis) => value < sizes[axis]!)) inner.set(index, draw());
  }
  for (let index = 0; index < count; index++) {
    const at = coordinates(index);
    let value = 0;
    for (const [innerIndex, innerValue] of inner) {
      const innerAt = coordinates(innerIndex);
      if (at.every((v, axis) => v === sizes[axis] || v === innerAt[axis])) value += innerValue;
    }
    table.add(value, at.join(','), options.national && at[0] === sizes[0]);
  }
  sizes.forEach((size, axis) => {
    for (let index = 0; index < count; index++) {
      const at = coordinates(index);
      if (at[axis] !== size) continue;
      const members = Array.from({ length: size }, (_, k) => indexOf(at.map((v, a) => (a === axis ? k : v))));
      table.sum(index, members);
    }
  });
  return table;
}

function randomSizes(random: () => number): number[] {
  return Array.from({ length: 1 + randomInt(random, 2) }, () => 1 + randomInt(random, 3));
}

describe('secondary suppression on random tables (property)', () => {
  const cases = Array.from({ length: 300 }, (_, seed) => seed + 1);

  it.each(cases)('seed %i: no published sum pins a hidden count, unless nothing was left to hide', (seed) => {
    const random = prng(seed);
    const table = marginTable(random, randomSizes(random), {
      zeros: random() < 0.7,
      national: random() < 0.7,
    });
    const result = suppress(table);
    const values = table.cells.map((cell) => cell.value);
    const ceiling = values.reduce((sum, value) => sum + value, 0) + 10;

    table.cells.forEach((cell, index) => {
      if (result.hidden[index]) expect(cell.fixed || cell.value === 0).toBe(false);
      else if (!cell.fixed) expect(isSmallCount(cell.value)).toBe(false);
    });
    table.constraints.forEach((constraint, index) => {
      const pinned = pinnedBy(constraint, values, result.hidden, ceiling);
      expect(result.exposed.includes(index)).toBe(pinned.length > 0);
      if (pinned.length === 0) return;
      // Exposed only when every other cell of the sum is already hidden, zero or national.
      const unhidden = [constraint.total, ...constraint.members].filter((cell) => !result.hidden[cell]);
      expect(unhidden.every((cell) => table.cells[cell]!.fixed || values[cell] === 0)).toBe(true);
    });
  });

  it.each(cases)('seed %i: without zeros or fixed cells every sum is protected', (seed) => {
    const random = prng(seed * 7919);
    const table = marginTable(random, randomSizes(random), { zeros: false, national: false });
    const result = suppress(table);
    const values = table.cells.map((cell) => cell.value);
    expect(result.exposed).toEqual([]);
    for (const constraint of table.constraints)
      expect(pinnedBy(constraint, values, result.hidden, 10_000)).toEqual([]);
  });

  it('is deterministic', () => {
    const build = () => marginTable(prng(42), [4, 3, 2], { zeros: true, national: true });
    expect(suppress(build())).toEqual(suppress(build()));
  });
});
