// What disclosure control promises, and the record of it published with each closed period
// (partner/disclosure/P.json). How cells get hidden: protection.ts; how that is checked: audit.ts.

/** Counts 1 to threshold - 1 are hidden (primary suppression); every hidden count must keep a range of
 * at least `threshold` (largest minus smallest value a reader cannot rule out). */
export const threshold = 5;

export function isSmallCount(value: number): boolean {
  return value >= 1 && value < threshold;
}

export const auditMethod =
  'linear programming (HiGHS) over every partner file of the calendar year published so far and this ' +
  "period's; integer programming where the LP optimum is fractional. Each hidden count is an unknown " +
  'whole number of at least 1, each count of an area left out one of at least 0.';

export interface LeftOut {
  readonly file: string;
  readonly areaId: string;
  readonly reason: string;
}

/** partner/disclosure/P.json. */
export interface PeriodDisclosure {
  readonly period: string;
  /** The snapshot day that first published the period; every later snapshot carries the same bytes. */
  readonly firstPublished: string;
  readonly files: readonly string[];
  readonly threshold: number;
  /** Count cells of the period's files (areas left out not included), and how many of them are 0. */
  readonly cells: number;
  readonly zeros: number;
  readonly hidden: { readonly primary: number; readonly secondary: number };
  readonly leftOut: readonly LeftOut[];
  readonly audit: {
    readonly method: string;
    /** The periods whose files the audit read: the calendar year's, published so far or now. */
    readonly periods: readonly string[];
    readonly hiddenCells: number;
    readonly narrowed: number;
    readonly result: string;
  };
}

export function disclosureJson(disclosure: PeriodDisclosure): string {
  return `${JSON.stringify(disclosure, null, 2)}\n`;
}

export function parseDisclosure(body: string, name: string): PeriodDisclosure {
  const parsed = JSON.parse(body) as PeriodDisclosure;
  if (typeof parsed?.period !== 'string' || typeof parsed.firstPublished !== 'string')
    throw new Error(`${name}: not a disclosure record`);
  return parsed;
}
