// DynamoDB Local has no bind-address option; startDynamo keeps it on loopback with an LD_PRELOAD bind()
// shim and keeps its files private. These tests look at the sockets the kernel reports, try the machine's
// other addresses, and stat the database files.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { endianness, networkInterfaces, tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localDynamoClient,
  type RunningDynamo,
  startDynamo,
  stopProcess,
} from '../../infra/local/dynamodb.ts';
import { loopbackOnlyEnvironment } from '../../infra/local/loopback.ts';
import { freePort } from '../support/free-port.ts';

const base = mkdtempSync(join(tmpdir(), 'kaiku-loopback-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('DynamoDB Local started by startDynamo', () => {
  const dataDir = join(base, 'private', 'dynamodb');
  let port: number;
  let dynamo: RunningDynamo;

  beforeAll(async () => {
    port = await freePort();
    dynamo = await startDynamo(port, dataDir);
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  it('answers DynamoDB requests at http://127.0.0.1:port', async () => {
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${port}`);
    const client = localDynamoClient(dynamo.endpoint);
    try {
      await createTable(client, 'loopback');
      await client.send(
        new PutItemCommand({ TableName: 'loopback', Item: { pk: { S: 'a' }, v: { S: 'b' } } }),
      );
      const { Item } = await client.send(
        new GetItemCommand({ TableName: 'loopback', Key: { pk: { S: 'a' } } }),
      );
      expect(Item?.v?.S).toBe('b');
    } finally {
      client.destroy();
    }
  });

  it('listens on loopback addresses only', () => {
    const listening = listeningAddresses(port);
    expect(listening.length).toBeGreaterThan(0);
    expect(listening.filter((address) => !isLoopback(address))).toEqual([]);
  });

  it("refuses connections on the machine's other addresses", async () => {
    expect(await connectOutcome('127.0.0.1', port)).toBe('connected');
    const others = machineAddresses().filter((address) => !isLoopback(address.address));
    const outcomes = await Promise.all(
      others.map(async ({ host }) => ({ host, outcome: await connectOutcome(host, port) })),
    );
    expect(outcomes).toEqual(others.map(({ host }) => ({ host, outcome: 'ECONNREFUSED' })));
  });

  it('keeps its folder at mode 700 and its files at 600', () => {
    expect(mode(dataDir)).toBe('700');
    const files = readdirSync(dataDir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.map((file) => [file, mode(join(dataDir, file))])).toEqual(
      files.map((file) => [file, '600']),
    );
  });

  it('stops Java quickly and leaves no process behind', async () => {
    const pid = dynamo.process.pid!;
    const started = Date.now();
    await dynamo.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(processExists(pid)).toBe(false);
    expect(listeningAddresses(port)).toEqual([]);
  });
});

describe('stopProcess', () => {
  it('kills a process that ignores SIGTERM within a few seconds', async () => {
    const stubborn = spawn(process.execPath, [
      '-e',
      "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');",
    ]);
    // It says so once its SIGTERM handler is in place (a fixed wait is too short on a loaded machine).
    await new Promise((resolve) => stubborn.stdout.once('data', resolve));
    const started = Date.now();
    await stopProcess(stubborn);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stubborn.signalCode).toBe('SIGKILL');
    expect(processExists(stubborn.pid!)).toBe(false);
  });
});

describe('startDynamo with a relative data folder', () => {
  it('keeps the data in that folder, relative to the working directory', { timeout: 60_000 }, async () => {
    const absolute = join(base, 'relative', 'dynamodb');
    const dataDir = relative(process.cwd(), absolute);
    expect(isAbsolute(dataDir)).toBe(false);

    const first = await startDynamo(await freePort(), dataDir);
    const client = localDynamoClient(first.endpoint);
    try {
      await createTable(client, 'kept');
    } finally {
      client.destroy();
      await first.stop();
    }
    expect(mode(absolute)).toBe('700');
    expect(readdirSync(absolute).length).toBeGreaterThan(0);

    const second = await startDynamo(await freePort(), dataDir);
    const again = localDynamoClient(second.endpoint);
    try {
      const { TableNames } = await again.send(new ListTablesCommand({}));
      expect(TableNames).toContain('kept');
    } finally {
      again.destroy();
      await second.stop();
    }
  });
});

describe('the bind() shim', () => {
  it('moves binds on 0.0.0.0 and :: to loopback', () => {
    // A Node child with the same environment: its servers ask for the wildcard addresses.
    const script = `
      const { createServer } = require('node:net');
      const listen = (options) => new Promise((resolve) => {
        const server = createServer();
        server.once('error', (error) => resolve(error.code));
        server.listen({ port: 0, ...options }, () => { resolve(server.address().address); server.close(); });
      });
      (async () => console.log(JSON.stringify([
        await listen({ host: '0.0.0.0' }),
        await listen({ host: '::' }),
        await listen({ host: '::', ipv6Only: true }),
      ])))();`;
    const output = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, ...loopbackOnlyEnvironment() },
      encoding: 'utf8',
    });
    const [ipv4, dualStack, ipv6Only] = JSON.parse(output) as string[];
    expect(ipv4).toBe('127.0.0.1');
    if (existsSync('/proc/net/tcp6')) {
      expect(dualStack).toBe('::ffff:127.0.0.1');
      expect(ipv6Only).toBe('::1');
    }
  });
});

async function createTable(client: ReturnType<typeof localDynamoClient>, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
}

/** The permission bits, in octal: '700'. */
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The local addresses of the sockets listening on TCP `port`, as the kernel reports them. */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A: LISTEN
      const [hex = '', portHex = ''] = local.split(':');
      if (Number.parseInt(portHex, 16) === port) addresses.push(addressText(hex));
    }
  }
  return addresses;
}

/** /proc/net prints the address as 32-bit words in the machine's byte order. */
function addressText(hex: string): string {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 4) {
    const word = Number.parseInt(hex.slice(i * 2, i * 2 + 8), 16);
    if (endianness() === 'LE') bytes.writeUInt32LE(word, i);
    else bytes.writeUInt32BE(word, i);
  }
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    return `::ffff:${bytes.subarray(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  const text = groups.join(':');
  return text === '0:0:0:0:0:0:0:1' ? '::1' : text === '0:0:0:0:0:0:0:0' ? '::' : text;
}

const isLoopback = (address: string) =>
  address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');

/** Every address of this machine, with the host to connect to (link-local IPv6 needs its interface). */
function machineAddresses(): { address: string; host: string }[] {
  return Object.entries(networkInterfaces()).flatMap(([name, addresses]) =>
    (addresses ?? []).map(({ address, family }) => ({
      address,
      host: family === 'IPv6' && address.toLowerCase().startsWith('fe80:') ? `${address}%${name}` : address,
    })),
  );
}

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
