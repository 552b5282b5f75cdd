import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { chunks } from './sql-batches.js';

/** Which traces of an experiment to delete: the named ones, or the oldest requested at or before a time. */
export type TraceDeletion = { traceIds: string[] } | { maxTimestampMs: number; maxTraces?: number };

/**
 * Deletes traces of one experiment (by its database id) with their spans, tags and metadata, in one
 * transaction; returns how many. By time, the oldest go first, at most `maxTraces`.
 *
 * @example
 * await deleteTraces(db, dialect, 1, { maxTimestampMs: Date.now() - 86_400_000, maxTraces: 1000 });
 */
export function deleteTraces(db: Kysely<Database>, dialect: SqlDialect, experimentId: number, which: TraceDeletion): Promise<number> {
  return db.transaction().execute(async (tx) => {
    let ids: string[];
    if ('traceIds' in which) {
      ids = which.traceIds;
    } else {
      let q = tx
        .selectFrom('traces')
        .select('trace_id')
        .where('experiment_id', '=', experimentId)
        .where('request_time_ms', '<=', which.maxTimestampMs)
        .orderBy('request_time_ms')
        .orderBy('trace_id');
      if (which.maxTraces !== undefined) q = q.limit(which.maxTraces);
      ids = (await q.execute()).map((r) => r.trace_id);
    }
    let deleted = 0;
    for (const part of chunks(ids)) {
      // Spans, tags and metadata have no foreign key (migration 0007): they are deleted here, with
      // their trace; assessments and links go by their foreign keys.
      const keys = (await tx.selectFrom('traces').select('trace_key').where('experiment_id', '=', experimentId).where('trace_id', 'in', part).execute()).map(
        (r) => Number(r.trace_key),
      );
      if (keys.length === 0) continue;
      for (const table of ['spans', 'trace_tags', 'trace_metadata'] as const) await tx.deleteFrom(table).where('trace_key', 'in', keys).execute();
      const result = await tx.deleteFrom('traces').where('trace_key', 'in', keys).executeTakeFirst();
      await dialect.spanTextIndex?.noteDeleted(tx, keys);
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  });
}
