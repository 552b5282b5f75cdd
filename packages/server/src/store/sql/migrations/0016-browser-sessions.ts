import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Browser sessions of the UI and the OpenID Connect accounts linked to Loupe users
 * (auth/session/README.md, docs/adr/0013-auth.md §7). A session row keeps the SHA-256 of the cookie's
 * id, never the id. It names its user without a foreign key: a session of a deleted user, or of a user
 * whose password changed, is refused by the user stamp it carries (and purged), so the store needs no
 * users row to hold a session. An identity row goes with its user (ON DELETE CASCADE).
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('browser_sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.notNull().primaryKey())
    .addColumn('username', 'varchar(256)', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('issuer', 'varchar(1024)')
    .addColumn('subject', 'varchar(256)')
    .addColumn('user_stamp', 'varchar(64)')
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('browser_sessions_username').on('browser_sessions').column('username').execute();
  await db.schema.createIndex('browser_sessions_expires_at').on('browser_sessions').column('expires_at').execute();
  await db.schema.createIndex('browser_sessions_last_seen_at').on('browser_sessions').column('last_seen_at').execute();
  await db.schema
    .createTable('user_identities')
    .addColumn('issuer', 'varchar(1024)', (c) => c.notNull())
    .addColumn('subject', 'varchar(256)', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull().references('users.username').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_username').on('user_identities').column('username').execute();
}
