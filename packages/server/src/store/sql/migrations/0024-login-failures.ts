import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Failed logins, shared by every server on the database (docs/adr/0013-auth.md §6): one row per
 * failure and throttle key (a username's, a client address's), the key as a SHA-256 (the usernames
 * an attacker tries are not kept, and a key of any length fits the index). Rows older than the
 * throttle's window are deleted as new failures come.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('id', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('key_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key_at').on('login_failures').columns(['key_hash', 'at']).execute();
  await db.schema.createIndex('login_failures_at').on('login_failures').column('at').execute();
}
