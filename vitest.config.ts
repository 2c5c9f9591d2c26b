import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/run-clock-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A poll waits for the service to get somewhere (the stream counted, a page loaded); vitest's 1 s is
    // a speed assertion in disguise, which a loaded 2-core machine fails. Speed is the bench's job.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
