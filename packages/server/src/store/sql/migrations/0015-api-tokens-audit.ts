import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * API tokens and the audit log (docs/adr/0013-auth.md §7, §8). A token row keeps the SHA-256 of its
 * secret (unique: the lookup key), never the secret; `token_prefix` (its first 8 characters) is what
 * a person recognizes it by. Audit events name their actor by username and their resource by id,
 * without foreign keys: an event outlives the user, experiment or token it is about.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
  await db.schema
    .createTable('audit_events')
    .addColumn('id', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  // Newest first, whole log or narrowed by actor, action or resource type.
  await db.schema.createIndex('audit_events_time').on('audit_events').columns(['time', 'id']).execute();
  await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor', 'time', 'id']).execute();
  await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'time', 'id']).execute();
  await db.schema.createIndex('audit_events_resource_type').on('audit_events').columns(['resource_type', 'time', 'id']).execute();
}
