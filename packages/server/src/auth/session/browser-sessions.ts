import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { cookieName, readCookie, serializeCookie } from './cookies.js';
import type { SessionPrincipal, SessionRecord, SessionStore } from './session-store.js';

/** How long sessions live, and where they are kept. */
export interface BrowserSessionsOptions {
  store: SessionStore;
  clock: Clock;
  /** The server is reached over HTTPS: cookies are Secure and named `__Host-...`. */
  secure: boolean;
  /** A session unused this long ends (default 8 hours). */
  idleTimeoutMs?: number;
  /** A session ends this long after login, however active (default 7 days). */
  absoluteTimeoutMs?: number;
  /** Activity is written to the store at most this often per session (default 1 minute). */
  touchIntervalMs?: number;
}

/** A live session and the Set-Cookie header that gives it to the browser. */
export interface IssuedSession {
  session: SessionRecord;
  setCookie: string;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 8 * 60 * 60 * 1000;
export const DEFAULT_ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_TOUCH_INTERVAL_MS = 60 * 1000;
/** 32 random bytes in base64url: what a session id looks like; anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

/**
 * Browser sessions for the UI: an opaque random id (256 bits) in an HttpOnly, SameSite=Lax cookie
 * (Secure and `__Host-` over HTTPS); the record is kept server-side under the id's SHA-256, with a
 * per-session CSRF token, an idle and an absolute expiry by the injected clock. Login always issues a
 * new id (an id known before login never becomes a logged-in one); logout deletes the record.
 *
 * @example
 * const sessions = new BrowserSessions({ store, clock: systemClock, secure: true });
 * const { setCookie } = await sessions.create({ username: 'alice', isAdmin: false, method: 'oidc' }, { replacing: req.header('cookie') });
 * const session = await sessions.resolve(req.header('cookie')); // undefined when absent or expired
 */
export class BrowserSessions {
  /** The session cookie's name: `__Host-loupe-session` over HTTPS, `loupe-session` on plain http. */
  readonly cookieName: string;
  private readonly store: SessionStore;
  private readonly clock: Clock;
  private readonly secure: boolean;
  private readonly idleMs: number;
  private readonly absoluteMs: number;
  private readonly touchMs: number;

  constructor(options: BrowserSessionsOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.secure = options.secure;
    this.idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.absoluteMs = options.absoluteTimeoutMs ?? DEFAULT_ABSOLUTE_TIMEOUT_MS;
    this.touchMs = options.touchIntervalMs ?? DEFAULT_TOUCH_INTERVAL_MS;
    this.cookieName = cookieName('loupe-session', this.secure);
  }

  /**
   * Starts a session for a user who just proved who they are. The session the browser had
   * (`replacing`: its Cookie header) is ended: a login always gets a fresh id.
   */
  async create(principal: SessionPrincipal, options: { replacing?: string | null | undefined } = {}): Promise<IssuedSession> {
    await this.end(options.replacing);
    const now = this.clock.now();
    const id = randomToken();
    const session: SessionRecord = {
      username: principal.username,
      isAdmin: principal.isAdmin,
      method: principal.method,
      issuer: principal.issuer,
      subject: principal.subject,
      userStamp: principal.userStamp,
      idHash: hashId(id),
      csrfToken: randomToken(),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.absoluteMs,
    };
    await this.store.create(session);
    return { session, setCookie: serializeCookie(this.cookieName, id, { secure: this.secure, maxAge: this.absoluteMs / 1000 }) };
  }

  /**
   * The live session a request's Cookie header names, or undefined (no cookie, unknown id, idle or
   * past its absolute expiry: such a record is deleted). Records activity at most once per touch
   * interval. A request that sent a cookie and got undefined should get {@link clearCookie} back.
   */
  async resolve(cookieHeader: string | null | undefined): Promise<SessionRecord | undefined> {
    const id = readCookie(cookieHeader, this.cookieName);
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const session = await this.store.find(hashId(id));
    if (!session) return undefined;
    const now = this.clock.now();
    if (now >= session.expiresAt || now - session.lastSeenAt >= this.idleMs) {
      await this.store.delete(session.idHash);
      return undefined;
    }
    if (now - session.lastSeenAt >= this.touchMs) {
      await this.store.touch(session.idHash, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  /**
   * Moves a live session to a new id and CSRF token, keeping its user and absolute expiry (after a
   * privilege change, for instance); the old id stops working at once.
   */
  async rotate(session: SessionRecord): Promise<IssuedSession> {
    await this.store.delete(session.idHash);
    const id = randomToken();
    const now = this.clock.now();
    const rotated: SessionRecord = { ...session, idHash: hashId(id), csrfToken: randomToken(), lastSeenAt: now };
    await this.store.create(rotated);
    return { session: rotated, setCookie: serializeCookie(this.cookieName, id, { secure: this.secure, maxAge: (rotated.expiresAt - now) / 1000 }) };
  }

  /** Logs out: deletes the session the Cookie header names (if any) and returns the Set-Cookie that clears it. */
  async destroy(cookieHeader: string | null | undefined): Promise<string> {
    await this.end(cookieHeader);
    return this.clearCookie();
  }

  /** A Set-Cookie header that removes the session cookie from the browser. */
  clearCookie(): string {
    return serializeCookie(this.cookieName, '', { secure: this.secure, maxAge: 0 });
  }

  /** Deletes expired and idle sessions (for a periodic job); returns how many. */
  purgeExpired(): Promise<number> {
    const now = this.clock.now();
    return this.store.deleteExpired(now, now - this.idleMs);
  }

  private async end(cookieHeader: string | null | undefined): Promise<void> {
    const id = readCookie(cookieHeader, this.cookieName);
    if (id !== undefined && SESSION_ID.test(id)) await this.store.delete(hashId(id));
  }
}
