import { sql, type Kysely } from 'kysely';
import type { EndedTrace, EndedTraceScan } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database } from './schema.js';
import { toDbId } from './sql-ids.js';
import { traceFilterClauses } from './trace-search-compiler.js';

/**
 * The scan's statement (one more row than the page, to tell whether there are more); undefined when
 * the experiment id cannot exist.
 *
 * @example
 * const query = compileEndedTraceScan(dialect, scan);
 */
export function compileEndedTraceScan(dialect: SqlDialect, scan: EndedTraceScan) {
  const experimentId = toDbId(scan.experimentId);
  if (experimentId === undefined) return undefined;
  const end = sql`(t.request_time_ms + t.execution_duration_ms)`;
  const [afterEnd, afterStart, afterId] = scan.after;
  const where = [
    sql`t.experiment_id = ${experimentId}`,
    sql`t.execution_duration_ms is not null`,
    sql`${end} <= ${scan.endedBy}`,
    sql`${end} >= ${afterEnd}`,
    sql`(${end} > ${afterEnd} or (${end} = ${afterEnd} and (t.request_time_ms > ${afterStart} or (t.request_time_ms = ${afterStart} and t.trace_id > ${afterId}))))`,
    ...traceFilterClauses(dialect, scan.filter),
  ];
  const session = scan.sessionKey ? sql`(select m.value from trace_metadata m where m.trace_key = t.trace_key and m.key = ${scan.sessionKey})` : sql`null`;
  return sql<{ trace_id: string; request_time_ms: number; end_ms: number; session_id: string | null }>`
    select t.trace_id, t.request_time_ms, ${end} as end_ms, ${session} as session_id
    from traces t
    where ${sql.join(where, sql` and `)}
    order by ${end}, t.request_time_ms, t.trace_id
    limit ${scan.limit + 1}`;
}

/**
 * One page of an experiment's finished traces in (end time, start time, trace id) order, strictly
 * after `scan.after` and ended by `scan.endedBy`, matching `scan.filter`: ids, times and the session,
 * nothing else (online scoring samples them before loading any). The end-time index
 * (migrations/0023) makes it a seek to the position: the expression below is the indexed one.
 *
 * @example
 * const page = await scanEndedTraces(db, dialect, { experimentId: '1', filter: [], endedBy: now - 15_000, after: [0, 0, ''], limit: 500 });
 */
export async function scanEndedTraces(db: Kysely<Database>, dialect: SqlDialect, scan: EndedTraceScan): Promise<{ items: EndedTrace[]; hasMore: boolean }> {
  const query = compileEndedTraceScan(dialect, scan);
  if (!query) return { items: [], hasMore: false };
  const { rows } = await query.execute(db);
  const items = rows.slice(0, scan.limit).map((r) => {
    const item: EndedTrace = { traceId: r.trace_id, requestTimeMs: Number(r.request_time_ms), endTimeMs: Number(r.end_ms) };
    if (r.session_id !== null) item.sessionId = r.session_id;
    return item;
  });
  return { items, hasMore: rows.length > scan.limit };
}
