import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';

/**
 * The span text index of ADR 0004 (SQLite): an FTS5 trigram table without stored content, filled
 * behind ingest in rowid order up to `span_text_progress.indexed_rowid`. Inserts pay nothing: a
 * trigger queues indexed spans whose content changes, and one on delete drops deleted spans from the
 * index and lowers the mark when the newest spans go (their rowids will be handed out again).
 * PostgreSQL: nothing yet (its text search scans).
 */
export async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect.name !== 'sqlite') return;
  await sql`create virtual table span_text using fts5(content, content='', contentless_delete=1, tokenize='trigram', detail='none')`.execute(db);
  await sql`create table span_text_progress (id integer primary key check (id = 1), indexed_rowid integer not null)`.execute(db);
  await sql`insert into span_text_progress (id, indexed_rowid) values (1, 0)`.execute(db);
  await sql`create table span_text_dirty (span_rowid integer primary key)`.execute(db);
  await createSpanTextTriggers(db);
}

/**
 * The triggers that keep the text index in step with `spans` (also recreated by 0007, which rebuilds
 * the table). Every delete, not only of indexed spans: deleting the newest spans frees their rowids,
 * which SQLite hands out again, so the mark comes down to the highest rowid left and reused ones get
 * indexed.
 */
export async function createSpanTextTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`create trigger spans_text_update after update of content on spans
    when new.content is not old.content and new.rowid <= (select indexed_rowid from span_text_progress)
    begin insert or ignore into span_text_dirty (span_rowid) values (new.rowid); end`.execute(db);
  await sql`create trigger spans_text_delete after delete on spans
    begin
      delete from span_text where rowid = old.rowid and old.rowid <= (select indexed_rowid from span_text_progress);
      delete from span_text_dirty where span_rowid = old.rowid;
      update span_text_progress set indexed_rowid = (select coalesce(max(rowid), 0) from spans)
        where indexed_rowid > (select coalesce(max(rowid), 0) from spans);
    end`.execute(db);
}
