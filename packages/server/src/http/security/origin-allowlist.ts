/**
 * Which web origins may change data and read replies across origins (`--cors-allowed-origins`,
 * MLflow's flag of the same name). Pages on loopback (`http://localhost:*`, `127.0.0.1`, `[::1]`) are
 * always allowed, as in MLflow: they are served by programs on the same machine, which can reach the
 * server without a browser anyway.
 */

const ORIGIN_GLOB = /^[a-z][a-z0-9+.-]*:\/\/[a-z0-9._*\-[\]:]+$/;

/** One entry of `--cors-allowed-origins`, parsed. */
type OriginPattern = { kind: 'any' } | { kind: 'origin'; origin: RegExp };

/**
 * Parses one `--cors-allowed-origins` entry: `*` (any origin) or an origin such as
 * `https://app.example.com` or `http://localhost:3000`, where `*` matches any run of characters
 * (`https://*.example.com`). Returns a message when the text is not one.
 *
 * @example
 * parseOriginPattern('https://app.example.com'); // { kind: 'origin', origin: /^https:\/\/app\.example\.com$/ }
 * parseOriginPattern('app.example.com'); // "'app.example.com' is not an origin ..."
 */
export function parseOriginPattern(entry: string): OriginPattern | string {
  const text = entry.trim().toLowerCase().replace(/\/$/, '');
  if (text === '*') return { kind: 'any' };
  if (!ORIGIN_GLOB.test(text)) return `'${entry}' is not an origin such as https://app.example.com or http://localhost:3000`;
  const source = text
    .split('*')
    .map((part) => part.replace(/[.\\[\]()+?^$|{}/]/g, '\\$&'))
    .join('.*');
  return { kind: 'origin', origin: new RegExp(`^${source}$`) };
}

/**
 * Compiles `--cors-allowed-origins` entries into a check of a request's `Origin` header. Throws on an
 * entry that is not one (config validates them first, with the flag's name).
 *
 * @example
 * const allowed = createOriginAllowlist(['https://app.example.com']);
 * allowed('https://app.example.com'); // true
 * allowed('https://evil.example'); // false
 */
export function createOriginAllowlist(entries: readonly string[]): (origin: string) => boolean {
  const patterns = entries.map((entry) => {
    const parsed = parseOriginPattern(entry);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed;
  });
  return (origin) => {
    const text = origin.trim().toLowerCase();
    return patterns.some((p) => p.kind === 'any' || p.origin.test(text));
  };
}

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether an `Origin` is a page served from this machine's loopback (any scheme, any port).
 *
 * @example
 * isLoopbackOrigin('http://localhost:3000'); // true
 * isLoopbackOrigin('http://localhost.evil.example'); // false
 */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    return LOOPBACK_HOSTNAMES.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * Whether an `Origin` is the server's own origin as the request reached it (its host and port are
 * the request's `Host`): the UI served by this server.
 *
 * @example
 * isSameOrigin('http://loupe.internal:5000', 'loupe.internal:5000'); // true
 */
export function isSameOrigin(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`${url.protocol}//${hostHeader.trim()}`).host;
  } catch {
    return false;
  }
}
