// Keeps a server that has no bind-address option (DynamoDB Local) on loopback: a small bind() shim,
// compiled here on demand and loaded with LD_PRELOAD, turns its binds on 0.0.0.0 and :: into binds on
// 127.0.0.1 and ::1 (see loopback/bind-loopback.c). nonLoopbackListeners() checks the result.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';

/** The shim cannot be used here; the message says what to do. */
export class LoopbackUnavailable extends Error {}

const shimSource = join(import.meta.dirname, 'loopback', 'bind-loopback.c');
/** Under node_modules, so git ignores it and `npm ci` clears it. */
export const shimCache = join(projectRoot, 'node_modules', '.cache', 'kaiku-loopback');

/**
 * The environment that keeps a child process's servers on loopback: add it to the child's env.
 * Throws LoopbackUnavailable when the shim cannot be built or loaded (never falls back to all interfaces).
 */
export function loopbackOnlyEnvironment(): Record<string, string> {
  const shim = loopbackShim();
  const others = process.env.LD_PRELOAD?.trim();
  return { LD_PRELOAD: others ? `${shim}:${others}` : shim };
}

/** The compiled shim: built once per version of its source, atomically, so concurrent starts agree. */
export function loopbackShim(): string {
  if (process.platform !== 'linux')
    throw new LoopbackUnavailable(
      `DynamoDB Local is kept to 127.0.0.1 with an LD_PRELOAD bind() shim, which needs Linux (this is ${process.platform}).`,
    );
  const source = readFileSync(shimSource);
  const hash = createHash('sha256').update(source).update(process.arch).digest('hex').slice(0, 16);
  const target = join(shimCache, `bind-loopback-${hash}.so`);
  if (existsSync(target)) return target;
  mkdirSync(shimCache, { recursive: true });
  const temporary = join(
    shimCache,
    `.bind-loopback-${hash}-${process.pid}-${randomBytes(4).toString('hex')}.so`,
  );
  const build = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', temporary, shimSource, '-ldl'], {
    encoding: 'utf8',
  });
  if (build.error || build.status !== 0) {
    rmSync(temporary, { force: true });
    if ((build.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new LoopbackUnavailable(
        'No C compiler (cc) found: DynamoDB Local is kept to 127.0.0.1 by a small bind() shim built on first start; install one (Debian/Ubuntu: apt-get install gcc).',
      );
    const reason = build.error?.message ?? firstLine(build.stderr) ?? `exit ${build.status}`;
    throw new LoopbackUnavailable(`Could not compile the loopback bind() shim ${shimSource}: ${reason}`);
  }
  renameSync(temporary, target);
  return target;
}

const firstLine = (text: string | undefined) =>
  text
    ?.split('\n')
    .map((line) => line.trim())
    .find((line) => line);

/** The local addresses, other than loopback, on which some socket listens on TCP `port` (Linux). */
export function nonLoopbackListeners(port: number): string[] {
  return tcpListeners(port)
    .filter((address) => !isLoopback(address))
    .map(formatAddress);
}

/** Addresses (as 4 or 16 bytes) of the sockets listening on TCP `port`, from /proc/net/tcp and tcp6. */
function tcpListeners(port: number): Buffer[] {
  const addresses: Buffer[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue; // 0A: LISTEN
      const [address, localPort] = local.split(':');
      if (address && Number.parseInt(localPort ?? '', 16) === port) addresses.push(procAddress(address));
    }
  }
  return addresses;
}

/** The kernel prints each 32-bit word of the address as a number in the machine's byte order. */
function procAddress(hex: string): Buffer {
  const bytes = Buffer.alloc(hex.length / 2);
  for (let word = 0; word < bytes.length / 4; word++) {
    const value = Number.parseInt(hex.slice(word * 8, word * 8 + 8), 16);
    if (endianness() === 'LE') bytes.writeUInt32LE(value, word * 4);
    else bytes.writeUInt32BE(value, word * 4);
  }
  return bytes;
}

function isLoopback(address: Buffer): boolean {
  if (address.length === 4) return address[0] === 127;
  const mappedIpv4 = address.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]));
  if (mappedIpv4) return address[12] === 127;
  return address.subarray(0, 15).every((byte) => byte === 0) && address[15] === 1;
}

function formatAddress(address: Buffer): string {
  if (address.length === 4) return address.join('.');
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(address.readUInt16BE(i).toString(16));
  return `[${groups.join(':')}]`;
}
