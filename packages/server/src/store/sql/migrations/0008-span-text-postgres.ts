import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * PostgreSQL's span text index (ADR 0006): `span_text_chunks` holds the window keys of up to 64 spans
 * per row, GIN-indexed, with the spans it covers (`trace_keys[i]`, `span_ids[i]`); `span_text_queue`
 * holds the spans ingest wrote that no chunk covers yet. Every span already stored is queued, so an
 * upgraded database is indexed in the background (searches are exact meanwhile). The GIN index
 * collects new entries in a pending list flushed in bulk (`fastupdate`), several times cheaper per
 * entry than inserting each into the tree. SQLite: nothing (its index is migration 0006's).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect.name !== 'postgresql') return;
  await sql`create table span_text_queue (
    queue_id bigint generated always as identity primary key,
    trace_key bigint not null,
    span_ids text[] not null)`.execute(db);
  // A queue: rows come and go all day. Vacuumed by a fixed count of dead rows, not a fraction of a
  // table that is usually near empty, so searches (which read it) never scan a long trail of them.
  await sql`alter table span_text_queue set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000)`.execute(db);
  await sql`create table span_text_chunks (
    chunk_id bigint generated always as identity primary key,
    grams int4[] not null,
    trace_keys bigint[] not null,
    span_ids text[] not null)`.execute(db);
  await sql`create index span_text_chunks_grams on span_text_chunks using gin (grams) with (fastupdate = on, gin_pending_list_limit = 16384)`.execute(db);
  // Deleting traces finds the chunks that cover them.
  await sql`create index span_text_chunks_traces on span_text_chunks using gin (trace_keys)`.execute(db);
  await sql`insert into span_text_queue (trace_key, span_ids) select trace_key, array_agg(span_id) from spans group by trace_key`.execute(db);
}
