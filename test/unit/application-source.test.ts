// Who counts as one client for the limit of waiting applications (decision 0011), and what is kept of it.
import { describe, expect, it } from 'vitest';
import {
  addressOfViewerHeader,
  clientOf,
  clientOfRequest,
  sourceOf,
} from '../../shared/domain/application-source.ts';

describe('CloudFront-Viewer-Address', () => {
  it('gives the address without the port, IPv4 and IPv6 (unbracketed as CloudFront writes it, or bracketed)', () => {
    expect(addressOfViewerHeader('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(addressOfViewerHeader('2001:db8::1:46532')).toBe('2001:db8::1');
    // A port that would also be a valid last group comes off too.
    expect(addressOfViewerHeader('1:2::3:4:5:6:443')).toBe('1:2::3:4:5:6');
    expect(addressOfViewerHeader('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(addressOfViewerHeader(' 192.0.2.1:1 ')).toBe('192.0.2.1');
    expect(addressOfViewerHeader('192.0.2.1')).toBe('192.0.2.1');
  });

  it('gives nothing for a value that is no address', () => {
    for (const value of [
      undefined,
      '',
      'not an address',
      '192.0.2.300:1',
      'example.org:443',
      '[192.0.2.1]:1',
      'x'.repeat(200),
    ])
      expect(addressOfViewerHeader(value), String(value)).toBeUndefined();
  });
});

describe('one client', () => {
  it('is an IPv4 address, or an IPv6 /64 in any spelling; an IPv4-mapped address is its IPv4 address', () => {
    expect(clientOf('192.0.2.1')).toBe('v4:192.0.2.1');
    expect(clientOf('192.0.2.2')).not.toBe(clientOf('192.0.2.1'));
    const prefix = clientOf('2001:db8:a:b::1');
    expect(prefix).toBe('v6:2001:db8:a:b::/64');
    for (const same of ['2001:0DB8:000A:000B:ffff:1:2:3', '2001:db8:a:b:0:0:0:99', '2001:db8:a:b::192.0.2.1'])
      expect(clientOf(same), same).toBe(prefix);
    expect(clientOf('2001:db8:a:c::1')).not.toBe(prefix);
    expect(clientOf('2001:db8::')).toBe('v6:2001:db8:0:0::/64');
    expect(clientOf('::1')).toBe('v6:0:0:0:0::/64');
    expect(clientOf('::ffff:192.0.2.1')).toBe('v4:192.0.2.1');
    expect(clientOf('::ffff:c000:201')).toBe('v4:192.0.2.1');
    expect(clientOf(undefined)).toBe('unknown');
    expect(clientOf('nonsense')).toBe('unknown');
  });

  it('is the address CloudFront saw when it sent one, else the connection’s', () => {
    expect(clientOfRequest('203.0.113.7:5000', '130.176.1.1')).toBe('v4:203.0.113.7');
    expect(clientOfRequest(undefined, '127.0.0.1')).toBe('v4:127.0.0.1');
    expect(clientOfRequest('garbage', '127.0.0.1')).toBe('v4:127.0.0.1');
  });
});

describe('the source', () => {
  it('is 16 characters of a keyed hash: the same client and key give the same, another key another', () => {
    const key = Buffer.alloc(32, 1);
    const source = sourceOf('v4:192.0.2.1', key);
    expect(source).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(sourceOf('v4:192.0.2.1', key)).toBe(source);
    expect(sourceOf('v4:192.0.2.2', key)).not.toBe(source);
    expect(sourceOf('v4:192.0.2.1', Buffer.alloc(32, 2))).not.toBe(source);
    expect(source).not.toContain('192');
  });
});
