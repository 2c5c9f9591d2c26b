// The local S3 endpoint: s3rver stores the objects, but checks neither signatures (it takes any SigV4
// request from a key it knows) nor permissions. This edge does what S3 does before an object is touched:
// it verifies the signature, finds the caller by its access key id, authorises the call against the
// caller's IAM policies, and answers refusals with S3's own error codes, so the service meets locally the
// AccessDenied, SignatureDoesNotMatch and expired links it would meet in AWS.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { PassThrough, type Readable } from 'node:stream';
import S3rver from 's3rver';
import { type IncomingSigned, verifySigV4 } from './sigv4.ts';

export interface S3Decision {
  allowed: boolean;
  /** AWS-style, e.g. 'User: arn:... is not authorized to perform: s3:GetObject on resource: ...' */
  message: string;
}

/** May answer at once or later: the account's IAM simulation is asynchronous. */
export type DecideS3 = (call: {
  accessKeyId: string;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}) => S3Decision | Promise<S3Decision>;

export interface S3EdgeOptions {
  /** 0 = any free port. */
  port: number;
  /** s3rver's directory. */
  dataDir: string;
  buckets: readonly string[];
  region: string;
  secretOf(accessKeyId: string): string | undefined;
  decide: DecideS3;
  now?: () => Date;
}

export interface RunningS3Edge {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  stop(): Promise<void>;
}

interface IamCall {
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

/** What the edge hands to s3rver with a request it let through. */
interface Handoff {
  body: Buffer;
  /** Undefined for a CORS preflight, which S3 answers unsigned. */
  accessKeyId?: string;
  /** For a GET/HEAD of an object: may the caller learn that the key does not exist? */
  mayListMissing?: () => Promise<S3Decision>;
}

// s3rver is a Koa app; its typings (../s3rver.d.ts) cover only run() and close(), not the parts used here.
interface KoaContext {
  req: IncomingMessage | Readable;
  state: Record<string, unknown>;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverApp {
  middleware: KoaMiddleware[];
  configureBuckets(): Promise<unknown>;
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  logger: { close(): void; exceptions: { unhandle(): void } };
}
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, string>) => Error;

const require = createRequire(import.meta.url);

/** Larger bodies are refused: the edge holds a request whole to check its payload hash. */
const maxBody = 256 * 1024 * 1024;

/** The query parameters that authenticate a presigned request, removed before s3rver sees it. */
const presignParameters = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
]);

/**
 * The query parameters s3rver routes on (its bucket and object controllers' METHODS): whichever of them
 * a request has decides the operation, so the edge must authorise by the same ones.
 */
const subresources = [
  'acl',
  'analytics',
  'cors',
  'delete',
  'encryption',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'metrics',
  'notification',
  'object-lock',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'retention',
  'select',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versions',
  'website',
];

// The IAM action of each operation, by method and subresource ('' = none), as the S3 documentation's
// "actions, resources and condition keys" table gives them. Choices worth a word: HEAD bucket is
// s3:ListBucket; DELETE ?cors is s3:PutBucketCORS (S3 has no DeleteBucketCORS action); multipart upload
// steps are s3:PutObject except listing parts and aborting. Anything not listed is answered NotImplemented
// by the edge itself, so no operation reaches s3rver unauthorised.
const bucketActions: Record<string, Record<string, string>> = {
  GET: {
    '': 's3:ListBucket',
    versions: 's3:ListBucketVersions',
    uploads: 's3:ListBucketMultipartUploads',
    location: 's3:GetBucketLocation',
    cors: 's3:GetBucketCORS',
    website: 's3:GetBucketWebsite',
    acl: 's3:GetBucketAcl',
    policy: 's3:GetBucketPolicy',
    tagging: 's3:GetBucketTagging',
  },
  HEAD: { '': 's3:ListBucket' },
  PUT: {
    '': 's3:CreateBucket',
    cors: 's3:PutBucketCORS',
    website: 's3:PutBucketWebsite',
    acl: 's3:PutBucketAcl',
    policy: 's3:PutBucketPolicy',
    tagging: 's3:PutBucketTagging',
  },
  DELETE: {
    '': 's3:DeleteBucket',
    cors: 's3:PutBucketCORS',
    website: 's3:DeleteBucketWebsite',
    policy: 's3:DeleteBucketPolicy',
    tagging: 's3:PutBucketTagging',
  },
  // DeleteObjects: s3:DeleteObject on each key in the body (see iamCalls).
  POST: { delete: 's3:DeleteObject' },
};
const objectActions: Record<string, Record<string, string>> = {
  GET: {
    '': 's3:GetObject',
    acl: 's3:GetObjectAcl',
    tagging: 's3:GetObjectTagging',
    uploadId: 's3:ListMultipartUploadParts',
  },
  HEAD: { '': 's3:GetObject' },
  // CopyObject and UploadPartCopy also need s3:GetObject on the source (see iamCalls).
  PUT: {
    '': 's3:PutObject',
    uploadId: 's3:PutObject',
    tagging: 's3:PutObjectTagging',
    acl: 's3:PutObjectAcl',
  },
  POST: { uploads: 's3:PutObject', uploadId: 's3:PutObject', select: 's3:GetObject' },
  DELETE: { '': 's3:DeleteObject', uploadId: 's3:AbortMultipartUpload', tagging: 's3:DeleteObjectTagging' },
};
/** With ?versionId, S3 authorises the version's own actions. */
const versionActions: Record<string, string> = {
  's3:GetObject': 's3:GetObjectVersion',
  's3:DeleteObject': 's3:DeleteObjectVersion',
  's3:GetObjectAcl': 's3:GetObjectVersionAcl',
  's3:GetObjectTagging': 's3:GetObjectVersionTagging',
  's3:PutObjectTagging': 's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging': 's3:DeleteObjectVersionTagging',
};

class Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly detail: Record<string, string>;
  constructor(status: number, code: string, message: string, detail: Record<string, string> = {}) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.detail = detail;
  }
}

const xmlText = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
const xmlUnescape = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });

const requestIds = () => ({
  requestId: randomBytes(8).toString('hex').toUpperCase(),
  hostId: randomBytes(48).toString('base64'),
});

/** S3's error document, with S3's request id headers. */
function sendError(response: ServerResponse, refusal: Refusal): void {
  const { requestId, hostId } = requestIds();
  const detail = Object.entries(refusal.detail)
    .map(([name, value]) => `<${name}>${xmlText(value)}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${refusal.code}</Code><Message>${xmlText(refusal.message)}</Message>${detail}` +
    `<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  response.writeHead(refusal.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
  });
  // Node sends no body for HEAD, as S3 does not.
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Read to the end regardless, so the refusal can be answered on a connection still in step.
    if (size <= maxBody) chunks.push(chunk);
  }
  return size <= maxBody ? Buffer.concat(chunks) : undefined;
}

/** Bucket and key as s3rver's router will see them (each decoded), or why the path is not one. */
function addressOf(path: string): { bucket?: string; key: string } | Refusal {
  const rest = path.replace(/^\//, '');
  if (rest === '') return { key: '' };
  const slash = rest.indexOf('/');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    key = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
  } catch {
    return new Refusal(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    return new Refusal(400, 'InvalidBucketName', 'The specified bucket is not valid.', {
      BucketName: bucket,
    });
  const unsafe = unsafeKey(key);
  if (unsafe) return unsafe;
  return { bucket, key };
}

/**
 * S3 keys may hold '.' and '..' segments, but s3rver keeps objects as files at path.join(bucket, key):
 * 'partner/../internal/x' would be authorised as one key and read as another, so such keys are refused.
 */
function unsafeKey(key: string): Refusal | undefined {
  if (key.split('/').some((segment) => segment === '.' || segment === '..'))
    return new Refusal(
      400,
      'InvalidArgument',
      "Object keys with '.' or '..' path segments are not supported by the local S3 endpoint.",
    );
  return undefined;
}

/** The names the signature covers, to find x-amz-* headers a third party could have added. */
function signedHeaderNames(signed: IncomingSigned, params: URLSearchParams): Set<string> {
  const list =
    signed.headers.authorization !== undefined
      ? (/SignedHeaders=([^,\s]*)/.exec(signed.headers.authorization)?.[1] ?? '')
      : (params.get('X-Amz-SignedHeaders') ?? '');
  return new Set(list.split(';'));
}

/** Every authorisation the request needs, or why the edge does not let it through. */
function iamCalls(
  method: string,
  bucket: string | undefined,
  key: string,
  params: URLSearchParams,
  headers: Record<string, string>,
  body: Buffer,
): IamCall[] | Refusal {
  const notImplemented = new Refusal(
    501,
    'NotImplemented',
    'A header or parameter you provided implies functionality that is not implemented',
  );
  if (bucket === undefined)
    return method === 'GET'
      ? [{ action: 's3:ListAllMyBuckets', resource: '*', context: {} }]
      : notImplemented;
  const present = subresources.filter((name) => params.has(name));
  if (present.length > 1)
    return new Refusal(400, 'InvalidArgument', `Conflicting query string parameters: ${present.join(', ')}`);
  const subresource = present[0] ?? '';
  const action = (key === '' ? bucketActions : objectActions)[method]?.[subresource];
  if (!action) return notImplemented;

  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (key === '') {
    if (method === 'POST') {
      const keys = [...body.toString('utf8').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) =>
        xmlUnescape(m[1]!),
      );
      for (const each of keys) {
        const unsafe = unsafeKey(each);
        if (unsafe) return unsafe;
      }
      return keys.map((each) => ({ action, resource: `${bucketArn}/${each}`, context: {} }));
    }
    if (action === 's3:ListBucket' && method === 'GET')
      return [{ action, resource: bucketArn, context: listContext(params) }];
    if (action === 's3:ListBucketVersions')
      return [{ action, resource: bucketArn, context: listContext(params) }];
    return [{ action, resource: bucketArn, context: {} }];
  }

  const versioned = params.has('versionId') ? (versionActions[action] ?? action) : action;
  const calls: IamCall[] = [{ action: versioned, resource: `${bucketArn}/${key}`, context: {} }];
  const copySource = headers['x-amz-copy-source'];
  if (method === 'PUT' && copySource !== undefined && (subresource === '' || subresource === 'uploadId')) {
    const source = copySourceOf(copySource);
    if (source instanceof Refusal) return source;
    calls.push({
      action: source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion',
      resource: `arn:aws:s3:::${source.bucket}/${source.key}`,
      context: {},
    });
  }
  return calls;
}

/** ListBucket's condition keys: the prefix always ('' when none), delimiter and max-keys when given. */
function listContext(params: URLSearchParams): Record<string, string> {
  return {
    's3:prefix': params.get('prefix') ?? '',
    ...(params.has('delimiter') && { 's3:delimiter': params.get('delimiter')! }),
    ...(params.has('max-keys') && { 's3:max-keys': params.get('max-keys')! }),
  };
}

/** Decoded as s3rver decodes it (decodeURI), so the object authorised is the object it copies. */
function copySourceOf(header: string): { bucket: string; key: string; versionId?: string } | Refusal {
  let decoded: string;
  try {
    decoded = decodeURI(header).replace(/^\//, '');
  } catch {
    return new Refusal(
      400,
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  const [path = '', version] = decoded.split('?versionId=');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1)
    return new Refusal(
      400,
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  const key = path.slice(slash + 1);
  const unsafe = unsafeKey(key);
  if (unsafe) return unsafe;
  return { bucket: path.slice(0, slash), key, ...(version !== undefined && { versionId: version }) };
}

/** S3's answer to a request whose signature does not hold. */
function signatureRefusal(
  verified: Extract<ReturnType<typeof verifySigV4>, { ok: false }>,
  signed: IncomingSigned,
  presigned: boolean,
): Refusal {
  switch (verified.reason) {
    case 'missing':
      return new Refusal(403, 'AccessDenied', 'Access Denied');
    case 'unknown-key':
      return new Refusal(403, 'InvalidAccessKeyId', verified.message);
    case 'expired':
      return presigned
        ? new Refusal(403, 'AccessDenied', verified.message)
        : new Refusal(403, 'RequestTimeTooSkewed', verified.message);
    case 'malformed':
      return presigned
        ? new Refusal(400, 'AuthorizationQueryParametersError', verified.message)
        : new Refusal(400, 'AuthorizationHeaderMalformed', verified.message);
    case 'bad-signature': {
      const declared = signed.headers['x-amz-content-sha256'] ?? '';
      if (
        /^[0-9a-f]{64}$/.test(declared) &&
        declared !== createHash('sha256').update(signed.body).digest('hex')
      )
        return new Refusal(400, 'XAmzContentSHA256Mismatch', verified.message);
      return new Refusal(403, 'SignatureDoesNotMatch', verified.message);
    }
  }
}

export async function startS3Edge(options: S3EdgeOptions): Promise<RunningS3Edge> {
  const now = options.now ?? (() => new Date());
  mkdirSync(options.dataDir, { recursive: true });
  const s3rverOptions = {
    directory: options.dataDir,
    silent: true,
    // Path-style only: a Host header must never be taken for a bucket name.
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [] })),
  };
  // s3rver runs in this process with no port of its own, so nothing but the edge can reach it.
  const app = new S3rver(s3rverOptions) as unknown as S3rverApp;
  await app.configureBuckets();
  const S3Error = require('s3rver/lib/models/error.js') as S3ErrorClass;

  const handoffs = new WeakMap<object, Handoff>();
  // First in s3rver's chain: swaps in the body the edge already read, and turns NoSuchKey into
  // AccessDenied for callers who may not list the bucket, as S3 does.
  const fromEdge: KoaMiddleware = async (ctx, next) => {
    const handoff = handoffs.get(ctx.req);
    if (!handoff) throw new S3Error('AccessDenied', 'Access Denied');
    // s3rver honours response-* overrides only for requests it takes as signed.
    if (handoff.accessKeyId !== undefined) ctx.state.account = { accessKeyId: handoff.accessKeyId };
    ctx.req = new PassThrough().end(handoff.body);
    try {
      await next();
    } catch (error) {
      if (handoff.mayListMissing && (error as { code?: unknown }).code === 'NoSuchKey') {
        const listing = await handoff.mayListMissing();
        if (!listing.allowed) throw new S3Error('AccessDenied', listing.message);
      }
      throw error;
    }
  };
  app.middleware.unshift(fromEdge);
  const s3rver = app.callback();

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    if (!body)
      return sendError(
        response,
        new Refusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          MaxSizeAllowed: String(maxBody),
        }),
      );
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const signed: IncomingSigned = {
      method: request.method ?? 'GET',
      path: at < 0 ? url : url.slice(0, at),
      query: at < 0 ? '' : url.slice(at + 1),
      headers,
      body,
    };

    // Browsers' CORS preflights carry no credentials; S3 answers them from the bucket's CORS rules.
    if (signed.method === 'OPTIONS') {
      handoffs.set(request, { body });
      return s3rver(request, response);
    }

    const params = new URLSearchParams(signed.query);
    const presigned = headers.authorization === undefined && params.has('X-Amz-Algorithm');
    const verified = verifySigV4(signed, options.secretOf, now());
    if (!verified.ok) return sendError(response, signatureRefusal(verified, signed, presigned));
    const malformedScope = presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed';
    if (verified.service !== 's3')
      return sendError(
        response,
        new Refusal(400, malformedScope, `Credential should be scoped to correct service: 's3'.`),
      );
    if (verified.region !== options.region)
      return sendError(
        response,
        new Refusal(
          400,
          malformedScope,
          `The region '${verified.region}' is wrong; expecting '${options.region}'`,
          {
            Region: options.region,
          },
        ),
      );
    // S3 insists every x-amz-* header be signed: an unsigned one (x-amz-copy-source on someone's presigned
    // PUT, say) would change what the signer allowed.
    const signedNames = signedHeaderNames(signed, params);
    const unsigned = Object.keys(headers).filter(
      (name) => name.startsWith('x-amz-') && !signedNames.has(name),
    );
    if (unsigned.length > 0)
      return sendError(
        response,
        new Refusal(403, 'AccessDenied', 'There were headers present in the request which were not signed', {
          HeadersNotSigned: unsigned.join(', '),
        }),
      );

    const address = addressOf(signed.path);
    if (address instanceof Refusal) return sendError(response, address);
    const calls = iamCalls(signed.method, address.bucket, address.key, params, headers, body);
    if (calls instanceof Refusal) return sendError(response, calls);
    for (const call of calls) {
      // A presigned link carries its signer's rights as they are now, not as they were at signing.
      const decision = await options.decide({ accessKeyId: verified.accessKeyId, ...call });
      if (!decision.allowed) return sendError(response, new Refusal(403, 'AccessDenied', decision.message));
    }

    const handoff: Handoff = { body, accessKeyId: verified.accessKeyId };
    const { bucket, key } = address;
    if (bucket !== undefined && key !== '' && (signed.method === 'GET' || signed.method === 'HEAD'))
      handoff.mayListMissing = async () =>
        options.decide({
          accessKeyId: verified.accessKeyId,
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${bucket}`,
          context: { 's3:prefix': key },
        });
    // s3rver would check the signature its own (incomplete) way; it gets the request as if unsigned.
    delete request.headers.authorization;
    if (presigned) {
      const kept = signed.query
        .split('&')
        .filter((part) => !presignParameters.has(safeDecode(part.split('=')[0] ?? '').toLowerCase()));
      request.url = kept.length > 0 ? `${signed.path}?${kept.join('&')}` : signed.path;
    }
    handoffs.set(request, handoff);
    s3rver(request, response);
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', where: 's3 edge', error: String(error) }));
      if (!response.headersSent)
        sendError(
          response,
          new Refusal(500, 'InternalError', `We encountered an internal error: ${String(error)}`),
        );
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      app.logger.exceptions.unhandle();
      app.logger.close();
    },
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
