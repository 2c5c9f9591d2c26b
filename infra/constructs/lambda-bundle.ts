// The one description of how a handler becomes a Lambda bundle. KaikuFunction hands it to NodejsFunction,
// and test/infra/bundle.test.ts hands it to esbuild directly, so the test builds what CDK deploys.

import { jobHandlers } from '../../shared/http/routes.ts';

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
  // The solver (168 KB of JavaScript and its WebAssembly) is loaded only on nights a period closes, so
  // it stays out of the bundle that every cold start parses: it ships beside it (runtimeFiles).
  externalModules: ['highs'],
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
  external: [...lambdaBundle.externalModules] as string[],
} as const;

/**
 * Files a bundle reads at run time, copied after bundling to the same path under the bundle's folder:
 * the external solver package, which Node finds in `node_modules/` beside the bundle (its ES build, and
 * the WebAssembly it loads from `new URL('highs.wasm', import.meta.url)`). Only the snapshot job solves
 * (the disclosure audit); test/infra/bundle.test.ts checks that no other bundle imports the solver.
 */
export const runtimeFiles: Readonly<Record<string, readonly string[]>> = {
  [jobHandlers.snapshot]: [
    'node_modules/highs/package.json',
    'node_modules/highs/build/highs.mjs',
    'node_modules/highs/build/highs.wasm',
  ],
};
