import { checkCsrf, type CsrfOptions } from './csrf.js';
import type { BrowserSessions } from './browser-sessions.js';
import type { SessionRecord } from './session-store.js';

/**
 * One link of the auth core's Authenticator chain: the browser session a request's cookie names.
 * A request with an `Authorization` header is left to the other links (a cross-site page cannot set
 * that header, and credentials it carries must not be mixed with a cookie's). For a write the CSRF
 * check runs, and a failure is a 403 rather than "not authenticated": the cookie is valid, the
 * request is not from Loupe's pages.
 *
 * @example
 * const fromSession = createSessionAuthenticator(sessions);
 * const session = await fromSession(c.req.raw); // undefined: try the next authenticator, or 401
 * const principal = session && { username: session.username, isAdmin: session.isAdmin };
 */
export function createSessionAuthenticator(sessions: BrowserSessions, csrf: CsrfOptions = {}): (request: Request) => Promise<SessionRecord | undefined> {
  return async (request) => {
    if (request.headers.has('authorization')) return undefined;
    const session = await sessions.resolve(request.headers.get('cookie'));
    if (session) checkCsrf(request, session.csrfToken, csrf);
    return session;
  };
}
