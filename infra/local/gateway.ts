// The local stand-in for API Gateway (HTTP API): the same route table, the same authorizer with the same
// result cache, the same handlers, each invoked in its own function runtime (infra/local/lambda) with
// the API Gateway v2 event shape. Outside /v1 it serves the built web app, as CloudFront does in AWS.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { viewerAddressHeader } from '../../shared/domain/application-source.ts';
import { originHeader } from '../../shared/http/origin.ts';
import { commonHeaders, errorBody } from '../../shared/http/responses.ts';
import {
  authCacheSeconds,
  authorizerHandler,
  defaultThrottle,
  type Route,
  routes,
} from '../../shared/http/routes.ts';
import { ApiError } from '../../shared/lib/errors.ts';
import { defaultWebRoot, isWebPath, serveWeb } from './static-web.ts';
import { TokenBucket } from './token-bucket.ts';

/** What runs the functions: LocalFunctions, one runtime per function with its own role. */
export interface Invoker {
  invoke<T = unknown>(handlerFile: string, event: unknown, options?: { requestId?: string }): Promise<T>;
}

const maxBodyBytes = 10 * 1024 * 1024; // API Gateway's payload limit
/**
 * Lambda's limit for a synchronous invocation's payload: the whole event (body, headers and the request's
 * context as JSON), not the body alone. API Gateway takes bodies up to 10 MB, so a request between the two
 * passes the gateway and Lambda refuses the invocation; API Gateway then answers 413 in its own words.
 */
export const lambdaPayloadBytes = 6 * 1024 * 1024;
/**
 * The headers of the gateway's own answers (404, 401, 413, 429, 500): nosniff like every answer of the
 * service; the functions' answers carry theirs from shared/http/handler.ts, which this gateway leaves be.
 */
const ownHeaders = { 'content-type': 'application/json', ...commonHeaders };

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly bucket: TokenBucket;
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const throttle = route.throttle ?? defaultThrottle;
  return {
    route,
    pattern: new RegExp(`^${source}$`),
    names,
    bucket: new TokenBucket(throttle.rate, throttle.burst),
  };
}

/**
 * Like API Gateway, the most specific route wins: segment by segment from the left, a literal segment
 * before a parameter, so `GET /v1/cards/flags` is never taken for `GET /v1/cards/{cardNumber}`.
 */
export function bySpecificity(a: Pick<Route, 'path'>, b: Pick<Route, 'path'>): number {
  const left = a.path.split('/');
  const right = b.path.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const leftParameter = left[i]!.startsWith('{');
    const rightParameter = right[i]!.startsWith('{');
    if (leftParameter !== rightParameter) return leftParameter ? 1 : -1;
  }
  // Paths of different lengths never match the same request; this only keeps the order total.
  return left.length - right.length;
}

export interface Gateway {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The built web app served at / (every path outside /v1); false for the API alone. */
  readonly webRoot?: string | false;
  /** The identity provider's origins (its issuer's): the web app's CSP lets it sign in there. */
  readonly signInOrigins?: readonly string[];
  /**
   * The origin secret (the local Secrets Manager's originVerify), which the gateway adds to every request
   * as CloudFront does in AWS (decision 0022). A request that itself carries it comes from a trusted
   * stand-in for CloudFront (a test acting as many clients): its CloudFront-Viewer-Address is kept.
   */
  readonly originSecret: string;
}

/** CloudFront-Viewer-Address as CloudFront writes it: the connection's address and port, IPv6 unbracketed. */
const viewerAddressOf = (request: IncomingMessage) =>
  `${request.socket.remoteAddress ?? ''}:${request.socket.remotePort ?? 0}`;

const sameSecret = (sent: string | undefined, secret: string) => {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * What CloudFront does to a request before it reaches the API (decision 0022): the viewer's address is
 * the connection's, whatever the viewer wrote under that name, and the origin secret is added. Only a
 * caller that already holds the origin secret (a stand-in for CloudFront itself) may name the viewer.
 */
export function asCloudFrontSends(
  headers: Record<string, string>,
  request: IncomingMessage,
  originSecret: string,
): void {
  const fromTrustedEdge = sameSecret(headers[originHeader], originSecret);
  if (!fromTrustedEdge || !headers[viewerAddressHeader])
    headers[viewerAddressHeader] = viewerAddressOf(request);
  headers[originHeader] = originSecret;
}

export async function startGateway(
  functions: Invoker,
  port: number,
  host: string,
  options: GatewayOptions,
): Promise<Gateway> {
  const webRoot = options.webRoot ?? defaultWebRoot;
  const compiled = [...(routes as readonly Route[])].sort(bySpecificity).map(compile);
  // The promise is cached, so concurrent first requests with one key share a single authorizer call.
  const authCache = new Map<string, { context: Promise<unknown>; expires: number }>();

  function authorize(header: string, origin: string, requestId: string, routeKey: string): Promise<unknown> {
    // API Gateway caches per identity source: Authorization and the origin header (infra/api-stack.ts).
    const cacheKey = `${origin}\n${header}`;
    const cached = authCache.get(cacheKey);
    if (cached && cached.expires > Date.now()) return cached.context;
    const context = functions
      .invoke<{ isAuthorized: boolean; context?: unknown }>(authorizerHandler, {
        // The parts of API Gateway's authorizer event (payload 2.0) the authorizer reads.
        headers: { authorization: header, [originHeader]: origin },
        routeKey,
        requestContext: { requestId },
      })
      .then((result) => result.context);
    const ttl = authCacheSeconds() * 1000;
    if (ttl > 0) {
      authCache.set(cacheKey, { context, expires: Date.now() + ttl });
      // A failed call is not an answer to remember.
      context.catch(() => authCache.delete(cacheKey));
    }
    return context;
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    // The web app (web/dist) at /, the API under /v1: one origin, so the app needs no CORS.
    if (webRoot && isWebPath(url.pathname))
      return serveWeb(webRoot, request, response, url.pathname, options.signInOrigins);
    const method = request.method ?? 'GET';
    const candidates = compiled.filter(({ pattern }) => pattern.test(url.pathname));
    const match = candidates.find(({ route }) => route.method === method);
    if (!match) {
      // API Gateway answers unknown routes itself, in its own words.
      return send(response, {
        statusCode: 404,
        headers: ownHeaders,
        body: '{"message":"Not Found"}',
      });
    }
    if (!match.bucket.take()) {
      const error = new ApiError('THROTTLED', 'Too many requests to this route; retry after a moment.');
      return send(response, reply(429, errorBody(error, requestId), { 'retry-after': '1' }));
    }
    const body = await readBody(request);
    if (body === undefined) {
      return send(response, {
        statusCode: 413,
        headers: ownHeaders,
        body: '{"message":"Request Entity Too Large"}',
      });
    }
    const headers = headersOf(request);
    asCloudFrontSends(headers, request, options.originSecret);
    let authorizerContext: unknown;
    if (match.route.roles !== 'public') {
      // Like API Gateway: without the identity source the authorizer is not called at all.
      if (!headers.authorization)
        return send(response, {
          statusCode: 401,
          headers: ownHeaders,
          body: '{"message":"Unauthorized"}',
        });
      authorizerContext = await authorize(
        headers.authorization,
        options.originSecret,
        requestId,
        `${match.route.method} ${match.route.path}`,
      );
    }
    const values = match.pattern.exec(url.pathname)!.slice(1);
    const pathParameters = Object.fromEntries(
      match.names.map((name, i) => [name, decodedSegment(values[i]!)]),
    );
    const routeKey = `${match.route.method} ${match.route.path}`;
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search && { queryStringParameters: Object.fromEntries(url.searchParams) }),
      ...(match.names.length > 0 && { pathParameters }),
      ...(body.length > 0 && { body: body.toString('utf8') }),
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(authorizerContext !== undefined && { authorizer: { lambda: authorizerContext } }),
      },
    };
    if (Buffer.byteLength(JSON.stringify(event)) > lambdaPayloadBytes)
      return send(response, {
        statusCode: 413,
        headers: { ...ownHeaders, 'x-amzn-errortype': 'BadRequestException' },
        body: '{"message":"Request Too Long"}',
      });
    const result = await functions.invoke<APIGatewayProxyStructuredResultV2>(match.route.handler, event, {
      requestId,
    });
    send(response, result);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', where: 'gateway', error: String(error) }));
      if (!response.headersSent)
        send(response, {
          statusCode: 500,
          headers: ownHeaders,
          body: '{"message":"Internal Server Error"}',
        });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** A path segment as the handler gets it; one that is not valid percent-encoding is passed on as sent. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const reply = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...commonHeaders, ...headers },
  body: JSON.stringify(body),
});

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body ?? '';
  response.writeHead(result.statusCode ?? 200, {
    ...(result.headers as Record<string, string> | undefined),
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}
