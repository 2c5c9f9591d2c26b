// The local gateway serves the web app next to the API: files of the build with their content types and
// the security headers, index.html for the app's routes, a 404 for a missing file, and /v1 untouched.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, type Invoker, startGateway } from '../../infra/local/gateway.ts';
import { contentSecurityPolicy } from '../../infra/web-headers.ts';

let root: string;
let gateway: Gateway;
const invoked: string[] = [];
const functions: Invoker = {
  async invoke<T>(handlerFile: string) {
    invoked.push(handlerFile);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":"ok"}',
    } as T;
  },
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kaiku-web-root-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'main-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'main-abc.css'), 'body{}');
  writeFileSync(join(root, 'sw.js'), 'self');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(join(root, 'build-inputs.json'), '{}');
  writeFileSync(join(tmpdir(), 'kaiku-outside.txt'), 'secret');
  gateway = await startGateway(functions, 0, '127.0.0.1', {
    webRoot: root,
    originSecret: 'static files need no origin secret',
  });
});
afterAll(async () => {
  await gateway?.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);

describe('the web app on the local gateway', () => {
  it('serves index.html at / and for every route of the app, with the security headers', async () => {
    for (const path of ['/', '/desk', '/cards/7KQ3-XW9A-M2HT/print', '/apply/status']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('<title>app</title>');
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
    const csp = contentSecurityPolicy;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('serves the built files with their content types, and assets as immutable', async () => {
    const script = await get('/assets/main-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/main-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/sw.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    const head = await get('/sw.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('4');
  });

  it('answers 404 for a missing file, the build record and anything outside the build', async () => {
    for (const path of [
      '/assets/gone-123.js',
      '/logo.png',
      '/build-inputs.json',
      '/..%2fkaiku-outside.txt',
      '/%2e%2e/kaiku-outside.txt',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('secret');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await get('/', { method: 'POST' })).status).toBe(405);
  });

  it('leaves /v1 to the API', async () => {
    const health = await get('/v1/health');
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(invoked).toContain('functions/health.ts');
    const unknown = await get('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    expect((await get('/v1')).status).toBe(404);
  });
});
