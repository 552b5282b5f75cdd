import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * Webhooks (MLflow's `webhooks` and `webhook_events` tables; spec §6.3), Loupe's delivery log, and
 * the fan-out cursor over the registry's event log. `registry_events` belongs to the registry
 * (migration 0009 writes it, one row per event in the transaction of the change); it is created here
 * only where that migration has not, with the same columns, so webhooks can be set up on their own.
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('registry_events')
    .ifNotExists()
    .addColumn('seq', dialect.idColumnType, (c) => dialect.idColumn(c))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhooks')
    .addColumn('webhook_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // AES-256-GCM of the secret (never the secret itself): `v1.<iv>.<tag>.<ciphertext>`, base64url.
    .addColumn('secret_ciphertext', 'text')
    .addColumn('creation_timestamp', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_timestamp', 'bigint', (c) => c.notNull())
    // MLflow deletes webhooks softly; their deliveries stay readable.
    .addColumn('deleted_timestamp', 'bigint')
    .execute();
  await db.schema.createIndex('webhooks_listing').on('webhooks').columns(['creation_timestamp', 'webhook_id']).execute();
  await db.schema
    .createTable('webhook_events')
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.webhook_id').onDelete('cascade'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    // The order the client gave (TestWebhook defaults to the first).
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_events_pk', ['webhook_id', 'entity', 'action'])
    .execute();
  await db.schema.createIndex('webhook_events_event').on('webhook_events').columns(['entity', 'action', 'webhook_id']).execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.webhook_id').onDelete('cascade'))
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['webhook_id', 'created_at', 'delivery_id']).execute();
  // One row: how far the fan-out has read the event log, and the sequence numbers it passed over that
  // may still commit (PostgreSQL hands out sequence numbers before commit, so they commit out of order).
  await db.schema
    .createTable('webhook_fanout_cursor')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('gaps', 'text', (c) => c.notNull())
    .execute();
  // Events logged before webhooks existed go to no webhook: start after them.
  await sql`insert into webhook_fanout_cursor (id, last_seq, gaps) select 1, coalesce(max(seq), 0), '[]' from registry_events`.execute(db);
}
