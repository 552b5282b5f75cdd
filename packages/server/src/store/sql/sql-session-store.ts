import type { Kysely, Selectable } from 'kysely';
import type { SessionRecord, SessionStore } from '../../auth/session/session-store.js';
import type { Database } from './schema.js';
import type { BrowserSessionsTable } from './session-schema.js';

function toRecord(row: Selectable<BrowserSessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    username: row.username,
    isAdmin: Boolean(Number(row.is_admin)),
    method: row.method as SessionRecord['method'],
    issuer: row.issuer ?? undefined,
    subject: row.subject ?? undefined,
    userStamp: row.user_stamp ?? undefined,
    csrfToken: row.csrf_token,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Browser sessions in the backend store (`browser_sessions`, auth/session/README.md), shared by every
 * server on the database: one statement per operation, keyed by the SHA-256 of the cookie's id.
 *
 * @example
 * const sessions = new BrowserSessions({ store: new SqlSessionStore(db), clock: systemClock, secure: true });
 */
export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(record: SessionRecord): Promise<void> {
    await this.db
      .insertInto('browser_sessions')
      .values({
        id_hash: record.idHash,
        username: record.username,
        is_admin: record.isAdmin ? 1 : 0,
        method: record.method,
        issuer: record.issuer ?? null,
        subject: record.subject ?? null,
        user_stamp: record.userStamp ?? null,
        csrf_token: record.csrfToken,
        created_at: record.createdAt,
        last_seen_at: record.lastSeenAt,
        expires_at: record.expiresAt,
      })
      .execute();
  }

  async find(idHash: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('browser_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row && toRecord(row);
  }

  async touch(idHash: string, lastSeenAt: number): Promise<void> {
    await this.db.updateTable('browser_sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('browser_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteForUser(username: string): Promise<number> {
    const result = await this.db.deleteFrom('browser_sessions').where('username', '=', username).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: number, lastSeenBefore: number): Promise<number> {
    const result = await this.db
      .deleteFrom('browser_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', lastSeenBefore)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
