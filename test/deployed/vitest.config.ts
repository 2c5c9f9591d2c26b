// `npm run test:deployed`: the smoke test of test/deployed/ against a running service over HTTP
// (KAIKU_URL, KAIKU_ADMIN_KEY), never collected by `npm test` (whose config takes test/**/*.test.ts) and
// without its global setup: nothing local is started. Without both variables it refuses to run, so that a
// pipeline never passes by skipping.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const missing = ['KAIKU_URL', 'KAIKU_ADMIN_KEY'].filter((name) => !process.env[name]);
if (missing.length > 0)
  throw new Error(
    `test:deployed needs ${missing.join(' and ')}: the service's base URL (e.g. the Api stack's ApiUrl ` +
      'output, or http://127.0.0.1:3000 for npm start) and a national admin key (npm start: .kaiku/admin-key)',
  );

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/deployed/**/*.deployed.ts'],
    // In order, one file: each step uses what the one before made.
    sequence: { concurrent: false },
    fileParallelism: false,
    testTimeout: 60_000,
    // The snapshot step waits for the asynchronous snapshot function (KAIKU_SNAPSHOT_WAIT_SECONDS).
    hookTimeout: 60_000,
  },
});
