import { sql, type Kysely, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { Database } from '../../schema.js';
import type { SpanKey, SpanTextIndex } from '../sql-dialect.js';
import { GramSet, patternGrams } from './span-text-grams.js';

/** Spans per index row: their windows are stored once per row, so shared vocabulary costs once. */
const CHUNK_SPANS = 64;

/** Chunks {@link PostgresSpanTextIndex.looksCommon} samples. */
const SAMPLE_CHUNKS = 64;

interface QueueRow {
  queue_id: number;
  trace_key: number;
  span_ids: string[];
}

/**
 * PostgreSQL's span text index (ADR 0006, migration 0008). Each row of `span_text_chunks` covers up
 * to {@link CHUNK_SPANS} spans: the int4 keys of every 3-character window of their documents
 * (`span-text-grams.ts`), in a GIN index, and the spans it covers. Ingest only appends the spans it
 * wrote to `span_text_queue` (one row per trace and request); a background pass takes queue rows with
 * `FOR UPDATE SKIP LOCKED`, so several servers index side by side without taking a row twice, and
 * writes their chunk in the same transaction that deletes them from the queue. A search takes the
 * spans of the chunks holding every window of the pattern, plus the queued spans, and re-checks them
 * with the LIKE itself: exact at every moment, whatever the indexer's lag.
 *
 * @example
 * const index = new PostgresSpanTextIndex();
 * while ((await index.indexBatch(db, 500)) > 0);
 */
export class PostgresSpanTextIndex implements SpanTextIndex {
  candidates(pattern: string, op: 'LIKE' | 'ILIKE'): RawBuilder<unknown> | undefined {
    const grams = patternGrams(pattern, op === 'ILIKE');
    if (!grams) return undefined;
    return sql`select m.trace_key, m.span_id from span_text_chunks c
      cross join lateral unnest(c.trace_keys, c.span_ids) as m(trace_key, span_id)
      where c.grams @> cast(${grams} as int4[])`;
  }

  // A hit brings its chunk's 64 spans, each re-checked with one primary-key probe (about 25 us).
  readonly candidatesPerMatch = 4;

  async looksCommon(db: Kysely<Database>, pattern: string, op: 'LIKE' | 'ILIKE'): Promise<boolean> {
    const grams = patternGrams(pattern, op === 'ILIKE');
    if (!grams) return false;
    // The newest chunks, read by primary key (their arrays, not the GIN index): one in eight holding
    // every window is common enough that walking traces newest first meets matches early.
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from
      (select grams from span_text_chunks order by chunk_id desc limit ${SAMPLE_CHUNKS}) c where c.grams @> cast(${grams} as int4[])`.execute(db);
    return Number(rows[0]?.n ?? 0) * 8 >= SAMPLE_CHUNKS;
  }

  candidateSpan(candidates: RawBuilder<unknown>): RawBuilder<unknown> {
    return sql`(s.trace_key, s.span_id) in (${candidates})`;
  }

  notIndexed(): RawBuilder<unknown>[] {
    return [sql`(s.trace_key, s.span_id) in (select q.trace_key, unnest(q.span_ids) from span_text_queue q)`];
  }

  async noteWritten(tx: QueryExecutorProvider, spans: readonly SpanKey[]): Promise<void> {
    if (spans.length === 0) return;
    await sql`insert into span_text_queue (trace_key, span_ids)
      select k, array_agg(id) from unnest(cast(${spans.map((s) => s.traceKey)} as int8[]), cast(${spans.map((s) => s.spanId)} as text[])) as u(k, id) group by k`.execute(
      tx,
    );
  }

  async noteDeleted(tx: QueryExecutorProvider, traceKeys: readonly number[]): Promise<void> {
    if (traceKeys.length === 0) return;
    // A chunk goes once none of its traces is left; until then its deleted spans fail the re-check.
    await sql`delete from span_text_chunks c where c.trace_keys && cast(${[...traceKeys]} as int8[])
      and not exists (select 1 from traces t where t.trace_key = any(c.trace_keys))`.execute(tx);
  }

  async indexBatch(db: Kysely<Database>, max: number): Promise<number> {
    return db.transaction().execute(async (tx) => {
      const { rows: queued } = await sql<QueueRow>`select queue_id, trace_key, span_ids from span_text_queue
        order by queue_id limit ${max} for update skip locked`.execute(tx);
      if (queued.length === 0) return 0;
      // Up to `max` spans; a row holding more (a large request of one trace) is consumed in parts.
      const keys: number[] = [];
      const ids: string[] = [];
      const done: number[] = [];
      for (const row of queued) {
        const room = max - ids.length;
        if (room <= 0) break;
        const take = row.span_ids.slice(0, room);
        for (const id of take) {
          keys.push(Number(row.trace_key));
          ids.push(id);
        }
        if (take.length === row.span_ids.length) done.push(Number(row.queue_id));
        else await sql`update span_text_queue set span_ids = ${row.span_ids.slice(room)} where queue_id = ${row.queue_id}`.execute(tx);
      }
      // Spans deleted since they were queued are simply not found.
      const { rows: spans } = await sql<{ trace_key: number; span_id: string; content: string }>`select s.trace_key, s.span_id, s.content
        from unnest(cast(${keys} as int8[]), cast(${ids} as text[])) as q(trace_key, span_id)
        join spans s on s.trace_key = q.trace_key and s.span_id = q.span_id
        order by s.trace_key, s.span_id`.execute(tx);
      const chunks: RawBuilder<unknown>[] = [];
      for (let i = 0; i < spans.length; i += CHUNK_SPANS) {
        const part = spans.slice(i, i + CHUNK_SPANS);
        const grams = new GramSet();
        for (const s of part) grams.addText(s.content);
        chunks.push(
          sql`(cast(${grams.toArray()} as int4[]), cast(${part.map((s) => Number(s.trace_key))} as int8[]), cast(${part.map((s) => s.span_id)} as text[]))`,
        );
      }
      if (chunks.length > 0) await sql`insert into span_text_chunks (grams, trace_keys, span_ids) values ${sql.join(chunks)}`.execute(tx);
      if (done.length > 0) await sql`delete from span_text_queue where queue_id = any(cast(${done} as int8[]))`.execute(tx);
      return ids.length;
    });
  }
}
