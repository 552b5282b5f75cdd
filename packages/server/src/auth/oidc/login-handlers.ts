import { ApiError } from '@loupe/protocol';
import type { BrowserSessions } from '../session/browser-sessions.js';
import { checkCsrf, type CsrfOptions } from '../session/csrf.js';
import type { PendingLoginCookie } from '../session/pending-login-cookie.js';
import type { SessionPrincipal } from '../session/session-store.js';
import type { OidcIdentity } from './identity.js';
import type { OidcClient } from './oidc-client.js';

/** What the login handlers tie together. */
export interface OidcLoginHandlersOptions {
  oidc: OidcClient;
  sessions: BrowserSessions;
  loginCookie: PendingLoginCookie;
  /**
   * Turns a proven identity into the session's user: the auth core provisions or looks up the Loupe
   * user here (and may refuse with a 403 ApiError). Default: the identity's username and admin flag.
   */
  onLogin?: (identity: OidcIdentity) => Promise<SessionPrincipal> | SessionPrincipal;
  csrf?: CsrfOptions;
}

/** The four endpoints of the UI's login, on web-standard Request and Response (mount them on any router). */
export interface OidcLoginHandlers {
  /** `GET /auth/login?return_to=/path`: 302 to the provider, with the sealed login cookie. */
  login(request: Request): Promise<Response>;
  /** `GET /auth/callback`: finishes the login, starts a session (new id), 303 to the page asked for. */
  callback(request: Request): Promise<Response>;
  /** `POST /auth/logout` (CSRF-checked): ends the session; 204 with the cookie cleared. */
  logout(request: Request): Promise<Response>;
  /** `GET /auth/session`: `{username, is_admin, csrf_token}` for the UI, or 401. */
  session(request: Request): Promise<Response>;
}

const redirect = (status: 302 | 303, location: string, cookies: string[]) => {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status, headers });
};

/**
 * The UI's login flow over {@link OidcClient}, {@link BrowserSessions} and {@link PendingLoginCookie}.
 * Nothing is kept in memory between requests: the login's secrets travel in the sealed cookie and
 * sessions live in the shared store, so each step may reach a different server. Failures throw
 * ApiErrors for the server's one error handler.
 *
 * @example
 * const auth = createOidcLoginHandlers({ oidc, sessions, loginCookie, onLogin: (id) => users.provision(id) });
 * app.get('/auth/login', (c) => auth.login(c.req.raw));
 * app.get('/auth/callback', (c) => auth.callback(c.req.raw));
 * app.post('/auth/logout', (c) => auth.logout(c.req.raw));
 * app.get('/auth/session', (c) => auth.session(c.req.raw));
 */
export function createOidcLoginHandlers(options: OidcLoginHandlersOptions): OidcLoginHandlers {
  const { oidc, sessions, loginCookie } = options;
  const onLogin =
    options.onLogin ??
    ((identity: OidcIdentity): SessionPrincipal => ({
      username: identity.username,
      isAdmin: identity.isAdmin,
      method: 'oidc',
      issuer: identity.issuer,
      subject: identity.subject,
    }));
  return {
    async login(request) {
      const returnTo = new URL(request.url).searchParams.get('return_to') ?? undefined;
      const { redirectUrl, pending } = await oidc.beginLogin(returnTo === undefined ? {} : { returnTo });
      return redirect(302, redirectUrl, [loginCookie.seal(pending)]);
    },
    async callback(request) {
      const cookies = request.headers.get('cookie');
      const pending = loginCookie.open(cookies);
      const identity = await oidc.completeLogin(request.url, pending);
      const principal = await onLogin(identity);
      const { setCookie } = await sessions.create(principal, { replacing: cookies });
      return redirect(303, pending.returnTo, [setCookie, loginCookie.clear()]);
    },
    async logout(request) {
      const cookies = request.headers.get('cookie');
      const session = await sessions.resolve(cookies);
      if (session) checkCsrf(request, session.csrfToken, options.csrf);
      const cleared = await sessions.destroy(cookies);
      return new Response(null, { status: 204, headers: { 'set-cookie': cleared, 'cache-control': 'no-store' } });
    },
    async session(request) {
      const session = await sessions.resolve(request.headers.get('cookie'));
      if (!session) throw new ApiError('UNAUTHENTICATED', 'Not signed in: open /auth/login to sign in.');
      return Response.json(
        { username: session.username, is_admin: session.isAdmin, csrf_token: session.csrfToken },
        { headers: { 'cache-control': 'no-store' } },
      );
    },
  };
}
