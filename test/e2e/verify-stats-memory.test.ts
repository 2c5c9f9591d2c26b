// npm run verify-stats in bounded memory (issue 21): it streams the table through files on disk instead
// of holding every card and use, so it runs under a heap limit far below what the data would take in
// memory (the version before held about 700 bytes a use, and ran out here). Its own dates: the register's
// days come from this file's instant, and the recount is right on any day it runs.
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';
import { useFreshTable } from '../support/service.ts';
import { SyntheticRegister } from '../support/synthetic-register.ts';

const instant = new Date('2026-06-30T12:00:00Z');
const uses = 20_000;
/**
 * MB of V8 old space. The script itself needs about 22 (it fails at 20 on any table); held in memory
 * (about 690 bytes a use, issue 21) the uses alone would add 14 more. 20,000 uses rather than more keep
 * the seeding inside a busy CI run's budget.
 */
const heapLimitMb = 28;
let tableName: string;

beforeAll(async () => {
  tableName = await useFreshTable();
  const register = new SyntheticRegister('2026-06-30');
  for (const areaId of ['memory-a', 'memory-b']) await register.putCards(areaId, 500);
  for (let written = 0; written < uses; written += 10_000)
    await register.putUses(register.uses(10_000), instant);
}, 600_000);

function verifyStats(heapMb: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${heapMb}`,
        'scripts/verify-stats.ts',
        '--table',
        tableName,
        '--region',
        'eu-north-1',
      ],
      { cwd: projectRoot, env: process.env },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run verify-stats under a small heap', () => {
  it(`recounts ${uses} uses with --max-old-space-size=${heapLimitMb} and finds every counter right`, async () => {
    const { code, output } = await verifyStats(heapLimitMb);
    expect(output).toContain(`${uses} uses, 1000 cards`);
    expect(output).toContain('No differences');
    expect(code).toBe(0);
  }, 300_000);
});
