/** Attributes of a cookie Loupe sets: always Path=/, HttpOnly and SameSite=Lax, never a Domain. */
export interface CookieAttributes {
  /** Seconds; 0 deletes the cookie. Absent: a cookie for the browser session. */
  maxAge?: number;
  /** Only over HTTPS (and then the name should carry `__Host-`). */
  secure: boolean;
}

/**
 * The cookie's name for this server: with the `__Host-` prefix when served over HTTPS, which tells
 * the browser to accept it only with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant
 * or overwrite it (RFC 6265bis §4.1.3.2). Browsers refuse `__Host-` cookies without Secure, so plain
 * http (development on localhost) uses the bare name.
 *
 * @example
 * cookieName('loupe-session', true); // '__Host-loupe-session'
 */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/**
 * A Set-Cookie header value. Values are base64url or `v1.`-prefixed base64url, so need no quoting.
 *
 * @example
 * serializeCookie('__Host-loupe-session', id, { secure: true, maxAge: 86400 });
 * // '__Host-loupe-session=...; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax'
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, 'Path=/'];
  if (attributes.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`);
  parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  // Lax: sent on top-level navigations (the provider's redirect back, links to Loupe), not on
  // cross-site subrequests or form posts (the first layer of CSRF defence).
  parts.push('SameSite=Lax');
  return parts.join('; ');
}

/**
 * The first value of cookie `name` in a Cookie header, or undefined.
 *
 * @example
 * readCookie('a=1; __Host-loupe-session=abc', '__Host-loupe-session'); // 'abc'
 */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
