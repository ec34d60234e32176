import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { canonicalIp, clientIp, parseTrustProxy, rateLimitSubject } from '../../src/lib/client-ip.js';

describe('clientIp', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIp('203.0.113.9', '1.2.3.4', null)).toBe('203.0.113.9');
    expect(clientIp('::ffff:203.0.113.9', null, null)).toBe('203.0.113.9');
  });

  it('takes the entry added by the nearest untrusted hop, counting hops from the right', () => {
    const oneHop = parseTrustProxy('1');
    // The client wrote "1.2.3.4" itself; the trusted proxy appended the address it saw.
    expect(clientIp('10.0.0.2', '1.2.3.4, 198.51.100.7', oneHop)).toBe('198.51.100.7');
    expect(clientIp('10.0.0.2', '198.51.100.7', parseTrustProxy('2'))).toBe('198.51.100.7');
    expect(clientIp('10.0.0.2', null, oneHop)).toBe('10.0.0.2');
  });

  it('walks past trusted addresses and ranges only', () => {
    const trusted = parseTrustProxy('10.0.0.0/8, 192.0.2.1');
    expect(clientIp('10.0.0.2', '6.6.6.6, 198.51.100.7, 192.0.2.1', trusted)).toBe('198.51.100.7');
    // A request straight from the internet cannot pick its address.
    expect(clientIp('198.51.100.7', '1.2.3.4', trusted)).toBe('198.51.100.7');
    // Garbage is skipped, not believed.
    expect(clientIp('10.0.0.2', 'not-an-ip', trusted)).toBe('10.0.0.2');
  });

  it('spells each address one way, whichever way the socket or the proxy wrote it', () => {
    const oneHop = parseTrustProxy('1');
    for (const spelling of ['2001:DB8::1', '2001:db8::1', '2001:db8:0:0:0:0:0:1', '2001:0db8:0000::0001']) {
      expect(clientIp('10.0.0.2', spelling, oneHop)).toBe('2001:db8::1');
      expect(clientIp(spelling, null, null)).toBe('2001:db8::1');
    }
    expect(clientIp('10.0.0.2', '::ffff:1.2.3.4', oneHop)).toBe('1.2.3.4');
    expect(clientIp('10.0.0.2', '::FFFF:1.2.3.4', oneHop)).toBe('1.2.3.4');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    // Only strict dotted quads: the forms some parsers read as other addresses are not addresses.
    for (const odd of ['1.2.3', '01.2.3.4', '0x7f.0.0.1', '1.2.3.4.5', '', 'localhost']) expect(canonicalIp(odd)).toBeNull();
  });

  it('counts IPv6 clients by their /64 and IPv4 clients by their address', () => {
    expect(rateLimitSubject('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitSubject('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitSubject('192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitSubject(null)).toBe('unknown');
  });

  it('is configured by TRUST_PROXY, which rejects what it cannot parse', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,::1' }).trustProxy?.kind).toBe('addresses');
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('reads limits as calls/seconds and can turn them off', () => {
    expect(loadConfig({}).rateLimits?.emailTokenResend).toEqual({ points: 1, durationSeconds: 60 });
    expect(loadConfig({ RATE_LIMIT_SESSION_IP: '50/600' }).rateLimits?.sessionIp).toEqual({ points: 50, durationSeconds: 600 });
    expect(loadConfig({ RATE_LIMIT: 'off' }).rateLimits).toBeNull();
    expect(() => loadConfig({ RATE_LIMIT_SESSION_IP: '10 per hour' })).toThrow(/RATE_LIMIT_SESSION_IP/);
  });
});
