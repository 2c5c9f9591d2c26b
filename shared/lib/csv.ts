// RFC 4180 CSV: enough for the batch upload (spreadsheets saved as CSV) and the usage export.
import { invalid } from './errors.ts';

/** Spreadsheets with a Finnish locale save CSV with semicolons: the header line (outside quotes) tells. */
function delimiterOf(source: string): ',' | ';' {
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of source) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const source = text.replace(/^\uFEFF/, '');
  const delimiter = delimiterOf(source);
  while (i < source.length) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      i++;
      continue;
    }
    if (char === '"' && cell === '') quoted = true;
    else if (char === delimiter) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((value) => value !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
    i++;
  }
  if (quoted) throw invalid([{ field: '(body)', problem: 'a quoted CSV cell is not closed' }]);
  row.push(cell);
  if (row.some((value) => value !== '')) rows.push(row);
  return rows;
}

/** More columns than any upload of ours has: refused before the text is parsed at all. */
export const maxCsvColumns = 50;

function checkHeaderWidth(text: string): void {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  const delimiter = delimiterOf(header);
  let cells = 1;
  for (const char of header) if (char === delimiter && ++cells > maxCsvColumns) break;
  if (cells > maxCsvColumns)
    throw invalid([{ field: '(header)', problem: `has more than ${maxCsvColumns} columns` }]);
}

/** Rows as objects keyed by the header; numeric columns become numbers, empty cells are left out. */
export function csvRecords(text: string, columns: readonly string[], numeric: readonly string[]) {
  checkHeaderWidth(text);
  const [header, ...rows] = parseCsv(text);
  if (!header) throw invalid([{ field: '(body)', problem: 'the CSV has no header row' }]);
  const names = header.map((name) => name.trim());
  const unknown = names.filter((name) => !columns.includes(name));
  if (unknown.length > 0)
    throw invalid(
      unknown.map((name) => ({ field: name, problem: `is not a known column (${columns.join(', ')})` })),
    );
  return rows.map((cells, index) => {
    if (cells.length > names.length)
      return {
        row: index + 2,
        record: null,
        problem: `has ${cells.length} cells, the header has ${names.length}`,
      };
    const record: Record<string, unknown> = {};
    names.forEach((name, column) => {
      const cell = cells[column]?.trim() ?? '';
      if (cell === '') return;
      record[name] = numeric.includes(name) && /^-?\d+$/.test(cell) ? Number(cell) : cell;
    });
    return { row: index + 2, record, problem: undefined };
  });
}

// What a spreadsheet may skip before it reads a cell (spaces of every kind, zero-width and other format
// characters), then the characters that start a formula, the full-width and small forms among them.
const formulaLead = /^[\s\p{Z}\p{Cf}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u2212]/u;

/**
 * One cell of a CSV this service writes. A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return as a formula even when it is quoted, and some trim spaces and invisible
 * characters first; so a cell whose first visible character starts a formula, or that starts with any
 * control character, gets a leading `'` (docs/api.md). Numbers are written as they are: a count is never
 * negative, and a number is no formula. test/e2e/csv-spreadsheet.test.ts opens every CSV in LibreOffice.
 */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const raw = value === undefined || value === null ? '' : String(value);
  const text = formulaLead.test(raw) || /^\p{Cc}/u.test(raw) ? `'${raw}` : raw;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return `${[
    columns.join(','),
    ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(',')),
  ].join('\n')}\n`;
}
