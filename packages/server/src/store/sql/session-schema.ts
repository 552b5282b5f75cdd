/** Browser session tables (migrations/0016-browser-sessions). Times are epoch milliseconds. */
export interface BrowserSessionsTable {
  /** Hex SHA-256 of the cookie's id. */
  id_hash: string;
  username: string;
  /** 0 or 1 (PostgreSQL and SQLite alike). */
  is_admin: number;
  method: string;
  issuer: string | null;
  subject: string | null;
  user_stamp: string | null;
  csrf_token: string;
  /** BIGINT: `pg` returns a string. */
  created_at: number | string;
  last_seen_at: number | string;
  expires_at: number | string;
}

/** An OpenID Connect account (issuer, subject) linked to a Loupe user. */
export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  username: string;
}

export interface SessionTables {
  browser_sessions: BrowserSessionsTable;
  user_identities: UserIdentitiesTable;
}
