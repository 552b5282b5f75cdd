import net from 'node:net';

/**
 * The `Host` header check against DNS rebinding (`--allowed-hosts`, MLflow's flag of the same name).
 * A rebound page sends the attacker's own name in `Host` (the browser names the host it navigated
 * to), so a server that answers only the names it is really reached by cannot be read or written
 * through a rebound domain. See docs/security.md for where Loupe differs from MLflow's matcher.
 */

/** One entry of `--allowed-hosts`, parsed. */
type HostPattern =
  | { kind: 'any' }
  /** An address range (`10.0.0.0/8`, `fc00::/7`): matches a Host that is an IP address in it, any port. */
  | { kind: 'range'; list: net.BlockList }
  /** A name (`*` matches any run of characters), an IPv4 address or a bracketed IPv6 address, and a port (null: any). */
  | { kind: 'name'; name: RegExp; port: string | null };

const NAME_GLOB = /^[a-z0-9._*-]+$/;
const PORT_GLOB = /^(\d{1,5}|\*)$/;

function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.\\[\]()+?^$|{}]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

function parseRange(text: string): HostPattern | string {
  const slash = text.indexOf('/');
  const address = text.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
  const bits = Number(text.slice(slash + 1));
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  if (!family) return `'${text}' is not an address range: write it as 10.0.0.0/8 or fc00::/7`;
  if (!/^\d+$/.test(text.slice(slash + 1)) || bits > (family === 'ipv4' ? 32 : 128)) return `'${text}' has a bad prefix length`;
  const list = new net.BlockList();
  list.addSubnet(address, bits, family);
  return { kind: 'range', list };
}

/**
 * Parses one `--allowed-hosts` entry: `*` (any host), a name with optional `*` wildcards and an
 * optional port (`loupe.example.com`, `*.corp.example`, `loupe.internal:8080`, `localhost:*`), an IP
 * address (`10.1.2.3`, `[::1]`) or an address range (`10.0.0.0/8`, `fc00::/7`). Without a port an
 * entry accepts any port. Returns a message when the text is not an entry.
 *
 * @example
 * parseHostPattern('loupe.example.com'); // { kind: 'name', ... }
 * parseHostPattern('fd00::1'); // "'fd00::1' is not a host name: write IPv6 addresses in brackets ..."
 */
export function parseHostPattern(entry: string): HostPattern | string {
  const text = entry.trim().toLowerCase();
  if (text === '*') return { kind: 'any' };
  if (text.includes('/')) return parseRange(text);
  let host: string;
  let port: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (close < 0 || !net.isIPv6(host.slice(1, -1))) return `'${entry}' is not a bracketed IPv6 address such as [::1]`;
    if (rest !== '') {
      if (!rest.startsWith(':') || !PORT_GLOB.test(rest.slice(1))) return `'${entry}' has a bad port`;
      port = rest.slice(1);
    }
    return { kind: 'name', name: globToRegExp(host), port: port === '*' ? null : port };
  }
  const parts = text.split(':');
  if (parts.length > 2) return `'${entry}' is not a host name: write IPv6 addresses in brackets ([::1]) and ranges as fc00::/7`;
  host = parts[0] ?? '';
  if (parts.length === 2) {
    if (!PORT_GLOB.test(parts[1] ?? '')) return `'${entry}' has a bad port`;
    port = parts[1] ?? null;
  }
  if (host === '' || !NAME_GLOB.test(host)) return `'${entry}' is not a host name (letters, digits, '.', '-', '_' and '*' wildcards)`;
  return { kind: 'name', name: globToRegExp(host.replace(/\.$/, '')), port: port === '*' ? null : port };
}

/** A Host header split into its host (lower case, no trailing dot) and port ('' when absent); null when it is not one. */
function splitHostHeader(header: string): { host: string; port: string } | null {
  const text = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match) return null;
  return { host: (match[1] ?? '').replace(/\.$/, ''), port: match[2] ?? '' };
}

function matches(pattern: HostPattern, host: string, port: string): boolean {
  switch (pattern.kind) {
    case 'any':
      return true;
    case 'range': {
      const address = host.startsWith('[') ? host.slice(1, -1) : host;
      const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
      return family !== null && pattern.list.check(address, family);
    }
    case 'name':
      return pattern.name.test(host) && (pattern.port === null || pattern.port === port);
  }
}

/**
 * Compiles `--allowed-hosts` entries into a check of a request's `Host` header. Throws on an entry
 * that is not one (config validates them first, with the flag's name).
 *
 * @example
 * const allowed = createHostAllowlist(['localhost', '127.0.0.1', '[::1]']);
 * allowed('127.0.0.1:5000'); // true
 * allowed('evil.example:5000'); // false
 */
export function createHostAllowlist(entries: readonly string[]): (hostHeader: string) => boolean {
  const patterns = entries.map((entry) => {
    const parsed = parseHostPattern(entry);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  });
  return (hostHeader) => {
    const split = splitHostHeader(hostHeader);
    return split !== null && patterns.some((p) => matches(p, split.host, split.port));
  };
}

/** The loopback names a browser on this machine uses for a server bound to loopback. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** MLflow's default private ranges (RFC 1918, RFC 4193), as address ranges: an IP address in `Host` cannot come from a rebound name. */
export const PRIVATE_ADDRESS_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

/**
 * Whether a `--host` bind address only listens on loopback.
 *
 * @example
 * isLoopbackAddress('127.0.0.1'); // true
 * isLoopbackAddress('0.0.0.0'); // false
 */
export function isLoopbackAddress(bindHost: string): boolean {
  const host = bindHost
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  return net.isIPv4(host) && host.startsWith('127.');
}

/**
 * The default `--allowed-hosts` for a bind address. Bound to loopback: the loopback names (and the
 * bound address). Bound elsewhere: those, MLflow's private address ranges, and the bound address or
 * name itself unless it is a wildcard address (0.0.0.0, ::).
 *
 * @example
 * defaultAllowedHosts('127.0.0.1'); // ['localhost', '127.0.0.1', '[::1]']
 * defaultAllowedHosts('0.0.0.0'); // [...LOOPBACK_HOSTS, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']
 */
export function defaultAllowedHosts(bindHost: string): string[] {
  const host = bindHost
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const own = net.isIPv6(host) ? `[${host}]` : host;
  const hosts = isLoopbackAddress(host) ? [...LOOPBACK_HOSTS] : [...LOOPBACK_HOSTS, ...PRIVATE_ADDRESS_RANGES];
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  if (!wildcard && typeof parseHostPattern(own) !== 'string' && !createHostAllowlist(hosts)(own)) hosts.push(own);
  return hosts;
}
