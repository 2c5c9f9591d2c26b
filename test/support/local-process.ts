// `npm start` as a child process of a test, on a data folder and a free port of its own (DynamoDB, S3 and
// the identity provider on ports of their own choosing), stopped with SIGTERM as an operator stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

const projectRoot = join(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  readonly url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startServiceProcess(
  dataDir: string,
  env: Record<string, string> = {},
  /** How long the first start may take (synthesis, DynamoDB Local): longer on a loaded machine. */
  startupMs = 90_000,
): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['infra/local/start.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(port),
      KAIKU_DATA_DIR: dataDir,
      KAIKU_DYNAMODB_PORT: '',
      KAIKU_S3_PORT: '',
      KAIKU_IDP_PORT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startupMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service stopped: ${output}`);
    const healthy = await fetch(`${url}/v1/health`).then(
      (reply) => reply.ok,
      () => false,
    );
    if (healthy) return { url, output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`no health within ${startupMs / 1000} s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
