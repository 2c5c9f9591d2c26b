// KAIKU_CLOCK is for the local service only: the CDK app refuses to synthesise while it is set (cdk synth
// and cdk deploy fail with one clear message), no function is ever given it, and only the local runtime's
// own synth (roles and environments, never deployed) lets it be (docs/decisions/0013-local-clock.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { KaikuFunction } from '../../infra/constructs/kaiku-function.ts';
import { addKaikuStacks, refuseLocalClock } from '../../infra/kaiku-app.ts';
import { functionTemplates } from '../../infra/local/aws/roles.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const saved = { ...process.env };

afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('KAIKU_CLOCK')) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('KAIKU_CLOCK and the AWS stacks', () => {
  it('makes the synth refuse, with the reason', () => {
    process.env.KAIKU_CLOCK = '2025-03-01T10:00:00+02:00';
    expect(() => addKaikuStacks(new App(), { bundle: false })).toThrow(
      'KAIKU_CLOCK is set: it is for the local service only (npm start) and never honoured in AWS; unset it before cdk synth or cdk deploy.',
    );
    delete process.env.KAIKU_CLOCK;
    process.env.KAIKU_CLOCK_OFFSET_MS = '-86400000';
    expect(() => refuseLocalClock()).toThrow(/KAIKU_CLOCK_OFFSET_MS is set/);
    expect(() => refuseLocalClock({ PATH: '/bin' })).not.toThrow();
  });

  it('makes `cdk synth` (the app of cdk.json) fail before anything is synthesised', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kaiku-clock-synth-'));
    try {
      const run = spawnSync(process.execPath, ['infra/app.ts'], {
        cwd: projectRoot,
        env: { ...process.env, KAIKU_CLOCK: '2025-03-01T10:00:00Z', CDK_OUTDIR: outdir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('KAIKU_CLOCK is set: it is for the local service only');
      expect(readdirSync(outdir)).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('is never put in a function’s environment', () => {
    const stack = new Stack(new App(), 'ClockTest');
    const table = Table.fromTableName(stack, 'Table', 'kaiku-test');
    expect(
      () =>
        new KaikuFunction(stack, 'Health', {
          handlerFile: 'functions/health.ts',
          description: 'health',
          table,
          tableGrant: {},
          bundle: false,
          environment: { KAIKU_CLOCK: '2025-03-01T10:00:00Z' },
        }),
    ).toThrow(/KAIKU_CLOCK is for the local service only/);
  });

  it('may be set for the local runtime’s own synth, and reaches no function’s environment there either', () => {
    process.env.KAIKU_CLOCK = '2025-03-01T10:00:00+02:00';
    const templates = functionTemplates();
    expect(templates.length).toBeGreaterThan(10);
    for (const template of templates)
      expect(Object.keys(template.environment).filter((name) => name.startsWith('KAIKU_CLOCK'))).toEqual([]);
  });
});
