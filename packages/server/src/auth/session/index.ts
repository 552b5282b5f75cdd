/**
 * Browser sessions for the UI, their CSRF check, and the sealed cookie that carries a started
 * OpenID Connect login: see README.md beside this file.
 *
 * @example
 * const sessions = new BrowserSessions({ store, clock: systemClock, secure: true });
 * const session = await sessions.resolve(request.headers.get('cookie'));
 * if (session) checkCsrf(request, session.csrfToken);
 */
export { BrowserSessions, DEFAULT_ABSOLUTE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, type BrowserSessionsOptions, type IssuedSession } from './browser-sessions.js';
export { checkCsrf, checkFromOwnPages, CSRF_HEADER, type CsrfOptions, type CsrfRequest } from './csrf.js';
export { createSessionAuthenticator } from './session-authenticator.js';
export { PendingLoginCookie, type PendingLoginCookieOptions } from './pending-login-cookie.js';
export { MemorySessionStore } from './memory-session-store.js';
export { SealedValues } from './sealed-value.js';
export { cookieName, readCookie, serializeCookie, type CookieAttributes } from './cookies.js';
export type { SessionPrincipal, SessionRecord, SessionStore } from './session-store.js';
