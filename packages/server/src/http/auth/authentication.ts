import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '@loupe/protocol';
import type { AuthFreshness } from '../../auth/auth-freshness.js';
import type { Authenticator } from '../../auth/authenticator.js';
import { LOCAL_OPERATOR, type Principal } from '../../auth/principal.js';
import type { TrustedProxies } from '../client-address.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who sent the request, set by {@link authentication} before any route runs. */
    principal: Principal;
    /** The client's address behind trusted proxies, set by {@link clientAddresses} when any are configured. */
    clientAddress: string;
  }
}

/** What {@link authentication} needs when auth is on. */
export interface AuthenticationOptions {
  authenticator: Authenticator;
  freshness: AuthFreshness;
  /** Requests answered without credentials (load-balancer probes, the sign-in routes, the UI shell). */
  isPublic: (method: string, path: string) => boolean;
}

/** The realm browsers show when they ask for credentials. */
const CHALLENGE = 'Basic realm="loupe", charset="UTF-8"';

/** The peer address of a request served by Node (`local` for in-process `app.request` calls). */
function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

/**
 * The client's address: the peer's, or behind a trusted proxy the one it forwarded ({@link clientAddresses}).
 *
 * @example
 * await throttle.retryAfterMs(username, clientAddress(c));
 */
export function clientAddress(c: Context): string {
  return c.get('clientAddress') ?? peerAddress(c);
}

/**
 * Reads the client's address from `X-Forwarded-For` when the peer is a trusted proxy
 * (`LOUPE_TRUSTED_PROXIES`); first, so everything after sees the same address.
 *
 * @example
 * app.use('*', clientAddresses(new TrustedProxies(['10.0.0.0/8'])));
 */
export function clientAddresses(proxies: TrustedProxies): MiddlewareHandler {
  return async (c, next) => {
    if (!proxies.empty) c.set('clientAddress', proxies.clientAddress(peerAddress(c), c.req.header('x-forwarded-for')));
    await next();
  };
}

/**
 * Authenticates every request before any route (docs/adr/0013-auth.md §1): the principal goes to the
 * context; without one, 401 with `WWW-Authenticate: Basic` and `{error_code: UNAUTHENTICATED}`; after
 * too many failures, 429 with `Retry-After`. With auth off (`null`), every request is the local operator.
 *
 * @example
 * app.use('*', authentication({ authenticator, freshness, isPublic: (_method, path) => path === '/health' }));
 */
export function authentication(options: AuthenticationOptions | null): MiddlewareHandler {
  if (options === null) {
    return async (c, next) => {
      c.set('principal', LOCAL_OPERATOR);
      await next();
    };
  }
  const { authenticator, freshness, isPublic } = options;
  return async (c, next) => {
    if (isPublic(c.req.method, c.req.path)) return next();
    await freshness.ensureFresh();
    const result = await authenticator.authenticate({
      header: (name) => c.req.header(name),
      clientAddress: clientAddress(c),
      method: c.req.method,
      url: c.req.url,
    });
    if (result.outcome === 'proven') {
      c.set('principal', result.principal);
      return next();
    }
    if (result.outcome === 'throttled') {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      const error = new ApiError('REQUEST_LIMIT_EXCEEDED', `Too many failed sign-in attempts: try again in ${seconds} seconds.`);
      return c.json(error.toJSON(), 429, { 'Retry-After': String(seconds) });
    }
    if (result.outcome === 'refused' && result.browser) {
      // A browser's dead session: no challenge (the browser would prompt for a password over Loupe's login page).
      const error = new ApiError('UNAUTHENTICATED', 'Your session has ended: sign in again.');
      return c.json(error.toJSON(), 401, { 'Set-Cookie': result.browser.setCookie });
    }
    const error = new ApiError(
      'UNAUTHENTICATED',
      result.outcome === 'refused'
        ? 'Invalid credentials: check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN (unknown, revoked or expired tokens are refused).'
        : 'You are not authenticated: send HTTP Basic credentials (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).',
    );
    return c.json(error.toJSON(), 401, { 'WWW-Authenticate': CHALLENGE });
  };
}
