// Cold-start cost of a bundle: the time to import it in a fresh Node process, measured inside that process.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const probe = `const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);`;

export function loadTimeMs(file: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', probe, pathToFileURL(file).href], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'eu-north-1', TABLE_NAME: 'bench' },
  });
  return Number(out.trim());
}

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Interleaves the bundles in every round, so a noisy moment hurts all of them alike. */
export function medianLoadTimes(files: readonly string[], rounds: number): number[] {
  const samples = files.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, file] of files.entries()) samples[index]!.push(loadTimeMs(file));
  }
  return samples.map(median);
}
