// Who sent an application, without keeping who it was: the client's address, grouped as one client would
// hold addresses (an IPv6 host gets a whole /64), reduced to a keyed hash. The address itself is personal
// data and is never stored or logged (docs/decisions/0011-application-spam.md).
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';

/** At most this many applications of one client wait for a decision at a time. */
export const maxPendingPerSource = 3;

/**
 * The header CloudFront adds when the origin request policy names it: the viewer's address and source port
 * as CloudFront saw them on the connection ("198.51.100.10:46532", "2001:db8::1:46532").
 */
export const viewerAddressHeader = 'cloudfront-viewer-address';

/** A source as the review list shows it: 16 base64url characters (96 bits) of HMAC-SHA-256. */
export const sourceLength = 16;

/** The address in CloudFront-Viewer-Address ("IP:port", IPv6 unbracketed or bracketed), or undefined. */
export function addressOfViewerHeader(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (!text || text.length > 100) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]!) === 6 ? bracketed[1] : undefined;
  // CloudFront always appends the port, and "2001:db8::1:443" is also a valid address on its own: the
  // port comes off first.
  const colon = text.lastIndexOf(':');
  const address = text.slice(0, colon);
  if (colon > 0 && /^\d{1,5}$/.test(text.slice(colon + 1)) && isIP(address)) return address;
  return isIP(text) ? text : undefined;
}

/** The eight groups of an IPv6 address as numbers (the address is valid: isIP said 6). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0]!;
  // A dotted IPv4 tail (::ffff:192.0.2.1) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
}

/**
 * One client, as a string: an IPv4 address, or the /64 prefix of an IPv6 address (an IPv4-mapped IPv6
 * address is its IPv4 address). A client with no usable address at all is "unknown": one client.
 */
export function clientOf(address: string | undefined): string {
  const version = address ? isIP(address) : 0;
  if (version === 4) return `v4:${address}`;
  if (version !== 6) return 'unknown';
  const groups = ipv6Groups(address!);
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return `v4:${groups[6]! >> 8}.${groups[6]! & 255}.${groups[7]! >> 8}.${groups[7]! & 255}`;
  return `v6:${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/**
 * The client of a request: the address CloudFront saw when it sent one (a value that is no address counts
 * as absent), else the connection's own address (the local gateway's socket, or the execute-api caller).
 */
export function clientOfRequest(viewerAddress: string | undefined, sourceIp: string | undefined): string {
  return clientOf(addressOfViewerHeader(viewerAddress) ?? sourceIp);
}

/** The source stored and shown for a client: a keyed hash, so the table never holds the address. */
export function sourceOf(client: string, key: Buffer): string {
  return createHmac('sha256', key).update(client).digest('base64url').slice(0, sourceLength);
}
