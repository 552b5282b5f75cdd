import type { Kysely } from 'kysely';
import type { SpanPageItem, SpanQuery, SpanRecord } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { Database, SpansTable } from './schema.js';
import { compileSpanQuery } from './span-query-compiler.js';

function spanRecordOf(r: Omit<SpansTable, 'trace_key'>): SpanRecord {
  return {
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    type: r.type,
    status: r.status,
    startTimeUs: Number(r.start_time_us),
    endTimeUs: r.end_time_us === null ? null : Number(r.end_time_us),
    content: r.content,
  };
}

/**
 * One offset page of a trace's spans in (start time, span id) order.
 *
 * @example
 * const { items, hasMore } = await getSpans(db, 'tr-1', { offset: 0, limit: 1000 });
 */
export async function getSpans(
  db: Kysely<Database>,
  traceId: string,
  page: { offset: number; limit: number },
): Promise<{ items: SpanRecord[]; hasMore: boolean }> {
  const rows = await db
    .selectFrom('spans')
    .selectAll()
    .where('trace_key', '=', (eb) => eb.selectFrom('traces').select('trace_key').where('trace_id', '=', traceId))
    .orderBy('start_time_us')
    .orderBy('span_id')
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  return { items: rows.slice(0, page.limit).map(spanRecordOf), hasMore: rows.length > page.limit };
}

/**
 * One keyset page of a trace's spans (see {@link SpanQuery}); empty for an unknown trace.
 *
 * @example
 * const { items } = await findSpans(db, dialect, { traceId: 'tr-1', parentSpanId: null, filter: [], limit: 100, withChildCount: true });
 */
export async function findSpans(db: Kysely<Database>, dialect: SqlDialect, query: SpanQuery): Promise<{ items: SpanPageItem[]; hasMore: boolean }> {
  const trace = await db.selectFrom('traces').select('trace_key').where('trace_id', '=', query.traceId).executeTakeFirst();
  if (!trace) return { items: [], hasMore: false };
  const { rows } = await compileSpanQuery(dialect, { ...query, limit: query.limit + 1 }, Number(trace.trace_key)).execute(db);
  const items = rows.slice(0, query.limit).map((row): SpanPageItem => {
    const item: SpanPageItem = spanRecordOf(row);
    if (row.child_count !== undefined) item.childCount = Number(row.child_count);
    return item;
  });
  return { items, hasMore: rows.length > query.limit };
}
