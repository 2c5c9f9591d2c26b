// The one description of how a handler becomes a Lambda bundle. KaikuFunction hands it to NodejsFunction,
// and test/infra/bundle.test.ts hands it to esbuild directly, so the test builds what CDK deploys.

import { jobHandlers } from '../../shared/routes.ts';

/** ESM output cannot call require(); CommonJS dependencies bundled into it still do. */
export const requireShim =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export const lambdaBundle = {
  target: 'node24',
  // Prefer the ESM build of dependencies: it tree-shakes, notably the bundled AWS SDK.
  mainFields: ['module', 'main'],
  banner: requireShim,
  minify: true,
  sourceMap: true,
  // Stack traces need only the mappings; the sources themselves would double the bundle.
  sourcesContent: false,
} as const;

/** The same options in esbuild's own terms, for building bundles outside CDK (tests, the bench). */
export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: lambdaBundle.target,
  mainFields: [...lambdaBundle.mainFields],
  banner: { js: lambdaBundle.banner },
  minify: lambdaBundle.minify,
  sourcemap: lambdaBundle.sourceMap,
  sourcesContent: lambdaBundle.sourcesContent,
} as const;

/**
 * Files a bundle reads beside itself at run time, copied next to it after bundling. HiGHS loads its
 * WebAssembly from `new URL('highs.wasm', import.meta.url)`, which esbuild cannot inline; only the
 * snapshot job solves (the disclosure audit), and test/infra/bundle.test.ts checks that no other bundle
 * takes in the solver.
 */
export const runtimeFiles: Readonly<Record<string, readonly string[]>> = {
  [jobHandlers.snapshot]: ['node_modules/highs/build/highs.wasm'],
};
