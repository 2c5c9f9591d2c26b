// Unit tests of handlers whose requests all came through CloudFront: the origin check (shared/http/origin.ts,
// fromOrigin) lets every request pass. The check itself is tested end to end (test/e2e/edge-origin.test.ts).
//
// Import it for its side effect, as the test file's FIRST import: vi.mock here registers the mock when this
// module is evaluated, and a test file's imports are evaluated in order, so every module imported after it
// gets the mocked origin.ts; one imported before it (or by a setup file) would keep the real one. The path
// is resolved from this file.
import { vi } from 'vitest';

vi.mock('../../shared/http/origin.ts', async (original) => ({
  ...(await original<typeof import('../../shared/http/origin.ts')>()),
  fromOrigin: async () => true,
}));
