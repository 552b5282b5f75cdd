import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '@loupe/protocol';
import { createHostAllowlist } from './host-allowlist.js';
import { createOriginAllowlist, isLoopbackOrigin, isSameOrigin } from './origin-allowlist.js';

/** `--x-frame-options`: who may show the server's pages in a frame (`NONE`: no header, anyone). */
export type FrameOptions = 'SAMEORIGIN' | 'DENY' | 'NONE';

/** The request checks and response headers of {@link securityMiddleware}, from the server settings. */
export interface SecurityOptions {
  /** `--allowed-hosts` entries (`*`: any Host). */
  allowedHosts: readonly string[];
  /** `--cors-allowed-origins` entries, besides the server's own origin and loopback pages (`*`: any origin). */
  corsAllowedOrigins: readonly string[];
  frameOptions: FrameOptions;
}

/** Methods that change data: a browser page may send them only from an allowed origin. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
/** Paths a load balancer probes by address: exempt from the Host check, as in MLflow. */
const PROBES = new Set(['/health', '/ready', '/version']);
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS';
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';
/** Longest Host or Origin quoted back in an error message. */
const QUOTE_LIMIT = 200;

const quote = (text: string) => `'${text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}...` : text}'`;

/** The request's Host: the header a browser sent, or the URL's host for in-process requests (`app.request`), which have none. */
function hostOf(c: Context): string {
  return c.req.header('host') ?? new URL(c.req.url).host;
}

function corsHeaders(c: Context, origin: string): void {
  c.header('access-control-allow-origin', origin);
  c.header('access-control-allow-credentials', 'true');
  c.header('vary', 'Origin', { append: true });
}

/**
 * The server's first middleware (MLflow's security middleware, `mlflow/server/security.py`, made
 * stricter where docs/security.md says):
 * - DNS rebinding: a request whose `Host` is not in `allowedHosts` gets 403 before any route runs
 *   (`/health` and `/version` are exempt, for probes that address the server by IP).
 * - Cross-site writes: a POST, PUT, DELETE or PATCH from a browser page of another origin gets 403
 *   unless that origin is loopback or in `corsAllowedOrigins`, whatever its content type (forms and
 *   `text/plain` bodies too). Browsers send `Origin` with every such request; `Sec-Fetch-Site` is the
 *   fallback for one without it. Clients that are not browsers send neither and are not affected.
 * - CORS: allowed origins get `Access-Control-Allow-Origin` and answered preflights (204).
 * - Framing: `X-Frame-Options` as `frameOptions` says; every reply is `nosniff`.
 *
 * @example
 * app.use('*', securityMiddleware({ allowedHosts: ['localhost', '127.0.0.1', '[::1]'], corsAllowedOrigins: [], frameOptions: 'SAMEORIGIN' }));
 */
export function securityMiddleware(options: SecurityOptions): MiddlewareHandler {
  const hostAllowed = createHostAllowlist(options.allowedHosts);
  const anyHost = options.allowedHosts.some((h) => h.trim() === '*');
  const listedOrigin = createOriginAllowlist(options.corsAllowedOrigins);
  return async (c, next) => {
    const host = hostOf(c);
    if (!anyHost && !PROBES.has(c.req.path) && !hostAllowed(host)) {
      throw new ApiError(
        'PERMISSION_DENIED',
        `Invalid Host header ${quote(host)}: possible DNS rebinding attack. To serve this host name, add it to --allowed-hosts (env LOUPE_ALLOWED_HOSTS).`,
      );
    }
    const origin = c.req.header('origin');
    const method = c.req.method;
    // The UI's own requests need no CORS headers; another allowed origin gets them.
    const sameOrigin = origin !== undefined && isSameOrigin(origin, host);
    const crossAllowed = origin !== undefined && !sameOrigin && (isLoopbackOrigin(origin) || listedOrigin(origin));
    const allowed = origin === undefined || sameOrigin || crossAllowed;
    const refuse = () =>
      new ApiError(
        'PERMISSION_DENIED',
        `Cross-origin request from ${quote(origin ?? 'another site')} refused. To allow a web app on another origin, add it to --cors-allowed-origins (env LOUPE_CORS_ALLOWED_ORIGINS).`,
      );
    if (method === 'OPTIONS' && origin !== undefined && c.req.header('access-control-request-method') !== undefined) {
      if (!allowed) throw refuse();
      if (crossAllowed) corsHeaders(c, origin);
      c.header('access-control-allow-methods', ALLOWED_METHODS);
      const requested = c.req.header('access-control-request-headers');
      if (requested) c.header('access-control-allow-headers', requested);
      // Chromium asks before a public page reaches a private address; an allowed origin may.
      if (c.req.header('access-control-request-private-network') === 'true') c.header('access-control-allow-private-network', 'true');
      c.header('access-control-max-age', PREFLIGHT_MAX_AGE);
      c.header('vary', 'Access-Control-Request-Method, Access-Control-Request-Headers', { append: true });
      return c.body(null, 204);
    }
    if (STATE_CHANGING.has(method)) {
      const site = c.req.header('sec-fetch-site');
      if (!allowed || (origin === undefined && (site === 'cross-site' || site === 'same-site'))) throw refuse();
    }
    await next();
    if (crossAllowed) corsHeaders(c, origin);
  };
}

/**
 * Headers every reply carries, security middleware or not: `nosniff`, and `X-Frame-Options` unless
 * `frameOptions` is `NONE`.
 *
 * @example
 * app.use('*', securityHeaders('SAMEORIGIN'));
 */
export function securityHeaders(frameOptions: FrameOptions): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    if (frameOptions !== 'NONE') c.header('x-frame-options', frameOptions);
  };
}
