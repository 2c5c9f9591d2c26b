import { createServer } from 'node:net';

/** A port free on loopback right now, for a server that cannot be asked to choose its own. */
export function freePortOnLoopback(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
