import { BlockList, isIP } from 'node:net';

/**
 * Address ranges that are not public (Python's `ipaddress` `is_global` is false for them, which is
 * MLflow's test): private, loopback, link-local (cloud metadata at 169.254.169.254), carrier-grade
 * NAT, documentation, benchmarking, reserved, multicast, IPv6 unique-local and the IPv6 ranges that
 * embed an IPv4 address. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) match the IPv4 ranges.
 */
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC_V4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC_V6.addSubnet(net, prefix, 'ipv6');
}

/**
 * True for an IP address that is public (routable on the internet), false for private, loopback,
 * link-local and other special addresses, and for anything that is not an IP address.
 *
 * @example
 * isPublicAddress('93.184.216.34'); // true
 * isPublicAddress('169.254.169.254'); // false
 * isPublicAddress('::ffff:127.0.0.1'); // false
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 6) {
    // A zone id (`fe80::1%eth0`) marks a link-local address.
    if (bare.includes('%')) return false;
    // IPv4-mapped addresses (in any notation) are checked against the IPv4 ranges by the IPv4 list.
    return !NON_PUBLIC_V4.check(bare, 'ipv6') && !NON_PUBLIC_V6.check(bare, 'ipv6');
  }
  return !NON_PUBLIC_V4.check(bare, 'ipv4');
}

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to its addresses: the seam through which tests give a name the answers a DNS
 * server would (and change them, as DNS rebinding does).
 */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;
