// npm run access-matrix: writes what each function may do, read from the synthesised roles, into
// docs/decisions/0008-least-privilege.md (a test fails when the document and the roles differ).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessMatrix } from '../infra/local/aws/access-matrix.ts';
import { functionTemplates } from '../infra/local/aws/roles.ts';

export const matrixDocument = join(import.meta.dirname, '..', 'docs', 'decisions', '0008-least-privilege.md');
const begin = '<!-- matrix: npm run access-matrix -->';
const end = '<!-- end of matrix -->';

/** The document with its matrix section replaced. */
export function withMatrix(document: string, matrix: string): string {
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${matrixDocument} has no matrix section`);
  return `${document.slice(0, from + begin.length)}\n${matrix}\n${document.slice(to)}`;
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(
      'Usage: npm run access-matrix\nRewrites the matrix of docs/decisions/0008-least-privilege.md from the synthesised roles.',
    );
    process.exit(0);
  }
  writeFileSync(
    matrixDocument,
    withMatrix(readFileSync(matrixDocument, 'utf8'), accessMatrix(functionTemplates())),
  );
  // Padded as the linter wants it (npm test runs biome check over the docs too).
  execFileSync(
    join(import.meta.dirname, '..', 'node_modules', '.bin', 'biome'),
    ['format', '--write', matrixDocument],
    {
      stdio: 'ignore',
    },
  );
  console.log(`Written: ${matrixDocument}`);
}
