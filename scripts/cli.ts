// What every operator script shares on the command line: --help, strict options, and one-line errors.
// A script's main runs inside runScript, which prints any error as `<script>: <message>` on one line and
// exits 1 (2 for a usage error or when there is no service to work on); KAIKU_DEBUG=1 adds the stack.
import { relative } from 'node:path';
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/** An error the script explains itself: printed as its message alone, then the process exits with exitCode. */
export class ScriptError extends Error {
  override name = 'ScriptError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A wrong command line: exit 2, with the hint to ask for --help. */
export class UsageError extends ScriptError {
  constructor(script: string, message: string) {
    super(`${message}; see npm run ${script} -- --help`, 2);
  }
}

export const debugHelp = '  KAIKU_DEBUG=1     print the stack trace of an unexpected error';

/**
 * The script's options, strictly: --help/-h prints the usage and exits 0 (before anything else is
 * checked); an unknown option, a missing value or a stray argument is a UsageError.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  script: string,
  usage: string,
  options: O,
  { args = process.argv.slice(2), positionals = 0 }: { args?: string[]; positionals?: number } = {},
) {
  const beforeTerminator = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (beforeTerminator.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
  const parse = () =>
    parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError(script, describeParseError(error));
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(script, `unexpected argument '${parsed.positionals[positionals]}'`);
  for (const [name, value] of Object.entries(parsed.values))
    if (typeof value === 'string' && value.trim() === '')
      throw new UsageError(script, `--${name} needs a value`);
  return parsed;
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "Option '--date <value>' argument missing" or "Option '--help' does not take an argument".
      return /argument missing/.test(message)
        ? `${(quoted ?? 'the option').replace(/ <value>$/, '')} needs a value`
        : `${(quoted ?? 'the option').replace(/ <value>$/, '')} takes no value`;
    default:
      return oneLine(message);
  }
}

// ---- One-line errors --------------------------------------------------------------------------------

interface KnownEndpoint {
  readonly name: string;
  readonly url: string;
}
const endpoints: KnownEndpoint[] = [];
let endpointHint = '';
let credentialsFrom: string | undefined;

/**
 * What a failed connection or a refused signature means here: the named endpoints (the service, DynamoDB
 * Local, the S3 server) and where their credentials came from.
 */
export function explainErrorsWith(context: {
  endpoints: readonly KnownEndpoint[];
  hint?: string;
  credentialsFrom?: string;
}): void {
  endpoints.push(...context.endpoints);
  endpointHint = context.hint ?? '';
  credentialsFrom = context.credentialsFrom;
}

const bugs = new Set(['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError', 'EvalError', 'URIError']);
const connectionProblems: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_SOCKET: 'connection closed',
};
const signatureRefusals = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'AccessDeniedException',
]);

interface ConnectionFailure {
  readonly code: string;
  readonly address?: string;
  readonly port?: number;
  readonly hostname?: string;
}

/** The socket error inside an error (fetch's TypeError keeps it as its cause; happy eyeballs in errors). */
function connectionFailure(error: unknown, depth = 0): ConnectionFailure | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === 'string' && candidate.code in connectionProblems) {
    const own = candidate as ConnectionFailure;
    if (own.port !== undefined || own.hostname !== undefined || !Array.isArray(candidate.errors)) return own;
    const inner = candidate.errors.map((each) => connectionFailure(each, depth + 1)).find(Boolean);
    return inner ? { ...inner, code: own.code } : own;
  }
  if (Array.isArray(candidate.errors))
    for (const each of candidate.errors) {
      const found = connectionFailure(each, depth + 1);
      if (found) return found;
    }
  return connectionFailure(candidate.cause, depth + 1);
}

const loopback = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const sameHost = (a: string, b: string) => a === b || (loopback.has(a) && loopback.has(b));

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function describeConnection(failure: ConnectionFailure): string {
  const problem = connectionProblems[failure.code] ?? failure.code;
  const known = endpoints.find((endpoint) => {
    const url = new URL(endpoint.url);
    if (failure.port !== undefined)
      return portOf(url) === failure.port && (!failure.address || sameHost(url.hostname, failure.address));
    return failure.hostname !== undefined && sameHost(url.hostname, failure.hostname);
  });
  if (known) return `${known.name} is not reachable at ${known.url} (${problem})${endpointHint}`;
  const where =
    failure.port !== undefined
      ? `${failure.address?.includes(':') ? `[${failure.address}]` : (failure.address ?? 'localhost')}:${failure.port}`
      : (failure.hostname ?? 'its address');
  return `the service is not reachable at ${where} (${problem})`;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, '; ').trim();

/** Where an unexpected error was thrown: the first frame of its stack, relative to the project. */
function thrownAt(error: Error): string {
  const frame = error.stack
    ?.split('\n')
    .find((line) => line.trimStart().startsWith('at '))
    ?.trim()
    .replace(/^at\s+/, '');
  if (!frame) return '';
  const location = (/\(([^)]+)\)$/.exec(frame)?.[1] ?? frame).replace(/^file:\/\//, '');
  const path = relative(process.cwd(), location);
  return ` (thrown at ${path.startsWith('..') ? location : path}; KAIKU_DEBUG=1 shows the stack)`;
}

/** One line for any error: what failed and, where it helps, what to do. */
export function describeError(error: unknown): string {
  if (error instanceof ScriptError) return oneLine(error.message);
  const failure = connectionFailure(error);
  if (failure) return describeConnection(failure);
  if (!(error instanceof Error)) return oneLine(String(error)) || 'failed without a message';
  const message = oneLine(error.message);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined || (error.name !== 'Error' && !bugs.has(error.name))) {
    // An AWS SDK error (or another named one): its name says what happened (AccessDeniedException, ...).
    const detail = message && message !== 'UnknownError' ? message : `HTTP ${status ?? 'error'}`;
    const hint =
      credentialsFrom && signatureRefusals.has(error.name)
        ? ` (the operator credentials from ${credentialsFrom} were refused: is that the service now running?)`
        : '';
    return `${error.name}: ${detail}${hint}`;
  }
  if (bugs.has(error.name)) return `${error.name}: ${message}${thrownAt(error)}`;
  return message || `${error.name}${thrownAt(error)}`;
}

function exitCodeOf(error: unknown): number {
  return error instanceof ScriptError ? error.exitCode : 1;
}

/**
 * Runs a script's main: any error, thrown or escaping later (an unhandled rejection, an exception in a
 * callback), is printed as one line `<script>: <message>` and ends the process with its exit code.
 */
export async function runScript(script: string, main: () => Promise<void>): Promise<void> {
  const report = (error: unknown) => {
    console.error(`${script}: ${describeError(error)}`);
    if (process.env.KAIKU_DEBUG && process.env.KAIKU_DEBUG !== '0' && error instanceof Error && error.stack)
      console.error(error.stack);
    process.exit(exitCodeOf(error));
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
  try {
    await main();
  } catch (error) {
    report(error);
  }
}
