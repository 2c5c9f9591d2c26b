// npm run lint:openapi: Redocly CLI's recommended rules (redocly.yaml) over openapi.json as the service
// builds it; exits non-zero on any error or warning. test/unit/openapi-lint.test.ts runs the same.
// Offline: the document is a local file, the config has no remote parts, and telemetry and the update
// check are off.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../shared/http/openapi.ts';

const root = join(import.meta.dirname, '..');

export interface LintResult {
  readonly totals: { readonly errors: number; readonly warnings: number; readonly ignored: number };
  readonly problems: readonly {
    readonly ruleId: string;
    readonly severity: string;
    readonly message: string;
  }[];
}

/** Lints a document (by default the service's own) with the project's redocly.yaml. */
export function lintOpenApi(document: object = openApiDocument()): LintResult {
  const folder = mkdtempSync(join(tmpdir(), 'kaiku-openapi-'));
  try {
    const file = join(folder, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    let output: string;
    try {
      output = execFileSync(
        join(root, 'node_modules', '.bin', 'redocly'),
        ['lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
        {
          cwd: folder,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            REDOCLY_TELEMETRY: 'off',
            REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
            CI: 'true',
          },
        },
      );
    } catch (error) {
      // Exit code 1 when it found errors; the report is still on stdout.
      output = String((error as { stdout?: string }).stdout ?? '');
      if (!output.trim().startsWith('{')) throw error;
    }
    return JSON.parse(output) as LintResult;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const result = lintOpenApi();
  for (const problem of result.problems)
    console.log(`${problem.severity} ${problem.ruleId}: ${problem.message}`);
  console.log(`openapi.json: ${result.totals.errors} errors, ${result.totals.warnings} warnings`);
  if (result.totals.errors + result.totals.warnings > 0) process.exit(1);
}
