// npm run build:web: the web app (web/) built with Vite into web/dist. `npm start` (prestart) and the
// browser tests call ensureWebBuild(), which builds only when web/dist is missing or older than its sources:
// the build records a hash of every file it read (web/dist/build-inputs.json).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { build, type InlineConfig, type Plugin } from 'vite';
import { projectRoot } from '../infra/paths.ts';

export const webRoot = join(projectRoot, 'web');
export const webDist = join(webRoot, 'dist');
const inputsFile = 'build-inputs.json';

const inProject = (file: string) => join(projectRoot, file);
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Writes into the service worker the list of built files (so it caches every one when it installs) and a
 * hash of them (its cache's name): a new build is a new worker, which drops the old cache.
 */
function precacheManifest(): Plugin {
  return {
    name: 'kaiku-precache-manifest',
    generateBundle(_, bundle) {
      const worker = Object.values(bundle).find((file) => file.fileName === 'sw.js');
      if (worker?.type !== 'chunk') throw new Error('the build has no sw.js');
      const publicFiles = readdirSync(join(webRoot, 'public')).map((name) => `/${name}`);
      const files = Object.keys(bundle)
        .filter((name) => name !== 'sw.js' && !name.endsWith('.map'))
        .map((name) => `/${name}`)
        .sort();
      const version = sha256(
        files
          .map((name) => {
            const file = bundle[name.slice(1)]!;
            return `${name}:${file.type === 'chunk' ? sha256(file.code) : sha256(Buffer.from(file.source))}`;
          })
          .join('\n'),
      ).slice(0, 16);
      worker.code = worker.code
        .replaceAll('__PRECACHE_FILES__', JSON.stringify([...files, ...publicFiles]))
        .replaceAll('__PRECACHE_VERSION__', JSON.stringify(version));
    },
  };
}

export function webConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: webRoot,
    base: '/',
    logLevel: 'warn',
    publicDir: join(webRoot, 'public'),
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // Everything is a file of its own: no data: URLs, nothing inline for the CSP to refuse.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      sourcemap: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: { main: join(webRoot, 'index.html'), sw: join(webRoot, 'sw', 'sw.ts') },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
    plugins: [precacheManifest()],
  };
}

/**
 * Every file under web/ (but the build), this script (its settings shape the build) and every project file
 * the app imports: what a build depends on.
 */
function sourceFiles(): string[] {
  const found: string[] = [join(projectRoot, 'scripts', 'build-web.ts')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!path.startsWith(webDist) && entry.name !== 'node_modules') walk(path);
      } else found.push(path);
    }
  };
  walk(webRoot);
  return found;
}

function inputsHash(files: readonly string[]): string {
  const lines = [...new Set(files)]
    .sort()
    .map((file) => `${relative(projectRoot, file)}:${existsSync(file) ? sha256(readFileSync(file)) : '-'}`);
  return sha256(lines.join('\n'));
}

/** Builds into outDir (by default web/dist, replaced whole once the new build is complete). */
export async function buildWeb(outDir = webDist): Promise<void> {
  const staging = `${outDir}.building-${process.pid}`;
  // Vite makes a production build only when NODE_ENV is unset or "production"; under vitest it is "test",
  // and a test's build would lose what only the built app has (the service worker's registration).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const result = await build(webConfig(staging)).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const outputs = Array.isArray(result) ? result : [result];
  // The project's own modules the bundle read, besides web/ (shared/contract/card-number-check.ts).
  const imported = outputs.flatMap((output) =>
    'output' in output
      ? output.output.flatMap((chunk) => (chunk.type === 'chunk' ? Object.keys(chunk.modules) : []))
      : [],
  );
  const projectFiles = imported
    .filter(
      (file) => file.startsWith(projectRoot) && !file.includes('node_modules') && !file.startsWith(webRoot),
    )
    .map((file) => relative(projectRoot, file));
  const lockFile = join(projectRoot, 'package-lock.json');
  const record = {
    projectFiles,
    hash: inputsHash([...sourceFiles(), ...projectFiles.map(inProject), lockFile]),
  };
  writeFileSync(join(staging, inputsFile), `${JSON.stringify(record, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
}

/** Whether web/dist is there and was built from the sources as they are now. */
export function webBuildIsCurrent(outDir = webDist): boolean {
  try {
    const record = JSON.parse(readFileSync(join(outDir, inputsFile), 'utf8')) as {
      projectFiles: string[];
      hash: string;
    };
    if (!statSync(join(outDir, 'index.html')).isFile()) return false;
    const lockFile = join(projectRoot, 'package-lock.json');
    return record.hash === inputsHash([...sourceFiles(), ...record.projectFiles.map(inProject), lockFile]);
  } catch {
    return false;
  }
}

/** Builds web/dist unless it is current; one build at a time across processes (a lock directory). */
export async function ensureWebBuild(): Promise<'built' | 'current'> {
  if (webBuildIsCurrent()) return 'current';
  const lock = `${webDist}.lock`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than 3 minutes is left over from a crash.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`${lock} stays locked: remove it if no build runs`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (webBuildIsCurrent()) return 'current';
    await buildWeb();
    return 'built';
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const onlyIfStale = process.argv.includes('--if-stale');
  const outAt = process.argv.indexOf('--out');
  const outDir = outAt > 0 ? process.argv[outAt + 1] : undefined;
  if (process.argv.includes('--help')) {
    console.log(
      'Usage: npm run build:web [-- --if-stale | --out <dir>]\nBuilds the web app into web/dist (with --if-stale only when its sources changed), or into <dir> (the CDK synth does).',
    );
    process.exit(0);
  }
  const started = Date.now();
  const outcome = onlyIfStale ? await ensureWebBuild() : await buildWeb(outDir).then(() => 'built');
  // Quiet when there was nothing to do: before `npm start`, the service's own lines come first (a refused
  // second start says why in one line).
  if (outcome === 'built')
    console.log(
      `Web app built into ${outDir ?? 'web/dist'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
}
