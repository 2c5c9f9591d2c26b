// The one clock (shared/lib/clock.ts): the system clock unless the local runtime moves it, the same in every
// worker thread at once, moving on in real time; KAIKU_CLOCK's parsing; and no other "now" in the code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../infra/local/dynamodb.ts';
import { clockOffsetFromEnv, parseKaikuClock } from '../../infra/local/local-clock.ts';
import { startNightlySchedule } from '../../infra/local/nightly.ts';
import { optionsFromEnv } from '../../infra/local/runtime.ts';
import {
  clockBuffer,
  clockOffsetMs,
  now,
  nowMs,
  setClockOffset,
  useClockBuffer,
} from '../../shared/lib/clock.ts';
import { today } from '../../shared/lib/dates.ts';
import { nextNightlyRun } from '../../shared/stats/snapshot/nightly-time.ts';

const projectRoot = join(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => setClockOffset(0));

describe('the clock', () => {
  it('is the system clock until the local runtime sets an offset', () => {
    expect(clockOffsetMs()).toBe(0);
    const before = Date.now();
    const reading = nowMs();
    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThanOrEqual(Date.now());
    expect(now()).toBeInstanceOf(Date);
  });

  it('runs from the instant it is set to and moves on in real time; "today" follows it', async () => {
    const instant = Date.parse('2025-03-10T10:00:00+02:00');
    setClockOffset(instant - Date.now());
    const first = nowMs();
    expect(Math.abs(first - instant)).toBeLessThan(1000);
    expect(today()).toBe('2025-03-10');
    await sleep(120);
    const later = nowMs();
    expect(later - first).toBeGreaterThanOrEqual(100);
    expect(later - first).toBeLessThan(5000);
  });

  it('is one clock for every worker thread that shares its buffer: a change reaches them all at once', async () => {
    const workers = [0, 1].map(
      () =>
        new Worker(join(projectRoot, 'test', 'support', 'clock-worker.ts'), {
          workerData: { clock: clockBuffer() },
        }),
    );
    const read = (worker: Worker) =>
      new Promise<number>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('now?');
      });
    try {
      const offset = -400 * 86_400_000;
      setClockOffset(offset);
      for (const worker of workers) {
        const reading = await read(worker);
        expect(Math.abs(reading - (Date.now() + offset))).toBeLessThan(2000);
      }
      setClockOffset(0);
      for (const worker of workers) expect(Math.abs((await read(worker)) - Date.now())).toBeLessThan(2000);
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  });

  it('cannot be moved inside AWS Lambda', () => {
    const saved = process.env.AWS_EXECUTION_ENV;
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
    try {
      expect(() => setClockOffset(-1000)).toThrow(/system clock in AWS Lambda/);
      expect(() => useClockBuffer(new SharedArrayBuffer(8))).toThrow(/system clock in AWS Lambda/);
      expect(clockOffsetMs()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
      else process.env.AWS_EXECUTION_ENV = saved;
    }
  });

  it('refuses an offset that is not whole milliseconds', () => {
    expect(() => setClockOffset(1.5)).toThrow(/whole number/);
    expect(() => setClockOffset(Number.NaN)).toThrow(/whole number/);
  });

  it("drives the local nightly schedule: 02:30 of the clock's night", async () => {
    // The clock 50 ms before a nightly run of some night in the past.
    const due = nextNightlyRun(new Date('2025-06-14T12:00:00Z'));
    setClockOffset(due.getTime() - 50 - Date.now());
    const calls: string[] = [];
    const schedule = startNightlySchedule(async (event) => {
      calls.push(event.scheduledTime);
    });
    try {
      expect(schedule.next().toISOString()).toBe(due.toISOString());
      for (let wait = 0; calls.length === 0 && wait < 40; wait++) await sleep(25);
      expect(calls).toEqual([due.toISOString()]);
    } finally {
      await schedule.stop();
    }
  });
});

describe('KAIKU_CLOCK', () => {
  it('is an ISO 8601 instant with its zone, turned into an offset from the real time once', () => {
    expect(parseKaikuClock('2025-09-01T12:00:00+03:00').toISOString()).toBe('2025-09-01T09:00:00.000Z');
    expect(parseKaikuClock('2025-09-01T09:00:00Z').toISOString()).toBe('2025-09-01T09:00:00.000Z');
    const real = Date.parse('2026-12-01T00:00:00Z');
    expect(clockOffsetFromEnv({ KAIKU_CLOCK: '2025-12-01T00:00:00Z' }, real)).toBe(-365 * 86_400_000);
    expect(clockOffsetFromEnv({}, real)).toBeUndefined();
    expect(clockOffsetFromEnv({ KAIKU_CLOCK: '' }, real)).toBeUndefined();
  });

  it('is refused with one line when it is not an instant', () => {
    for (const text of [
      'yesterday',
      '2025-09-01',
      '2025-09-01T12:00:00',
      '2025-02-30T12:00:00Z',
      '2025-09-01T25:00Z',
    ]) {
      expect(() => parseKaikuClock(text)).toThrow(StartupError);
      expect(() => optionsFromEnv({ KAIKU_CLOCK: text })).toThrow(
        /^KAIKU_CLOCK must be an ISO 8601 instant with its zone, e\.g\. .* \(it is '.*'\)\.$/,
      );
    }
  });

  it("becomes npm start's clock offset", () => {
    const options = optionsFromEnv({ KAIKU_CLOCK: '2025-01-15T09:00:00+02:00' });
    expect(Math.abs(options.clockOffsetMs! - (Date.parse('2025-01-15T07:00:00Z') - Date.now()))).toBeLessThan(
      1000,
    );
    expect(optionsFromEnv({}).clockOffsetMs).toBeUndefined();
  });
});

/** Every .ts file under a folder of the project. */
function sources(folder: string): string[] {
  const root = join(projectRoot, folder);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, name))
    .filter((file) => statSync(file).isFile());
}

describe('every "now" comes from the clock', () => {
  const files = [
    ...sources('shared'),
    ...sources('functions'),
    // The scripts that act as the service itself.
    ...['snapshot', 'verify-stats', 'admin'].map((name) => join(projectRoot, 'scripts', `${name}.ts`)),
  ].filter((file) => !file.endsWith(join('shared', 'lib', 'clock.ts')));

  it('no new Date() or Date.now() in shared/, functions/ or the service scripts, but for real time said so', () => {
    const found: string[] = [];
    for (const file of files)
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, '');
          if (/new Date\(\s*\)|Date\.now\(\)/.test(code) && !/\/\/ real time/.test(line))
            found.push(`${relative(projectRoot, file)}:${index + 1}: ${line.trim()}`);
        });
    expect(found).toEqual([]);
  });

  it('only the local runtime, its scripts and the tests move the clock', () => {
    const movers = files.filter((file) =>
      /\b(setClockOffset|useClockBuffer)\b/.test(readFileSync(file, 'utf8')),
    );
    expect(movers.map((file) => relative(projectRoot, file))).toEqual([]);
  });
});
