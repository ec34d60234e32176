import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which X-Forwarded-For entries to believe. Anyone can send the header, so without TRUST_PROXY it is
 * ignored: otherwise a client would pick a fresh "IP" per request and walk past every per-IP limit.
 */
export type TrustProxy = { kind: 'hops'; hops: number } | { kind: 'addresses'; list: BlockList };

export interface TrustedAddress {
  address: string;
  prefix: number | null;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.1` or `10.0.0.0/8` or `::1` or `fd00::/8`; null when malformed. */
export function parseTrustedAddress(value: string): TrustedAddress | null {
  const [address = '', prefixText, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, prefix: null, family };
  if (!/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : null;
}

/** Whether every entry of a comma-separated list is an address or a CIDR range. */
export const isAddressList = (value: string) => value.split(',').every((part) => parseTrustedAddress(part.trim()) !== null);

/** A comma-separated list of addresses and CIDR ranges, already checked with isAddressList. */
export function parseAddressList(value: string): BlockList {
  const list = new BlockList();
  for (const part of value.split(',')) {
    const parsed = parseTrustedAddress(part.trim())!;
    if (parsed.prefix === null) list.addAddress(parsed.address, parsed.family);
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list;
}

/** Parses a TRUST_PROXY value already checked by the config schema. */
export function parseTrustProxy(value: string): TrustProxy {
  if (/^[0-9]{1,2}$/.test(value)) return { kind: 'hops', hops: Number(value) };
  return { kind: 'addresses', list: parseAddressList(value) };
}

/**
 * One spelling per address, so that one client is one budget: `2001:DB8::1` and
 * `2001:db8:0:0:0:0:0:1` are `2001:db8::1`, `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) is
 * `1.2.3.4`, and a zone (`fe80::1%eth0`) is dropped. Node's isIP decides what is an address (strict
 * dotted quads: `1.2.3` and `01.2.3.4` are not); ipaddr.js prints it. Null when not an address.
 */
export function canonicalIp(address: string): string | null {
  const trimmed = address.trim().replace(/%.*$/, '');
  if (isIP(trimmed) === 0) return null;
  return ipaddr.process(trimmed).toString();
}

/**
 * What the per-IP rate limits count: the address for IPv4, its /64 for IPv6. One IPv6 subscriber,
 * data centre host or cloud instance gets a whole /64 (and picks addresses from it at will), so
 * counting single IPv6 addresses would give it 2^64 budgets.
 */
export function rateLimitSubject(ip: string | null): string {
  if (!ip) return 'unknown';
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv4') return ip;
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

/** Whether `address` (canonical, see canonicalIp) is in `list`. */
export function isListed(list: BlockList, address: string): boolean {
  const version = isIP(address);
  return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The client's address: the socket's, or, behind trusted proxies, the X-Forwarded-For entry the
 * nearest untrusted hop added. The chain is read from the right: entries to the left of the first
 * untrusted hop were written by the client and prove nothing.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | null, trust: TrustProxy | null): string | null {
  const socket = socketAddress ? canonicalIp(socketAddress) : null;
  if (!trust || !socket || !forwardedFor) return socket;
  const chain = [...forwardedFor.split(',').flatMap((a) => canonicalIp(a) ?? []), socket];
  if (trust.kind === 'hops') return chain[Math.max(chain.length - 1 - trust.hops, 0)]!;
  let i = chain.length - 1;
  while (i > 0 && isListed(trust.list, chain[i]!)) i--;
  return chain[i]!;
}
