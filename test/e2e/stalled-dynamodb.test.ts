// A DynamoDB call that never gets an answer: a real TCP endpoint that accepts the connection and stays
// silent (no fabricated TimeoutError). The functions' SDK clients cut the call at their request timeout
// and try again on a new connection; a stall that does not clear becomes the contract's 503 with
// Retry-After before the route's time is up (the local runtime fails an invocation at its timeout, as
// Lambda does, and the gateway then answers API Gateway's own 500).
import { createServer, type Server, Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Deployment, startDeployment } from '../../infra/local/deployment.ts';
import type { Gateway } from '../../infra/local/gateway.ts';
import { findRoute } from '../../shared/http/routes.ts';
import { statsBucket } from '../support/global-setup.ts';
import { callerFor, gatewayFor, localEndpoints, localIam, useFreshTable } from '../support/service.ts';

/**
 * A TCP endpoint in front of the real local DynamoDB endpoint: the first `silent` connections are
 * accepted and never answered, the later ones are passed through byte for byte.
 */
async function stallingEndpoint(
  silent: number,
): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const target = new URL(inject('dynamoEndpoint'));
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    connections++;
    if (connections <= silent) return; // accepted, read, never answered
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    upstream.connect(Number(target.port), target.hostname, () => {
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let tableName: string;
const running: { deployment?: Deployment; gateway?: Gateway; endpoint?: { close(): Promise<void> } } = {};

beforeAll(async () => {
  tableName = await useFreshTable();
});

afterEach(async () => {
  await running.gateway?.close();
  await running.deployment?.stop();
  await running.endpoint?.close();
});

/** The service's functions with their DynamoDB endpoint behind the stalling one, and a gateway. */
async function serviceBehind(silent: number) {
  const endpoint = await stallingEndpoint(silent);
  running.endpoint = endpoint;
  // The functions get the production cut-off (the test run's is longer: test/support/global-setup.ts).
  const runTimeout = process.env.KAIKU_DYNAMODB_TIMEOUT_MS;
  delete process.env.KAIKU_DYNAMODB_TIMEOUT_MS;
  running.deployment = await startDeployment(
    localIam(),
    { tableName, bucket: statsBucket },
    { ...localEndpoints(), dynamodb: endpoint.url },
  );
  // A function's runtime takes its environment when it starts: started now, without the variable.
  running.deployment.functions.warm(['functions/health.ts']);
  if (runTimeout !== undefined) process.env.KAIKU_DYNAMODB_TIMEOUT_MS = runTimeout;
  const gateway = await gatewayFor(running.deployment.functions, { webRoot: false });
  running.gateway = gateway;
  return { endpoint, call: callerFor(gateway.url) };
}

describe('a DynamoDB call that gets no answer', () => {
  it('is cut and tried again on a new connection: a stall that clears costs the request nothing', async () => {
    const { endpoint, call } = await serviceBehind(1);
    const reply = await call('GET', '/v1/health');
    expect(reply.status, reply.text).toBe(200);
    // The first connection stalled; the SDK gave up on it and the retry went through another.
    expect(endpoint.connections()).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('that never clears becomes the contract’s 503 SERVICE_UNAVAILABLE with Retry-After, within the route’s time', async () => {
    const { endpoint, call } = await serviceBehind(Number.POSITIVE_INFINITY);
    const routeSeconds = findRoute('GET /v1/health').timeoutSeconds ?? 10;
    // The first call also starts the function's runtime (a cold start, which Lambda does not count in
    // the function's time); the second one is timed.
    await call('GET', '/v1/health');
    const started = Date.now();
    const reply = await call('GET', '/v1/health');
    const took = Date.now() - started;
    expect(reply.status, reply.text).toBe(503);
    expect(reply.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.headers.get('retry-after')).toBe('1');
    // Every attempt was cut and tried again on a connection of its own: the SDK's three.
    expect(endpoint.connections()).toBeGreaterThanOrEqual(3);
    // Answered by the function itself, before its time was up (at the timeout the runtime fails the
    // invocation and the gateway answers its own 500).
    expect(took).toBeLessThan(routeSeconds * 1000);
  }, 60_000);
});
