import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.7` (how Node reports an IPv4 peer on a dual-stack socket) as `10.0.0.7`; `[::1]` as `::1`. */
function normalize(address: string): string {
  const bare = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? (mapped[1] as string) : bare;
}

/**
 * Why an entry of `LOUPE_TRUSTED_PROXIES` is not an address or CIDR range, or null when it is one.
 *
 * @example
 * trustedProxyProblem('10.0.0.0/8'); // null
 * trustedProxyProblem('10.0.0.0/33'); // "'10.0.0.0/33' is not an IP address or CIDR range"
 */
export function trustedProxyProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(normalize(address));
  const max = family === 6 ? 128 : 32;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
  return family !== 0 && prefixOk && extra === undefined ? null : `'${entry}' is not an IP address or CIDR range`;
}

/**
 * The load balancers and reverse proxies whose `X-Forwarded-For` is believed (`LOUPE_TRUSTED_PROXIES`):
 * the client address of a request they forward is the last address in that header that is not one of
 * theirs, so the login throttle counts each client rather than the proxy (docs/deploy.md). A request
 * from any other peer is that peer, whatever its headers say.
 *
 * @example
 * const proxies = new TrustedProxies(['10.0.0.0/8']);
 * proxies.clientAddress('10.0.0.2', '203.0.113.9, 10.0.0.3'); // '203.0.113.9'
 * proxies.clientAddress('198.51.100.4', '203.0.113.9'); // '198.51.100.4' (not a proxy: the header is ignored)
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** Entries are checked by the setting ({@link trustedProxyProblem}); one that is not valid throws. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      if (trustedProxyProblem(entry) !== null) throw new Error(trustedProxyProblem(entry) as string);
      const [address = '', prefix] = entry.split('/');
      const bare = normalize(address);
      const type = isIP(bare) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.list.addAddress(bare, type);
      else this.list.addSubnet(bare, Number(prefix), type);
    }
    this.empty = entries.length === 0;
  }

  /** Whether `address` is one of the trusted proxies. */
  trusts(address: string): boolean {
    const bare = normalize(address);
    const family = isIP(bare);
    return family !== 0 && this.list.check(bare, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** The client behind `peer`: from `forwardedFor` (right to left, past the trusted hops) when `peer` is trusted. */
  clientAddress(peer: string, forwardedFor: string | undefined): string {
    if (this.empty || forwardedFor === undefined || !this.trusts(peer)) return peer;
    const hops = forwardedFor.split(',').map(normalize);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      // A hop that is no address was not written by a proxy of ours: believe nothing further left.
      if (isIP(hop) === 0) return peer;
      if (!this.trusts(hop)) return hop;
    }
    return hops[0] ?? peer;
  }
}
