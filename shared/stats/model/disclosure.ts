// What disclosure control promises, and the record of it published with each closed period
// (partner/disclosure/P.json). How cells get hidden: disclosure/protection.ts; how that is checked: disclosure/audit.ts.

/** Counts 1 to threshold - 1 are hidden (primary suppression); every hidden count must keep a range of
 * at least `threshold` (largest minus smallest value a reader cannot rule out). */
export const threshold = 5;

export function isSmallCount(value: number): boolean {
  return value >= 1 && value < threshold;
}

/**
 * The protection rule, in the words every document and every disclosure record uses (one text: the docs
 * quote it, the records carry it).
 */
export const protectionRule =
  'A count from 1 to 4 is shown as ".."; zeros are shown. Further counts are hidden, and where that is ' +
  "not enough an area's row is left out of a file, until no count a partner is not shown can be " +
  'narrowed to a range below 5: taking each hidden count as an unknown whole number of at least 1 and ' +
  'each count of a row left out as one of at least 0, with every sum the partner files let a reader ' +
  "rely on (a row's parts, the areas adding up to the exact national figures, months to quarters to " +
  "years, age groups to the area's total), the counts of rows left out inside every sum that contains " +
  'them, and the daily national files, which bound the first month of an area that joined after its ' +
  'first day, the smallest and largest value linear and integer programming finds for each such count ' +
  'differ by at least 5. A count of a row left out that the national figures alone (by period and ' +
  'daily) already narrow below a range of 5, as in a column whose national figure is below 5, keeps ' +
  'instead the whole range those figures allow.';

/** An area's row left out of one file of the period. */
export interface LeftOut {
  readonly file: string;
  readonly areaId: string;
}

/**
 * partner/disclosure/P.json: what a partner needs and nothing more. Neither a value, nor a range, nor
 * which hidden counts are small can be read from it: the number hidden is the number of ".." in the
 * files, the audit's result is the same for every period published.
 */
export interface PeriodDisclosure {
  readonly period: string;
  /** The snapshot day that first published the period; every later snapshot carries the same bytes. */
  readonly firstPublished: string;
  readonly files: readonly string[];
  readonly threshold: number;
  readonly rule: string;
  /** Counts shown as ".." in the period's files. */
  readonly hidden: number;
  readonly leftOut: readonly LeftOut[];
  readonly audit: {
    /** The periods whose files the audit read: the calendar year's, published so far or now. */
    readonly periods: readonly string[];
    readonly result: 'passed';
  };
}

export function disclosureJson(disclosure: PeriodDisclosure): string {
  return `${JSON.stringify(disclosure, null, 2)}\n`;
}

/**
 * A record as the archive holds it. Records published before issue 18 had another shape (and more in
 * it); what carrying a period forward needs, the rows left out, is read from either.
 */
export function parseDisclosure(body: string, name: string): PeriodDisclosure {
  const parsed = JSON.parse(body) as PeriodDisclosure;
  if (typeof parsed?.period !== 'string' || typeof parsed.firstPublished !== 'string')
    throw new Error(`${name}: not a disclosure record`);
  if (!Array.isArray(parsed.leftOut)) throw new Error(`${name}: no list of rows left out`);
  return parsed;
}
