// Opens CSV files the way a person would: in LibreOffice Calc (headless), converted to flat ODS, so a
// test can see which cells the spreadsheet made formulas of. Import settings are the most trusting a user
// can choose: UTF-8, comma-separated, quoted fields not forced to text, spaces trimmed and formulas
// evaluated (CSV filter tokens 7, 11 and 13).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const trustingImport = 'CSV:44,34,76,1,,0,false,true,false,false,true,-1,true';

export interface OpenedSheet {
  /** Each cell's formula (`of:=...`), for the cells LibreOffice made formulas of. */
  readonly formulas: string[];
  /** The text LibreOffice shows in each cell, in order. */
  readonly texts: string[];
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const textOf = (xml: string) =>
  xml
    .replace(/<text:s(?: text:c="(\d+)")?\/>/g, (_, count) => ' '.repeat(Number(count ?? 1)))
    .replace(/<text:tab\/>/g, '\t')
    .replace(/<text:line-break\/>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] ?? '')
    .replace(/&#(x?)([0-9a-fA-F]+);/g, (_, hex, digits) =>
      String.fromCodePoint(parseInt(digits, hex ? 16 : 10)),
    );

/** Converts every file in one LibreOffice run (each run takes seconds); answers by the files' names. */
export async function openInLibreOffice(
  files: ReadonlyMap<string, string>,
): Promise<Map<string, OpenedSheet>> {
  const folder = await mkdtemp(join(tmpdir(), 'kaiku-calc-'));
  try {
    const names = [...files.keys()].map((name, index) => ({ name, file: `f${index}.csv` }));
    for (const { name, file } of names) await writeFile(join(folder, file), files.get(name)!);
    await run(
      'libreoffice',
      [
        `-env:UserInstallation=file://${join(folder, 'profile')}`,
        '--headless',
        `--infilter=${trustingImport}`,
        '--convert-to',
        'fods',
        '--outdir',
        join(folder, 'out'),
        ...names.map(({ file }) => join(folder, file)),
      ],
      { timeout: 240_000 },
    );
    const opened = new Map<string, OpenedSheet>();
    for (const { name, file } of names) {
      const xml = await readFile(join(folder, 'out', file.replace(/\.csv$/, '.fods')), 'utf8');
      const formulas = [...xml.matchAll(/table:formula="([^"]*)"/g)].map((match) => textOf(match[1] ?? ''));
      const texts = [...xml.matchAll(/<text:p>(.*?)<\/text:p>/gs)].map((match) => textOf(match[1] ?? ''));
      opened.set(name, { formulas, texts });
    }
    return opened;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
