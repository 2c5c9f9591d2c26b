// The operator scripts a newcomer runs (npm run seed, snapshot, verify-stats, admin), as child processes,
// in the situations that need no running service: --help, a wrong command line, and no service to find
// (no runtime.json, or one left by a service that has stopped). Each answer is short: usage on stdout and
// exit 0, or one line on stderr (never a stack trace) and exit 2.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';

const projectRoot = join(import.meta.dirname, '..', '..');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The script and the arguments that make it work on the local service (admin needs its command). */
const scripts = [
  { name: 'seed', args: [] },
  { name: 'snapshot', args: [] },
  { name: 'verify-stats', args: [] },
  { name: 'admin', args: ['create-admin-key'] },
] as const;

/** Runs `node scripts/<name>.ts ...args` as npm run would, with node 24 from node_modules/.bin. */
function run(name: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(projectRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  };
  for (const name of ['KAIKU_URL', 'PORT', 'KAIKU_DATA_DIR', 'KAIKU_DEBUG']) delete childEnv[name];
  Object.assign(childEnv, env);
  return new Promise((resolve, reject) => {
    const child = spawn('node', [`scripts/${name}.ts`, ...args], { cwd: projectRoot, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on (it did a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The pid of a process that has ended. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

let folder: string;
let emptyDataDir: string;
let staleDataDir: string;
let stalePid: number;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'kaiku-scripts-'));
  emptyDataDir = join(folder, 'empty');
  staleDataDir = join(folder, 'stale');
  for (const dir of [emptyDataDir, staleDataDir]) mkdirSync(dir);
  stalePid = await deadPid();
  const port = await closedPort();
  writeFileSync(
    join(staleDataDir, 'runtime.json'),
    `${JSON.stringify({
      url: `http://127.0.0.1:${port}`,
      pid: stalePid,
      region: 'eu-north-1',
      tableName: 'kaiku',
      bucket: 'kaiku-statistics',
      dynamoEndpoint: `http://127.0.0.1:${port}`,
      s3Endpoint: `http://127.0.0.1:${port}`,
      operator: { accessKeyId: 'LOCALOPERATOR', secretAccessKey: 'not-a-secret' },
    })}\n`,
  );
  writeFileSync(join(staleDataDir, 'admin-key'), 'kk.not-a-key\n');
});
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe.concurrent('the operator scripts, without a service', () => {
  it.for(scripts)('npm run $name -- --help prints its usage and exits 0', async ({ name }, { expect }) => {
    const answer = await run(name, ['--help']);
    expect(answer.stderr).toBe('');
    expect(answer.code).toBe(0);
    expect(answer.stdout).toMatch(new RegExp(`^Usage: npm run ${name}`));
    expect(answer.stdout).toContain('--help');
    expect(answer.stdout).toContain('KAIKU_DATA_DIR');
    expect(answer.stdout).toMatch(/Examples?:/);
    expect(answer.stdout).toContain('Environment:');
    // -h is the same.
    expect((await run(name, ['-h'])).stdout).toBe(answer.stdout);
  });

  it.for(scripts)(
    'npm run $name with an unknown option: one line naming it, exit 2',
    async ({ name, args }, { expect }) => {
      const answer = await run(name, [...args, '--no-such-option'], { KAIKU_DATA_DIR: emptyDataDir });
      expect(answer.code).toBe(2);
      expect(answer.stdout).toBe('');
      expect(lines(answer.stderr)).toHaveLength(1);
      expect(answer.stderr).toMatch(new RegExp(`^${name}: unknown option --no-such-option.*--help`));
    },
  );

  it.for(scripts)(
    'npm run $name with no runtime.json in KAIKU_DATA_DIR: one line, npm start, exit 2',
    async ({ name, args }, { expect }) => {
      const answer = await run(name, [...args], { KAIKU_DATA_DIR: emptyDataDir });
      expect(answer.code).toBe(2);
      expect(answer.stdout).toBe('');
      expect(lines(answer.stderr)).toHaveLength(1);
      expect(answer.stderr).not.toContain('    at ');
      expect(answer.stderr).toContain(
        `${name}: no local service: ${join(emptyDataDir, 'runtime.json')} is missing`,
      );
      expect(answer.stderr).toContain('npm start');
      expect(answer.stderr).toContain('KAIKU_DATA_DIR');
    },
  );

  it.for(scripts)(
    'npm run $name with a runtime.json whose service has stopped: one line, npm start, exit 2',
    async ({ name, args }, { expect }) => {
      const answer = await run(name, [...args], { KAIKU_DATA_DIR: staleDataDir });
      expect(answer.code).toBe(2);
      expect(answer.stdout).toBe('');
      expect(lines(answer.stderr)).toHaveLength(1);
      expect(answer.stderr).not.toContain('    at ');
      expect(answer.stderr).toMatch(
        new RegExp(`^${name}: no local service: .*\\(pid ${stalePid}\\) is no longer running`),
      );
      expect(answer.stderr).toContain('npm start');
    },
  );

  it('PORT that is not the port of runtime.json: says no service from this data folder runs on it', async ({
    expect,
  }) => {
    const port = await closedPort();
    const answer = await run('verify-stats', [], { KAIKU_DATA_DIR: staleDataDir, PORT: String(port) });
    expect(answer.code).toBe(2);
    expect(lines(answer.stderr)).toHaveLength(1);
    expect(answer.stderr).toContain(`no service from data folder ${staleDataDir} runs on PORT ${port}`);
  });

  it('the seed with a KAIKU_URL nothing answers at: one line, exit 2', async ({ expect }) => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const answer = await run('seed', [], { KAIKU_URL: url, KAIKU_DATA_DIR: emptyDataDir });
    expect(answer.code).toBe(2);
    expect(lines(answer.stderr)).toHaveLength(1);
    expect(answer.stderr).toMatch(new RegExp(`^seed: no service answers at ${url} .*npm start`));
  });

  it('bad values and a missing admin command: one line with the hint to --help, exit 2', async ({
    expect,
  }) => {
    const cases: Array<[string, string[], RegExp]> = [
      ['admin', [], /^admin: name a command: create-admin-key; see npm run admin -- --help$/],
      ['admin', ['rotate-everything'], /^admin: unknown command 'rotate-everything'/],
      ['snapshot', ['--date', '2025-02-30'], /^snapshot: --date 2025-02-30 must be a real day/],
      ['snapshot', ['--date'], /^snapshot: --date needs a value/],
      ['snapshot', ['--bucket', 'b'], /^snapshot: --bucket goes only with --table/],
      ['verify-stats', ['extra'], /^verify-stats: unexpected argument 'extra'/],
    ];
    for (const [name, args, message] of cases) {
      const answer = await run(name, args, { KAIKU_DATA_DIR: emptyDataDir });
      expect(answer.code, `${name} ${args.join(' ')}`).toBe(2);
      expect(lines(answer.stderr)).toHaveLength(1);
      expect(answer.stderr.trim()).toMatch(message);
      expect(answer.stderr).toContain('--help');
    }
  });
});
