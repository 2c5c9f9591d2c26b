// The API answers only requests that came through CloudFront (docs/decisions/0022-secrets-and-origin.md):
// CloudFront adds the origin secret as a header of its own to every request it sends; a request to the
// execute-api address carries no such header (or a guess), and is refused before anything else is done.
// Locally the gateway plays CloudFront and adds the header (infra/local/gateway.ts).
import { timingSafeEqual } from 'node:crypto';
import { readSecret } from '../store/secrets.ts';

/** The header CloudFront adds to every request it sends to the API, with the origin secret's value. */
export const originHeader = 'x-kaiku-origin';

const same = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The value before the last rotation (AWSPREVIOUS), or undefined when there was none; read rarely. */
let previous: { value: Promise<string | undefined>; readAt: number } | undefined;
const previousCacheMs = 5 * 60 * 1000;

function previousValue(): Promise<string | undefined> {
  const age = Date.now() - (previous?.readAt ?? 0); // real time: a cache's age
  if (!previous || age > previousCacheMs)
    previous = {
      value: readSecret('originVerify', 'AWSPREVIOUS').catch((error: unknown) => {
        // No previous version yet: nothing more to accept. Any other failure is the deployment's.
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        previous = undefined;
        throw error;
      }),
      readAt: Date.now(), // real time: a cache's age
    };
  return previous.value;
}

/**
 * True when the request carries the origin secret: its current value, or the one before the last
 * rotation while CloudFront may still send that.
 */
export async function fromOrigin(headers: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const sent = headers[originHeader];
  if (!sent) return false;
  if (same(sent, await readSecret('originVerify'))) return true;
  const before = await previousValue();
  return before !== undefined && same(sent, before);
}
