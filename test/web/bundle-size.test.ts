// The web app's build: the JavaScript a browser loads first is at most 80 KB gzipped, nothing is inline
// (the CSP allows no inline script or style), and the service worker lists every file of the build.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.ts';

const budgetBytes = 80 * 1024;
let outDir: string;
let html: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'kaiku-web-'));
  await buildWeb(join(outDir, 'dist'));
  html = readFileSync(join(outDir, 'dist', 'index.html'), 'utf8');
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The scripts index.html loads, and the modules they preload: what runs before the first paint. */
function initialScripts(): string[] {
  const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
  const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map(
    (match) => match[1]!,
  );
  return [...scripts, ...preloads];
}

describe('the web app build', () => {
  it(`loads at most ${budgetBytes / 1024} KB of JavaScript (gzipped) first`, () => {
    const files = initialScripts();
    expect(files.length).toBeGreaterThan(0);
    const gzipped = files.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(outDir, 'dist', file)), { level: 9 }).length,
      0,
    );
    console.log(`Initial JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped in ${files.length} file(s)`);
    expect(gzipped).toBeLessThanOrEqual(budgetBytes);
  });

  it('has no inline script or style for the CSP to refuse', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/\son[a-z]+="/);
    expect(html).not.toMatch(/data:/);
  });

  it('is a production build even under vitest: the app registers its service worker', () => {
    // Vite builds for development when NODE_ENV is "test"; that build leaves the registration out.
    expect(process.env.NODE_ENV).toBe('test');
    const entry = readFileSync(join(outDir, 'dist', initialScripts()[0]!), 'utf8');
    expect(entry).toContain('/sw.js');
  });

  it('has a service worker that caches every built file', () => {
    const worker = readFileSync(join(outDir, 'dist', 'sw.js'), 'utf8');
    expect(worker).not.toContain('__PRECACHE_FILES__');
    for (const file of initialScripts()) expect(worker).toContain(JSON.stringify(file).slice(1, -1));
    const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(
      (match) => match[1]!,
    );
    expect(css.length).toBe(1);
    for (const file of css) expect(worker).toContain(file);
  });
});
