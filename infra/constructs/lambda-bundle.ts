// The one description of how a handler becomes a Lambda bundle. KaikuFunction hands it to NodejsFunction,
// and test/infra/bundle.test.ts hands it to esbuild directly, so the test builds what CDK deploys.

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
