// The web app (web/dist) as the local gateway serves it next to the API: every path outside /v1 is a file
// of the build, and a path that names no file (no extension) is index.html, for the app's own routes.
// Like CloudFront in front of the bucket (infra/web-stack.ts): the same security headers on every file.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { projectRoot } from '../paths.ts';
import { webContentTypes, webSecurityHeadersFor } from '../web-headers.ts';

export const defaultWebRoot = join(projectRoot, 'web', 'dist');

/** Files of the build that are not the app's: the record of what it was built from. */
const notServed = new Set(['/build-inputs.json']);

/** Whether the gateway serves this path as a file of the app (anything outside /v1). */
export const isWebPath = (pathname: string) => pathname !== '/v1' && !pathname.startsWith('/v1/');

function cacheControl(pathname: string): string {
  // Vite names these by their content: they never change.
  if (pathname.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

async function fileOf(root: string, pathname: string): Promise<string | undefined> {
  if (notServed.has(pathname)) return undefined;
  const file = resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  securityHeaders: Readonly<Record<string, string>>,
): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...securityHeaders,
  });
  response.end(text);
}

export async function serveWeb(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  /** The identity provider's origins, which the app's CSP lets it connect to (signing in). */
  signInOrigins: readonly string[] = [],
): Promise<void> {
  const securityHeaders = webSecurityHeadersFor(signInOrigins);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return sendText(response, 405, 'Method Not Allowed', securityHeaders);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return sendText(response, 400, 'Bad Request', securityHeaders);
  }
  let file = await fileOf(root, decoded === '/' ? '/index.html' : decoded);
  let served = decoded;
  // The app's routes (/desk, /cards/…) have no extension: they are index.html. A missing file is a 404.
  if (!file && extname(decoded) === '' && !decoded.startsWith('/assets/')) {
    file = await fileOf(root, '/index.html');
    served = '/index.html';
  }
  if (!file) {
    const built = await readFile(join(root, 'index.html')).then(
      () => true,
      () => false,
    );
    return sendText(
      response,
      404,
      built ? 'Not Found' : 'The web app is not built: run npm run build:web (npm start builds it).',
      securityHeaders,
    );
  }
  const { size } = await stat(file);
  response.writeHead(200, {
    'content-type': webContentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': cacheControl(served),
    ...securityHeaders,
  });
  if (request.method === 'HEAD') return void response.end();
  await new Promise<void>((done, fail) => {
    createReadStream(file).on('error', fail).pipe(response).on('finish', done).on('close', done);
  });
}
