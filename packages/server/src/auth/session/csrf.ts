import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@loupe/protocol';

/** The header the UI sends its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that only read: exempt (they must change nothing, RFC 9110 §9.2.1). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where the UI is served from, for the Origin check. */
export interface CsrfOptions {
  /**
   * The server's public origins (`https://loupe.example.com`). Absent: the origin whose host is the
   * request's Host header, any scheme (a TLS-terminating proxy may forward plain http).
   */
  publicOrigins?: readonly string[];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

const refuse = (why: string) =>
  new ApiError('PERMISSION_DENIED', `Cross-site request forgery check failed: ${why}. Reload the page; if this repeats, sign in again.`);

/** What the CSRF checks read of a request (a web `Request` is one). */
export interface CsrfRequest {
  method: string;
  url: string;
  headers: { get(name: string): string | null };
}

function originAllowed(origin: string, request: CsrfRequest, options: CsrfOptions): boolean {
  if (options.publicOrigins) return options.publicOrigins.some((o) => o.toLowerCase().replace(/\/$/, '') === origin.toLowerCase());
  const host = request.headers.get('host') ?? new URL(request.url).host;
  try {
    const url = new URL(origin);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/**
 * Checks a write that a session cookie authenticates (a request with an `Authorization` header is
 * not cookie-authenticated and needs no check): the browser must say it comes from Loupe's own pages
 * (`Sec-Fetch-Site: same-origin` when sent, and an `Origin` of this server when sent), and the
 * `X-CSRF-Token` header must equal the session's token (compared in constant time). Reads pass.
 * Throws a 403 PERMISSION_DENIED ApiError naming what failed.
 *
 * @example
 * const session = await sessions.resolve(c.req.header('cookie'));
 * if (session) checkCsrf(c.req.raw, session.csrfToken);
 */
export function checkCsrf(request: CsrfRequest, csrfToken: string, options: CsrfOptions = {}): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  checkFromOwnPages(request, options);
  const sent = request.headers.get(CSRF_HEADER);
  if (sent === null || sent === '') throw refuse('the X-CSRF-Token header is missing');
  // Digests have one length, so the comparison's time says nothing about the token.
  if (!timingSafeEqual(digest(sent), digest(csrfToken))) throw refuse("the X-CSRF-Token header does not match this session's token");
}

/**
 * The first two checks of {@link checkCsrf}, for a write that has no session yet (the password login
 * form: another site must not sign a browser in to an account of its choosing): `Sec-Fetch-Site`, when
 * sent, is `same-origin`, and `Origin`, when sent, is this server's. Throws a 403 PERMISSION_DENIED.
 *
 * @example
 * checkFromOwnPages(c.req.raw); // before verifying a password posted by the login page
 */
export function checkFromOwnPages(request: CsrfRequest, options: CsrfOptions = {}): void {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') throw refuse(`the request comes from another site (Sec-Fetch-Site: ${site.slice(0, 20)})`);
  const origin = request.headers.get('origin');
  if (origin !== null && !originAllowed(origin, request, options)) throw refuse(`the request comes from another origin (${origin.slice(0, 200)})`);
}
