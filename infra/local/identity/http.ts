// The provider's HTTP plumbing: bodies, answers, CORS for the web app, the pages' security headers.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLarge extends Error {}

export async function readBody(request: IncomingMessage, limit = 256 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string | string[]> = {},
) {
  response.writeHead(status, {
    'cache-control': 'no-store',
    ...headers,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

export const json = (
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) =>
  send(response, status, JSON.stringify(value), {
    'content-type': 'application/json;charset=UTF-8',
    ...headers,
  });

export function redirect(
  response: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
) {
  send(response, 302, '', { location, ...headers });
}

/** What every sign-in page is sent with: its own script and style only, forms to itself (and on to the app). */
export function pageHeaders(webAppOrigin: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self' ${webAppOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

const allowedHeaders = [
  'authorization',
  'content-type',
  'x-amz-target',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'cache-control',
].join(', ');

/** CORS for the web app's origin only (token endpoint, userInfo, revocation, Cognito's user operations). */
export function corsHeaders(request: IncomingMessage, webAppOrigin: string): Record<string, string> {
  if (request.headers.origin !== webAppOrigin) return { vary: 'Origin' };
  return {
    'access-control-allow-origin': webAppOrigin,
    'access-control-expose-headers': 'x-amzn-errortype, x-amzn-requestid',
    vary: 'Origin',
  };
}

export function preflight(request: IncomingMessage, response: ServerResponse, webAppOrigin: string) {
  if (request.headers.origin !== webAppOrigin) return send(response, 403, '', { vary: 'Origin' });
  send(response, 204, '', {
    ...corsHeaders(request, webAppOrigin),
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': allowedHeaders,
    'access-control-max-age': '600',
  });
}

export function cookies(request: IncomingMessage): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) found.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return found;
}
