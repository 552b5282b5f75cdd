import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { SpanTextIndex } from '../sql-dialect.js';
import type { Database } from '../../schema.js';

/** Shortest literal the trigram index can look up. */
const TRIGRAM = 3;

/**
 * The trigrams of the literal runs of a LIKE pattern (the text between `%` and `_` wildcards), as an
 * FTS5 query: every trigram must be present. Undefined when no run has three characters.
 *
 * @example
 * trigramQuery('%warranty 42%'); // '"war" AND "arr" AND ... AND "y 4" AND " 42"'
 */
export function trigramQuery(pattern: string): string | undefined {
  const grams = new Set<string>();
  for (const run of pattern.split(/[%_]/)) {
    const chars = Array.from(run.toLowerCase());
    for (let i = 0; i + TRIGRAM <= chars.length; i++) grams.add(chars.slice(i, i + TRIGRAM).join(''));
  }
  if (grams.size === 0) return undefined;
  return [...grams].map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ');
}

/**
 * SQLite's span text index: an FTS5 trigram table without stored content (migration 0006), filled by
 * a background pass in rowid order. `span_text_progress.indexed_rowid` is how far it got; triggers
 * queue indexed spans whose content changes, remove deleted spans from the index and lower the mark
 * when the newest spans are deleted (SQLite reuses their rowids), so the index never misses a span.
 *
 * @example
 * const index = new SqliteSpanTextIndex();
 * while ((await index.indexBatch(db, 500)) > 0);
 */
export class SqliteSpanTextIndex implements SpanTextIndex {
  // FTS5's trigram tokenizer folds case, so one lookup serves LIKE and ILIKE.
  candidates(pattern: string): RawBuilder<unknown> | undefined {
    const query = trigramQuery(pattern);
    return query === undefined ? undefined : sql`select rowid from span_text where span_text match ${query}`;
  }

  readonly candidatesPerMatch = 1;

  candidateSpan(candidates: RawBuilder<unknown>): RawBuilder<unknown> {
    return sql`s.rowid in (${candidates})`;
  }

  // Inserts are covered by the rowid mark, changes and deletes by the triggers of migration 0006.
  async noteWritten(): Promise<void> {}

  async noteDeleted(): Promise<void> {}

  notIndexed(): RawBuilder<unknown>[] {
    return [sql`s.rowid > (select indexed_rowid from span_text_progress)`, sql`s.rowid in (select span_rowid from span_text_dirty)`];
  }

  async indexBatch(db: Kysely<Database>, max: number): Promise<number> {
    return db.transaction().execute(async (tx) => {
      let done = 0;
      const { rows: fresh } = await sql<{ last: number | null; n: number }>`select max(rowid) as last, count(*) as n from
        (select rowid from spans where rowid > (select indexed_rowid from span_text_progress) order by rowid limit ${max})`.execute(tx);
      const last = fresh[0]?.last ?? null;
      if (last !== null) {
        await sql`insert into span_text (rowid, content) select rowid, content from spans
          where rowid > (select indexed_rowid from span_text_progress) and rowid <= ${last}`.execute(tx);
        await sql`update span_text_progress set indexed_rowid = ${last}`.execute(tx);
        done += Number(fresh[0]?.n ?? 0);
      }
      if (done < max) {
        const { rows: dirty } = await sql<{ span_rowid: number }>`select span_rowid from span_text_dirty order by span_rowid limit ${max - done}`.execute(tx);
        if (dirty.length > 0) {
          const ids = dirty.map((d) => d.span_rowid);
          await sql`delete from span_text where rowid in (${sql.join(ids)})`.execute(tx);
          await sql`insert into span_text (rowid, content) select rowid, content from spans where rowid in (${sql.join(ids)})`.execute(tx);
          await sql`delete from span_text_dirty where span_rowid in (${sql.join(ids)})`.execute(tx);
          done += ids.length;
        }
      }
      return done;
    });
  }
}
