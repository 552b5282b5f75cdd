/** Who a browser session belongs to (the auth core's Principal, and how it was proven). */
export interface SessionPrincipal {
  username: string;
  isAdmin: boolean;
  /** How the user signed in: `oidc` or `password`. */
  method: 'oidc' | 'password';
  /** The OpenID Connect issuer and subject, for an `oidc` session. */
  issuer?: string | undefined;
  subject?: string | undefined;
  /**
   * What the user's row was when the session began (a digest of its id and password hash): a session
   * whose user was deleted, or whose password changed since, no longer matches and is refused.
   */
  userStamp?: string | undefined;
}

/** One browser session as stored (README.md beside this file has the SQL table). */
export interface SessionRecord extends SessionPrincipal {
  /** SHA-256 of the session id, hex: the id itself is never stored, so a database leak opens no session. */
  idHash: string;
  /** The synchronizer token the UI sends back in `X-CSRF-Token`. */
  csrfToken: string;
  /** Wall times, epoch milliseconds. */
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry: createdAt plus the absolute lifetime, whatever the activity. */
  expiresAt: number;
}

/**
 * Where browser sessions live: memory in tests ({@link MemorySessionStore}), a SQL table shared by
 * every server in production (so a session works on any of several stateless servers).
 *
 * @example
 * await store.create(record);
 * const found = await store.find(record.idHash);
 */
export interface SessionStore {
  create(record: SessionRecord): Promise<void>;
  find(idHash: string): Promise<SessionRecord | undefined>;
  /** Records activity; a no-op for a session that is gone. */
  touch(idHash: string, lastSeenAt: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a user (logout everywhere, user deleted or demoted); returns how many. */
  deleteForUser(username: string): Promise<number>;
  /** Removes sessions past their absolute expiry or idle since before `lastSeenBefore`; returns how many. */
  deleteExpired(now: number, lastSeenBefore: number): Promise<number>;
}
