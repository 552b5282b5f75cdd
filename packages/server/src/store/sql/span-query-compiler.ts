import { sql, type RawBuilder } from 'kysely';
import type { SpanQuery } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { SpansTable } from './schema.js';
import { spanPredicate } from './span-predicates.js';

/** A span row as a span page reads it. */
export type SpanPageRow = SpansTable & { child_count?: number | string };

/**
 * Compiles one page of the spans of the trace with key `traceKey`: the (trace, start, span id) index gives every page in key
 * order (backwards for a page before a position), the roots and children come from the (trace, parent) index, a subtree from a recursive walk
 * that never revisits a span (so a cyclic parent chain from a broken producer still ends), and page
 * positions are row-value comparisons, so page 1,000 costs what page 1 does.
 *
 * @example
 * const { rows } = await compileSpanQuery(dialect, { traceId, filter: [], limit: 101 }, traceKey).execute(db);
 */
export function compileSpanQuery(dialect: SqlDialect, q: SpanQuery, traceKey: number): RawBuilder<SpanPageRow> {
  const where: RawBuilder<unknown>[] = [sql`s.trace_key = ${traceKey}`];
  let source = sql`spans`;
  if (q.parentSpanId === null) {
    // Roots: no parent, or a parent that never arrived. Both halves are index lookups (the missing
    // parents come from the distinct parent ids, probed by key), never a scan of the trace's spans.
    source = sql`(select * from spans where trace_key = ${traceKey} and parent_span_id is null
      union all
      select * from spans where trace_key = ${traceKey} and parent_span_id in (
        select m.pid from (select distinct parent_span_id as pid from spans where trace_key = ${traceKey} and parent_span_id is not null) m
        where not exists (select 1 from spans p where p.trace_key = ${traceKey} and p.span_id = m.pid)))`;
  } else if (q.parentSpanId !== undefined) {
    where.push(sql`s.parent_span_id = ${q.parentSpanId}`);
  }
  let subtree = sql``;
  if (q.subtree) {
    // UNION (not UNION ALL) never revisits a row, so even a cyclic parent chain ends.
    const { spanId, maxDepth } = q.subtree;
    subtree =
      maxDepth === undefined
        ? sql`with recursive sub(span_id) as (
            select span_id from spans where trace_key = ${traceKey} and span_id = ${spanId}
            union
            select c.span_id from sub join spans c on c.trace_key = ${traceKey} and c.parent_span_id = sub.span_id
          ) `
        : sql`with recursive sub(span_id, depth) as (
            select span_id, 0 from spans where trace_key = ${traceKey} and span_id = ${spanId}
            union
            select c.span_id, sub.depth + 1 from sub join spans c on c.trace_key = ${traceKey} and c.parent_span_id = sub.span_id
            where sub.depth < ${maxDepth}
          ) `;
    where.push(sql`s.span_id in (select span_id from sub)`);
  }
  for (const c of q.filter) where.push(sql`${spanPredicate(dialect, c)}`);
  // For the roots, unary `+` keeps a page position from being pushed into the orphans' half as a range
  // on the (trace, start) index: SQLite then walked every span after the position (130 ms on 100,000
  // spans) instead of looking the few orphans up by parent.
  const start = q.parentSpanId === null ? sql`+s.start_time_us` : sql`s.start_time_us`;
  if (q.after) where.push(sql`(${start}, s.span_id) > (${q.after.startTimeUs}, ${q.after.spanId})`);
  if (q.before) where.push(sql`(${start}, s.span_id) < (${q.before.startTimeUs}, ${q.before.spanId})`);
  const childCount = q.withChildCount
    ? sql`, (select count(*) from spans c where c.trace_key = s.trace_key and c.parent_span_id = s.span_id) as child_count`
    : sql``;
  // For roots and children, unary `+` keeps the (trace, start) index from being chosen just to avoid a
  // sort: without fresh statistics SQLite would walk the whole trace in time order instead of looking the
  // parent up, and sorting one span's children is the cheaper side by far.
  // A page before a position reads backwards from it (the caller puts the rows back in order).
  const dir = q.before ? sql` desc` : sql``;
  const order = q.parentSpanId !== undefined ? sql`+s.start_time_us${dir}, s.span_id${dir}` : sql`s.start_time_us${dir}, s.span_id${dir}`;
  return sql<SpanPageRow>`${subtree}select s.*${childCount} from ${source} s where ${sql.join(where, sql` and `)}
    order by ${order} limit ${q.limit}`;
}
