// Secondary suppression of the closed periods being published, by information loss: while the audit
// finds a hidden count narrowed below the threshold, hide the cheapest further cells that give it room.
//
// "Room" is found by linear programming, not greedily: two copies of the year's files, each satisfying
// every sum a reader relies on, in which the narrowed cell differs by at least the threshold. Cells
// already hidden (and areas left out) may take any value their bounds allow at no cost; a cell still
// published may move only at a cost per unit of (1 + ln value), so small cells go first and a national
// figure never (it is a constant). Every cell the cheapest solution moves gets hidden. That is the
// linear relaxation of optimal suppression (Fischetti and Salazar's model), one narrowed cell at a time;
// the audit then checks the result, and repeats with a wider target where integers gave less room than
// the relaxation promised.
//
// A new cell no hiding can protect (an area alone in a column, or nearly, whose national figure is exact)
// gets its area's row left out of the file: its counts are then unknowns of at least 0, not 1. A cell
// published before cannot be hidden again; when the new files narrow it whatever they hide, the same
// program, allowed to leave rows out at a high price, says which rows of the new files to leave out.
import type { Highs, Model } from 'highs';
import { auditYear, type Narrowed, type YearAudit } from './audit.ts';
import { cellLabel, type ModelCell, type YearModel } from './closed-tables.ts';
import { createModel, type LinearRow, modelStatus } from './solver.ts';

export interface LeftOutUnit {
  readonly unit: string;
  readonly reason: string;
}

export interface YearProtection {
  readonly audit: YearAudit;
  readonly leftOut: readonly LeftOutUnit[];
  readonly rounds: number;
  readonly patternSolves: number;
}

/** How much wider than the threshold the target may grow before the area is left out instead. */
const maxExtraRoom = 5;
const maxRounds = 100;

const isCandidate = (cell: ModelCell) =>
  cell.fresh && cell.unit !== undefined && cell.state === 'shown' && cell.value! > 0;

/** Cost per unit a published cell is moved: information lost by hiding it grows with its size. */
const unitCost = (value: number) => 1 + Math.log(value);

/**
 * How a cell of the program moves. One whose value the publisher knows moves as value + p - n, and a
 * cell of a period being published also by `relax` (sign +1 for a zero, which only a left-out row can
 * move; -1 for a count, down to 0), which stands for leaving its area's row out. A cell hidden before,
 * whose value the publisher no longer needs, is a plain unknown x.
 */
type Columns =
  | { readonly based: true; readonly p: number; readonly n: number; readonly relax?: number }
  | { readonly based: false; readonly x: number };

/** Leaving a row out costs more than hiding any number of cells. */
const leaveOutCost = 1e4;

interface Room {
  readonly hide: readonly ModelCell[];
  /** Units (rows of one file) that have to be left out as well. */
  readonly leaveOut: readonly string[];
  /**
   * The two copies' values of every unknown, where they are whole numbers: points a reader cannot rule
   * out once `hide` is hidden and `leaveOut` left out (and ever after: hiding only widens what is possible).
   */
  readonly points: readonly ReadonlyMap<string, number>[];
}

/** The two-copy program of one year, kept between narrowed cells so that HiGHS starts warm. */
class RoomFinder {
  readonly #model: Model;
  readonly #columns: Map<string, Columns>[] = [new Map(), new Map()];
  readonly #coupling: number;
  readonly #year: YearModel;
  /** Relaxation columns and the upper bound each gets when leaving rows out is allowed. */
  readonly #relax: { column: number; upper: number }[] = [];

  constructor(highs: Highs, year: YearModel) {
    this.#year = year;
    const lower: number[] = [];
    const upper: number[] = [];
    const costs: number[] = [];
    const column = (low: number, high: number, cost: number) => {
      lower.push(low);
      upper.push(high);
      costs.push(cost);
      return lower.length - 1;
    };
    const movable = [...year.cells.values()].filter((cell) => cell.state !== 'shown' || cell.fresh);
    for (const copy of this.#columns)
      for (const cell of movable) {
        const floor = cell.state === 'leftOut' || cell.state === 'helper' ? 0 : 1;
        if (cell.value === undefined) {
          copy.set(cell.id, { based: false, x: column(floor, Infinity, 0) });
          continue;
        }
        const fixed = cell.state === 'shown' && cell.value === 0;
        const cost = isCandidate(cell) ? unitCost(cell.value) : 0;
        const p = column(0, fixed ? 0 : Infinity, cost);
        const n = column(0, fixed ? 0 : Math.max(0, cell.value - floor), cost);
        if (!cell.fresh || cell.state === 'leftOut') copy.set(cell.id, { based: true, p, n });
        else {
          const relax = column(0, 0, leaveOutCost);
          this.#relax.push({ column: relax, upper: fixed ? Infinity : 1 });
          copy.set(cell.id, { based: true, p, n, relax });
        }
      }
    const rows: LinearRow[] = [];
    for (const copy of this.#columns)
      for (const sum of year.sums) {
        const vars: number[] = [];
        const coefficients: number[] = [];
        let constant = 0;
        for (const [id, sign] of [[sum.total, 1] as const, ...sum.members.map((id) => [id, -1] as const)]) {
          const at = copy.get(id);
          if (at?.based === false) {
            vars.push(at.x);
            coefficients.push(sign);
            continue;
          }
          // x = value + p - n (+- relax): the value is a constant of the row.
          constant += sign * year.cell(id).value!;
          if (!at) continue;
          vars.push(at.p, at.n);
          coefficients.push(sign, -sign);
          if (at.relax !== undefined) {
            vars.push(at.relax);
            coefficients.push(year.cell(id).value === 0 ? sign : -sign);
          }
        }
        if (vars.length > 0) rows.push({ vars, coefficients, lower: -constant, upper: -constant });
      }
    // Up copy minus down copy of the narrowed cell: its coefficients are set for each cell in turn.
    rows.push({ vars: [], coefficients: [], lower: -Infinity, upper: Infinity });
    this.#coupling = rows.length - 1;
    this.#model = createModel(highs, { colLower: lower, colUpper: upper, costs, rows });
  }

  dispose(): void {
    this.#model.dispose();
  }

  #terms(id: string): [number, number][] {
    const [up, down] = this.#columns.map((copy) => copy.get(id)!) as [Columns, Columns];
    const signed = (at: Columns, sign: number): [number, number][] =>
      at.based
        ? [
            [at.p, sign],
            [at.n, -sign],
          ]
        : [[at.x, sign]];
    return [...signed(up, 1), ...signed(down, -1)];
  }

  #setRelaxation(allowed: boolean): void {
    for (const { column, upper } of this.#relax) this.#model.changeColBounds(column, 0, allowed ? upper : 0);
  }

  /**
   * Cells to hide (and, if `mayLeaveOut`, rows to leave out) that give `cell` a room of `target`, the
   * cheapest the relaxation finds; undefined if there are none.
   */
  find(cell: ModelCell, target: number, mayLeaveOut: boolean): Room | undefined {
    const terms = this.#terms(cell.id);
    for (const [at, coefficient] of terms) this.#model.changeCoefficient(this.#coupling, at, coefficient);
    this.#model.changeRowBounds(this.#coupling, target, Infinity);
    if (mayLeaveOut) this.#setRelaxation(true);
    try {
      const status = this.#model.run().modelStatus;
      if (status === modelStatus.infeasible || status === modelStatus.unboundedOrInfeasible) return undefined;
      if (status !== modelStatus.optimal) throw new Error(`suppression LP ended with status ${status}`);
      const values = this.#model.getSolution().colValue;
      const used = (pick: (at: Columns & { based: true }) => number) => (id: string) =>
        this.#columns.some((copy) => {
          const at = copy.get(id);
          return at?.based === true && pick(at) > 1e-7;
        });
      const moved = used((at) => values[at.p]! + values[at.n]!);
      const relaxed = used((at) => (at.relax === undefined ? 0 : values[at.relax]!));
      const cells = [...this.#year.cells.values()];
      return {
        hide: cells.filter((other) => isCandidate(other) && moved(other.id)),
        leaveOut: [...new Set(cells.filter((other) => relaxed(other.id)).map((other) => other.unit!))],
        points: this.#points(values),
      };
    } finally {
      for (const [at] of terms) this.#model.changeCoefficient(this.#coupling, at, 0);
      this.#model.changeRowBounds(this.#coupling, -Infinity, Infinity);
      if (mayLeaveOut) this.#setRelaxation(false);
    }
  }

  #points(values: Float64Array): Map<string, number>[] {
    return this.#columns.flatMap((copy) => {
      const point = new Map<string, number>();
      for (const [id, at] of copy) {
        if (!at.based) point.set(id, values[at.x]!);
        else {
          const value = this.#year.cell(id).value!;
          const relax = at.relax === undefined ? 0 : values[at.relax]! * (value === 0 ? 1 : -1);
          point.set(id, value + values[at.p]! - values[at.n]! + relax);
        }
      }
      return [...point.values()].every((value) => Math.abs(value - Math.round(value)) < 1e-6) ? [point] : [];
    });
  }

  /** A cell now hidden costs nothing to move any more. */
  hidden(cell: ModelCell): void {
    for (const copy of this.#columns) {
      const at = copy.get(cell.id);
      if (at?.based) {
        this.#model.changeColCost(at.p, 0);
        this.#model.changeColCost(at.n, 0);
      }
    }
  }
}

/** Whether the point (values of unknowns; published cells as published) satisfies every sum exactly. */
function satisfiesSums(year: YearModel, point: ReadonlyMap<string, number>): boolean {
  const value = (id: string) => {
    const cell = year.cell(id);
    return cell.state === 'shown' && !point.has(id) ? cell.value! : Math.round(point.get(id) ?? Number.NaN);
  };
  return year.sums.every(
    (sum) => sum.members.reduce((total, member) => total + value(member), 0) === value(sum.total),
  );
}

function leaveOut(year: YearModel, units: readonly string[], narrowed: Narrowed): LeftOutUnit[] {
  const reason =
    `${cellLabel(narrowed.cell.id)} would be narrowed to ${narrowed.min}..${narrowed.max} ` +
    'whatever else were hidden: these counts are not published';
  for (const unit of units) for (const member of year.unitCells(unit)) member.state = 'leftOut';
  return units.map((unit) => ({ unit, reason }));
}

/**
 * Hides cells of the year's fresh periods (their primary suppression already applied) until the audit
 * finds no hidden count narrowed below `threshold`. Changes the cells' states in place.
 */
export function protectYear(highs: Highs, year: YearModel, threshold: number): YearProtection {
  const leftOut: LeftOutUnit[] = [];
  const extraRoom = new Map<string, number>();
  let patternSolves = 0;
  // Values each cell takes in points a reader cannot rule out (the true figures are one): a cell whose
  // values there already differ by the threshold needs no search of its own.
  const seen = new Map<string, { low: number; high: number }>();
  const see = (point: ReadonlyMap<string, number>) => {
    if (!satisfiesSums(year, point)) return;
    for (const [id, raw] of point) {
      const value = Math.round(raw);
      const range = seen.get(id);
      if (!range) seen.set(id, { low: value, high: value });
      else {
        range.low = Math.min(range.low, value);
        range.high = Math.max(range.high, value);
      }
    }
  };
  for (const cell of year.cells.values())
    if (cell.fresh) seen.set(cell.id, { low: cell.value!, high: cell.value! });
  const wide = (cell: ModelCell, needs: number) => {
    const range = seen.get(cell.id);
    return range !== undefined && range.high - range.low >= needs;
  };
  for (let round = 1; round <= maxRounds; round++) {
    const audit = auditYear(highs, year, threshold, seen);
    if (audit.narrowed.length === 0) return { audit, leftOut, rounds: round, patternSolves };
    let finder: RoomFinder | undefined;
    try {
      const audited = new Map(audit.narrowed.map(({ cell }) => [cell.id, cell.state]));
      for (const narrowed of audit.narrowed) {
        const { cell } = narrowed;
        // Left out in this round: the next audit measures what it needs now.
        if (cell.state !== audited.get(cell.id)) continue;
        const needs = year.needs(cell, threshold);
        if (needs === 0 || wide(cell, needs)) continue;
        // A count the national figures alone narrow below the threshold asks for no more than they allow.
        const extra = needs < threshold ? 0 : (extraRoom.get(cell.id) ?? 0);
        finder ??= new RoomFinder(highs, year);
        patternSolves++;
        let room = extra > maxExtraRoom ? undefined : finder.find(cell, needs + extra, false);
        // A new hidden count no hiding protects: its row is left out (and then protected in turn).
        if (room === undefined && cell.fresh && cell.state === 'hidden')
          room = { hide: [], leaveOut: [cell.unit!], points: [] };
        // A count published before cannot be hidden again, nor a row left out put back: rows of the
        // new files give way instead.
        if (room === undefined) room = finder.find(cell, needs + Math.min(extra, maxExtraRoom), true);
        if (room === undefined)
          throw new Error(
            `${cellLabel(cell.id)} cannot be protected (needs ${needs}, ${narrowed.min}..${narrowed.max})`,
          );
        for (const other of room.hide) {
          other.state = 'hidden';
          finder.hidden(other);
        }
        for (const point of room.points) see(point);
        if (room.leaveOut.length > 0) {
          leftOut.push(...leaveOut(year, room.leaveOut, narrowed));
          finder.dispose();
          finder = undefined;
        } else if (room.hide.length === 0) extraRoom.set(cell.id, extra + 1);
      }
    } finally {
      finder?.dispose();
    }
  }
  throw new Error(`disclosure control did not settle within ${maxRounds} rounds`);
}
