import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { ApiError } from '@loupe/protocol';
import type { BrowserLogin } from '../../auth/browser-login.js';
import type { OidcLoginHandlers } from '../../auth/oidc/login-handlers.js';
import type { SessionCookieAuthenticator } from '../../auth/session-cookie-authenticator.js';
import type { BrowserSessions } from '../../auth/session/browser-sessions.js';
import { readCookie } from '../../auth/session/cookies.js';
import { checkCsrf, checkFromOwnPages, type CsrfOptions } from '../../auth/session/csrf.js';
import { readRequestBody } from '../request-decoding.js';
import { clientAddress } from './authentication.js';

/** The UI's sign-in, when auth is on (docs/adr/0013-auth.md §7). */
export interface BrowserAuth {
  sessions: BrowserSessions;
  authenticator: SessionCookieAuthenticator;
  login: BrowserLogin;
  /** OpenID Connect login; undefined when no issuer is configured. */
  oidc: OidcLoginHandlers | undefined;
  csrf: CsrfOptions;
  /** The Set-Cookie that removes a started OpenID Connect login (sent when its callback fails). */
  clearLoginCookie?: () => string;
  /** Where failures of the detailed kind go (the browser is told only a code). */
  onLoginFailure?: (err: ApiError) => void;
}

const NO_STORE = { 'cache-control': 'no-store' } as const;
/** A login form's body: small, two strings. */
const PasswordLogin = z.object({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) });
const MAX_LOGIN_BODY = 8 * 1024;

async function readPasswordLogin(c: Context): Promise<z.infer<typeof PasswordLogin>> {
  // Read up to the limit only: anyone may post here.
  const bytes = await readRequestBody(c, MAX_LOGIN_BODY);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw ApiError.invalid('The login request must be JSON: {"username": ..., "password": ...}.');
  }
  const parsed = PasswordLogin.safeParse(json);
  if (!parsed.success) throw ApiError.invalid('The login request needs a username and a password.');
  return parsed.data;
}

/** The session answer for a signed-in browser (`GET /auth/session`, the password login). */
function sessionBody(session: { username: string; isAdmin: boolean; csrfToken: string }) {
  return { username: session.username, is_admin: session.isAdmin, csrf_token: session.csrfToken };
}

/**
 * Mounts the UI's sign-in routes. With auth off (`null`), only `GET /auth/session`, answering
 * `{auth: "none"}` as the local operator, so the UI knows there is nothing to sign in to. With auth
 * on: `GET /auth/session`, `POST /auth/login/password`, `POST /auth/logout`, and with OpenID Connect
 * `GET /auth/login` and `GET /auth/callback`. None of them ever answers with `WWW-Authenticate` (the
 * browser would show its password prompt instead of Loupe's login page); the authentication
 * middleware lets every `/auth/` path through and these check what they need themselves.
 *
 * @example
 * mountBrowserAuthRoutes(app, { sessions, authenticator, login, oidc, csrf: {} });
 */
export function mountBrowserAuthRoutes(app: Hono, auth: BrowserAuth | null): void {
  if (auth === null) {
    app.get('/auth/session', (c) => c.json({ username: 'local', is_admin: true, csrf_token: '', auth: 'none', sso: false }, 200, NO_STORE));
    return;
  }
  const { sessions, authenticator, login, oidc, csrf } = auth;
  const sso = oidc !== undefined;
  const signedOut = (c: Context) => {
    // A dead cookie is cleared, so the browser stops sending it.
    if (readCookie(c.req.header('cookie'), sessions.cookieName) !== undefined) c.header('set-cookie', sessions.clearCookie());
    // `auth` and `sso` tell the login page what to offer (an addition to the error body).
    return c.json({ ...new ApiError('UNAUTHENTICATED', 'Not signed in.').toJSON(), auth: 'basic-auth', sso }, 401, NO_STORE);
  };

  app.get('/auth/session', async (c) => {
    const proven = await authenticator.resolve(c.req.header('cookie'));
    if (!proven) return signedOut(c);
    return c.json({ ...sessionBody({ ...proven.session, ...proven.principal }), auth: 'basic-auth', sso }, 200, NO_STORE);
  });

  app.post('/auth/login/password', async (c) => {
    // Another site must not sign this browser in to an account of its choosing (login CSRF).
    checkFromOwnPages(c.req.raw, csrf);
    const { username, password } = await readPasswordLogin(c);
    const result = await login.password(username, password, clientAddress(c));
    if (result.outcome === 'throttled') {
      const seconds = Math.ceil(result.retryAfterMs / 1000);
      const error = new ApiError('REQUEST_LIMIT_EXCEEDED', `Too many failed sign-in attempts: try again in ${seconds} seconds.`);
      return c.json(error.toJSON(), 429, { 'Retry-After': String(seconds), ...NO_STORE });
    }
    await sessions.purgeExpired();
    const { session, setCookie } = await sessions.create(result.principal, { replacing: c.req.header('cookie') });
    c.header('set-cookie', setCookie);
    return c.json(sessionBody(session), 200, NO_STORE);
  });

  app.post('/auth/logout', async (c) => {
    const cookies = c.req.header('cookie');
    const session = await sessions.resolve(cookies);
    if (session) checkCsrf(c.req.raw, session.csrfToken, csrf);
    c.header('set-cookie', await sessions.destroy(cookies));
    return c.json({}, 200, NO_STORE);
  });

  if (!oidc) return;
  app.get('/auth/login', (c) => oidc.login(c.req.raw));
  app.get('/auth/callback', async (c) => {
    try {
      await sessions.purgeExpired();
      return await oidc.callback(c.req.raw);
    } catch (err) {
      if (!ApiError.is(err)) throw err;
      // The details are for the operator's log; the page gets a code it turns into a fixed sentence
      // (a message in the URL would let anyone put words on Loupe's login page).
      auth.onLoginFailure?.(err);
      const headers = new Headers({ location: `/?login_error=${encodeURIComponent(err.code)}`, ...NO_STORE });
      if (auth.clearLoginCookie) headers.append('set-cookie', auth.clearLoginCookie());
      return new Response(null, { status: 303, headers });
    }
  });
}
