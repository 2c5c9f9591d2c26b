// Every handler of the route table, and the authorizer, bundled as KaikuFunction bundles them for Lambda.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions, runtimeFiles } from '../../infra/constructs/lambda-bundle.ts';
import { projectRoot } from '../../infra/paths.ts';
import { allHandlers, jobHandlers } from '../../shared/http/routes.ts';

const handlerFiles = allHandlers();
// Loads the solver as the snapshot bundle does, so the test can run it with and without its runtime files.
const solverProbe = 'test/infra/fixtures/solve.ts';
const outdir = mkdtempSync(join(tmpdir(), 'kaiku-bundles-'));
let metafile: Metafile;

beforeAll(async () => {
  // One build with many entry points: each still gets a bundle of its own, as in CDK, in one pass.
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: [...handlerFiles, solverProbe].map((file) => ({ in: file, out: file.replace(/\.ts$/, '') })),
    outdir,
    outExtension: { '.js': '.mjs' },
    ...esbuildOptions,
    mainFields: [...esbuildOptions.mainFields],
    // No externals: the AWS SDK goes into the bundle, as with bundleAwsSDK.
    metafile: true,
    logLevel: 'silent',
  });
  metafile = result.metafile;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const bundleOf = (handlerFile: string): string => {
  const output = Object.entries(metafile.outputs).find(([, out]) => out.entryPoint === handlerFile);
  if (!output) throw new Error(`no bundle for ${handlerFile}`);
  return join(projectRoot, output[0]);
};

describe('Lambda bundles', () => {
  it.each(handlerFiles)('%s builds, is not empty and exports handler', (handlerFile) => {
    const bundle = bundleOf(handlerFile);
    expect(statSync(bundle).size).toBeGreaterThan(0);
    expect(metafile.outputs[relative(projectRoot, bundle)]!.exports).toContain('handler');
  });

  it('bundle the AWS SDK instead of expecting it from the runtime', () => {
    const sdkInputs = (handlerFile: string) =>
      Object.keys(metafile.outputs[relative(projectRoot, bundleOf(handlerFile))]!.inputs).filter((input) =>
        input.includes('node_modules/@aws-sdk/'),
      );
    expect(sdkInputs('functions/health.ts').length).toBeGreaterThan(0);
  });

  it('never contain the local runtime, its AGPL policy evaluator or CDK (decision 0007)', () => {
    for (const handlerFile of handlerFiles) {
      const inputs = Object.keys(metafile.outputs[relative(projectRoot, bundleOf(handlerFile))]!.inputs);
      expect(
        inputs.filter((input) => /iam-simulate|@cloud-copilot|infra\/local|aws-cdk-lib/.test(input)),
      ).toEqual([]);
    }
  });

  it('load in Node as ES modules and give a handler function', () => {
    // A fresh process: the bundles must stand alone, CommonJS dependencies and the require shim included.
    const script = `for (const file of process.argv.slice(1)) {
      const loaded = await import(file);
      if (typeof loaded.handler !== 'function') throw new Error(file + ' has no handler');
    }`;
    const bundles = handlerFiles.map(bundleOf);
    execFileSync(process.execPath, ['--input-type=module', '-e', script, ...bundles], {
      env: { ...process.env, AWS_REGION: 'eu-north-1', TABLE_NAME: 'kaiku' },
      stdio: 'pipe',
    });
  });

  it('leave the solver out of every bundle, and only the snapshot job imports it, with its files beside it', () => {
    const importsSolver = (handlerFile: string) =>
      metafile.outputs[relative(projectRoot, bundleOf(handlerFile))]!.imports.some(
        (imported) => imported.path === 'highs' && imported.external,
      );
    expect(handlerFiles.filter(importsSolver)).toEqual([jobHandlers.snapshot]);
    for (const handlerFile of handlerFiles)
      expect(
        Object.keys(metafile.outputs[relative(projectRoot, bundleOf(handlerFile))]!.inputs).filter((input) =>
          input.includes('node_modules/highs/'),
        ),
      ).toEqual([]);
    expect(runtimeFiles[jobHandlers.snapshot]).toEqual(
      expect.arrayContaining(['node_modules/highs/build/highs.mjs', 'node_modules/highs/build/highs.wasm']),
    );
  });

  it('solve with HiGHS once the runtime files are beside the bundle, and fail without them', () => {
    const probe = bundleOf(solverProbe);
    const run = () => execFileSync(process.execPath, [probe], { stdio: 'pipe', encoding: 'utf8' }).trim();
    expect(run).toThrow(/Cannot find package 'highs'/);
    for (const file of runtimeFiles[jobHandlers.snapshot]!) {
      mkdirSync(dirname(join(dirname(probe), file)), { recursive: true });
      copyFileSync(join(projectRoot, file), join(dirname(probe), file));
    }
    expect(JSON.parse(run())).toEqual({ status: 7, x: 3 });
  });
});
