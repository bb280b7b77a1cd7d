import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach: this host, the private networks behind it, link-local
 * (where cloud metadata services answer, 169.254.169.254), carrier-grade NAT, multicast,
 * reserved and documentation ranges, and IPv6 forms that embed an IPv4 address (mapped,
 * NAT64), which could otherwise smuggle one of the above past an IPv4-only rule.
 */
// Two lists: Node checks an IPv4 address against IPv6 rules too (as ::ffff:a.b.c.d), so the
// rule that refuses every IPv4-mapped IPv6 address must not meet plain IPv4 addresses.
const BLOCKED_V4 = new BlockList();
const BLOCKED_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED_V6.addSubnet(network, prefix, 'ipv6');
}

/** True for anything that is not a public unicast address (and for what is not an address). */
export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const version = isIP(bare);
  if (version === 4) return BLOCKED_V4.check(bare, 'ipv4');
  if (version === 6) return BLOCKED_V6.check(bare, 'ipv6');
  return true;
}
