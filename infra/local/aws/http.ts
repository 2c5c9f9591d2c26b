// The small HTTP plumbing the local AWS endpoints share: read a whole request, answer, listen on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IncomingSigned } from './sigv4.ts';

export async function readSigned(
  request: IncomingMessage,
  limit = 20 * 1024 * 1024,
): Promise<IncomingSigned> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  const raw = request.url ?? '/';
  const at = raw.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  return {
    method: request.method ?? 'GET',
    path: at < 0 ? raw : raw.slice(0, at),
    query: at < 0 ? '' : raw.slice(at + 1),
    headers,
    body: Buffer.concat(chunks),
  };
}

export function answer(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export interface Listening {
  readonly server: Server;
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Loopback only: these endpoints stand in for AWS's, and nothing off this machine may reach them. */
export async function listenOnLoopback(
  port: number,
  serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  where: string,
): Promise<Listening> {
  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', where, error: String(error) }));
      if (!response.headersSent)
        answer(response, 500, '{"__type":"InternalFailure","message":"local endpoint failed"}');
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    endpoint: `http://127.0.0.1:${bound}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
