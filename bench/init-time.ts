// Cold-start cost of a bundle: the time to import it in a fresh Node process, measured inside that process,
// with the environment the function gets in AWS: its variables from the synthesised template, NODE_OPTIONS
// (--enable-source-maps) included, so the source map of the bundle is loaded as it is there.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { functionTemplates } from '../infra/local/aws/roles.ts';

const probe = `const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);`;

/** A bundle to import and the environment variables it is imported with. */
export interface LoadTarget {
  readonly file: string;
  readonly environment: Readonly<Record<string, string>>;
}

export function loadTimeMs(target: LoadTarget): number {
  const { NODE_OPTIONS: _parents, ...parent } = process.env;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', probe, pathToFileURL(target.file).href],
    {
      encoding: 'utf8',
      env: { ...parent, AWS_REGION: 'eu-north-1', TABLE_NAME: 'bench', ...target.environment },
    },
  );
  return Number(out.trim());
}

/**
 * Every function's environment as its CloudFormation template sets it (the variables with plain string
 * values: NODE_OPTIONS, Powertools settings; a table name or an ARN from another resource is left out),
 * by handler file.
 */
export function deployedEnvironments(): Map<string, Record<string, string>> {
  return new Map(
    functionTemplates().map((fn) => [
      fn.handlerFile,
      Object.fromEntries(
        Object.entries(fn.environment).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      ),
    ]),
  );
}

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Interleaves the bundles in every round, so a noisy moment hurts all of them alike. */
export function medianLoadTimes(targets: readonly LoadTarget[], rounds: number): number[] {
  const samples = targets.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) samples[index]!.push(loadTimeMs(target));
  }
  return samples.map(median);
}
