import { createHash } from 'node:crypto';
import type { AuthStore, UserRecord } from '../store/auth-store.js';
import type { AuthFreshness } from './auth-freshness.js';
import type { AuthOutcome, AuthRequest, Authenticator } from './authenticator.js';
import type { Principal } from './principal.js';
import type { BrowserSessions } from './session/browser-sessions.js';
import { readCookie } from './session/cookies.js';
import { checkCsrf, type CsrfOptions } from './session/csrf.js';
import type { SessionRecord } from './session/session-store.js';

/**
 * A digest of what makes a user the same user: the row's id and its password hash. A session stores the
 * stamp of its user at login; a deleted user (no row, or a new row of the same name) or a changed
 * password gives another stamp, and the session stops working.
 *
 * @example
 * await sessions.create({ username: user.username, isAdmin: user.isAdmin, method: 'password', userStamp: userStamp(user) });
 */
export function userStamp(user: Pick<UserRecord, 'id' | 'passwordHash'>): string {
  return createHash('sha256').update(`${user.id}\u0000${user.passwordHash}`).digest('hex').slice(0, 32);
}

/** Users looked up by name, forgotten whenever {@link AuthFreshness} clears (a write on any server). */
class CachedUsers {
  private readonly users = new Map<string, UserRecord | null>();

  constructor(
    private readonly store: AuthStore,
    private readonly freshness: AuthFreshness,
  ) {
    freshness.track(this.users);
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const cached = this.users.get(username);
    if (cached !== undefined) return cached ?? undefined;
    const epoch = this.freshness.epoch;
    const user = await this.store.getUser(username);
    if (this.freshness.isCurrent(epoch)) {
      if (this.users.size >= 10_000) this.users.clear();
      this.users.set(username, user ?? null);
    }
    return user;
  }
}

/** A live session and the principal it proves. */
export interface ProvenSession {
  session: SessionRecord;
  principal: Principal;
}

/**
 * The browser-session link of the authenticator chain (after Basic and bearer): the session the
 * request's cookie names, checked against the user's current row (through the same freshness-kept
 * cache as Basic, so a deleted user, a changed password or admin flag takes effect as fast), and for
 * a write the CSRF check (a 403 thrown, not a 401: the cookie is fine, the page is not Loupe's). A
 * request with an `Authorization` header is left to the other links.
 *
 * @example
 * const chain = new AuthenticatorChain([basic, new SessionCookieAuthenticator(sessions, store, freshness)]);
 */
export class SessionCookieAuthenticator implements Authenticator {
  private readonly users: CachedUsers;

  constructor(
    private readonly sessions: BrowserSessions,
    store: AuthStore,
    freshness: AuthFreshness,
    private readonly csrf: CsrfOptions = {},
  ) {
    this.users = new CachedUsers(store, freshness);
  }

  async authenticate(request: AuthRequest): Promise<AuthOutcome> {
    if (request.header('authorization') !== undefined) return { outcome: 'not-mine' };
    const cookies = request.header('cookie');
    if (readCookie(cookies, this.sessions.cookieName) === undefined) return { outcome: 'not-mine' };
    const proven = await this.resolve(cookies);
    if (!proven) return { outcome: 'refused', browser: { setCookie: this.sessions.clearCookie() } };
    checkCsrf(
      { method: request.method ?? 'POST', url: request.url ?? 'http://localhost/', headers: { get: (name) => request.header(name) ?? null } },
      proven.session.csrfToken,
      this.csrf,
    );
    return { outcome: 'proven', principal: proven.principal };
  }

  /**
   * The live session a Cookie header names and its principal, or undefined (no cookie, expired, or its
   * user deleted or with another password since: such a session is ended). No CSRF check: for reads.
   */
  async resolve(cookieHeader: string | null | undefined): Promise<ProvenSession | undefined> {
    const session = await this.sessions.resolve(cookieHeader);
    if (!session) return undefined;
    const user = await this.users.get(session.username);
    if (!user || userStamp(user) !== session.userStamp) {
      await this.sessions.destroy(cookieHeader);
      return undefined;
    }
    const principal: Principal = Object.freeze({ userId: user.id, username: user.username, isAdmin: user.isAdmin, via: 'session' as const });
    return { session, principal };
  }
}
