// The local identity provider: a stand-in for the Amazon Cognito user pool of the service (its OpenID
// Connect endpoints, its managed login pages, the part of its JSON API the service uses), on loopback.
// Decision 0016, "The local provider", says what of Cognito it does not reproduce.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { readSigned } from '../aws/http.ts';
import { CognitoApi, type IdentityIam, userPoolArn } from './cognito-api.ts';
import { BodyTooLarge, preflight, send } from './http.ts';
import { OAuthEndpoints } from './oauth.ts';
import { UserPool, userPoolId } from './pool.ts';
import { sendEmailPath, serveSes } from './ses-api.ts';
import { IdentityStore } from './state.ts';
import { newSigningKey, TokenSigner } from './tokens.ts';

export interface LocalIdentityOptions {
  /** Where the provider keeps its state (npm start gives it $KAIKU_DATA_DIR/identity). */
  readonly dataDir: string;
  /** 0: any free port. */
  readonly port: number;
  /** The web app's origin, e.g. http://localhost:3000: its callback (/signed-in), sign-out URLs, CORS. */
  readonly webAppOrigin: string;
  /** Where invitation e-mails are written ($KAIKU_DATA_DIR/outbox). */
  readonly outboxDir: string;
  /** The local account: who signed an admin call, and whether their role allows it. */
  readonly iam: IdentityIam;
}

export interface LocalIdentity {
  /** http://localhost:<port>/eu-north-1_local: the `iss` of its tokens, discovery and JWKS under it. */
  readonly issuer: string;
  /** The web app's client (public, no secret). */
  readonly clientId: string;
  readonly userPoolId: string;
  readonly userPoolArn: string;
  /** Cognito's API (POST /) and SES's v2 API, for AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER and _SESV2. */
  readonly endpoint: string;
  /** The web app it serves (links in e-mail). */
  readonly webAppOrigin: string;
  stop(): Promise<void>;
}

/** The callback and sign-out URLs of the web app's client, as the CDK app client lists them. */
export const callbackPath = '/signed-in';
export const signOutPaths = ['/', '/signed-out'];

export async function startLocalIdentity(options: LocalIdentityOptions): Promise<LocalIdentity> {
  const webAppOrigin = new URL(options.webAppOrigin).origin;
  const store = await IdentityStore.open(options.dataDir, newSigningKey);
  let handle: (request: IncomingMessage, response: ServerResponse) => Promise<void> = async (
    _request,
    response,
  ) => send(response, 503, 'starting');
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        if (!response.headersSent) send(response, 413, 'request too large');
        return;
      }
      console.error(JSON.stringify({ level: 'error', where: 'identity provider', error: String(error) }));
      if (!response.headersSent)
        send(
          response,
          500,
          '{"__type":"InternalErrorException","message":"local identity provider failed"}',
          {
            'content-type': 'application/x-amz-json-1.1',
          },
        );
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: like the other local stand-ins for AWS, nothing off this machine reaches it.
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  // "localhost", not 127.0.0.1: the browser's cookies and WebAuthn (no IP address can be a relying party).
  const base = `http://localhost:${port}`;
  const issuer = `${base}/${userPoolId}`;
  const pool = new UserPool(
    store,
    await TokenSigner.create(store.state.signingKey, issuer, store.state.clientId),
  );
  // The web app's host: a passkey registered there is used on the sign-in pages of the same host.
  const rpId = new URL(webAppOrigin).hostname;
  const oauth = new OAuthEndpoints(pool, {
    issuer,
    base,
    webAppOrigin,
    redirectUris: [`${webAppOrigin}${callbackPath}`],
    logoutUris: signOutPaths.map((path) => `${webAppOrigin}${path}`),
    rpId,
  });
  const api = new CognitoApi(pool, options.iam, {
    userPoolId,
    webAppOrigin,
    signInUrl: `${webAppOrigin}/`,
    outboxDir: options.outboxDir,
    base,
    rpId,
  });
  handle = async (request, response) => {
    const url = new URL(request.url ?? '/', base);
    if (url.pathname === '/' && request.method === 'OPTIONS')
      return preflight(request, response, webAppOrigin);
    if (url.pathname === '/' && request.method === 'POST')
      return api.serve(request, response, await readSigned(request, 1024 * 1024));
    // Amazon SES's v2 API on the same endpoint (AWS_ENDPOINT_URL_SESV2): the service's own e-mail.
    if (url.pathname === sendEmailPath && request.method === 'POST')
      return serveSes(await readSigned(request, 1024 * 1024), response, options.iam, options.outboxDir);
    if (await oauth.serve(request, response, url)) return;
    send(response, 404, 'Not found', { 'content-type': 'text/plain; charset=utf-8' });
  };
  server.keepAliveTimeout = 65_000;
  return {
    issuer,
    clientId: store.state.clientId,
    userPoolId,
    userPoolArn: userPoolArn(userPoolId),
    endpoint: `http://127.0.0.1:${port}`,
    webAppOrigin,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const identityDir = (dataDir: string) => join(dataDir, 'identity');
export const outboxDir = (dataDir: string) => join(dataDir, 'outbox');
