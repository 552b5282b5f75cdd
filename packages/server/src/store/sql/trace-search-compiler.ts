import { sql, type RawBuilder } from 'kysely';
import { ApiError, type Comparison, type Filter, type OrderBy, type TraceFilterEntity } from '@loupe/protocol';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { TracesTable } from './schema.js';
import { spanPredicate } from './span-predicates.js';

/** Trace attribute keys (after the parser's alias resolution) and their SQL expressions. */
const ATTRIBUTES: Record<string, RawBuilder<unknown>> = {
  state: sql`t.state`,
  timestamp_ms: sql`t.request_time_ms`,
  execution_time_ms: sql`t.execution_duration_ms`,
  end_time_ms: sql`(t.request_time_ms + t.execution_duration_ms)`,
  client_request_id: sql`t.client_request_id`,
  request_id: sql`t.trace_id`,
  experiment_id: sql`t.experiment_id`,
};
const KV_TABLES = { tag: 'trace_tags', metadata: 'trace_metadata' } as const;

function attribute(key: string): RawBuilder<unknown> {
  const expr = ATTRIBUTES[key];
  if (!expr) throw ApiError.invalid(`Invalid trace attribute '${key}'.`);
  return expr;
}

/** A trace search: experiments, filter, order, page. */
export interface TraceSearchQuery {
  experimentIds: number[];
  filter: Filter<TraceFilterEntity>;
  orderBy: OrderBy<TraceFilterEntity>[];
  /**
   * Tag / metadata equalities known to match few traces: written as `trace_id IN (...)` over the
   * (key, value) index, so the search starts from their matches instead of walking every trace.
   */
  selective?: ReadonlySet<Comparison<TraceFilterEntity>>;
}

/** Key/value index prefix length (migration 0002): long values are compared on the prefix, then whole. */
export const KV_INDEX_PREFIX = 200;

/**
 * The traces whose tag or metadata `key` equals `value`, as an index range on (key, value prefix).
 *
 * @example
 * sql`t.trace_id in (${keyValueMatches('trace_tags', 'env', 'prod')})`;
 */
export function keyValueMatches(table: 'trace_tags' | 'trace_metadata', key: string, value: string): RawBuilder<unknown> {
  return sql`select x.trace_id from ${sql.table(table)} x
    where x.key = ${key} and substr(x.value, 1, ${sql.lit(KV_INDEX_PREFIX)}) = substr(cast(${value} as text), 1, ${sql.lit(KV_INDEX_PREFIX)}) and x.value = ${value}`;
}

function clause(dialect: SqlDialect, c: Comparison<TraceFilterEntity>, selective: ReadonlySet<Comparison<TraceFilterEntity>>): RawBuilder<unknown> {
  switch (c.entity) {
    case 'attribute':
      return sql`${compileComparison(dialect, attribute(c.key), c.op, c.value)}`;
    case 'tag':
    case 'metadata': {
      if (selective.has(c) && c.op === '=' && c.value.kind === 'string') return sql`t.trace_id in (${keyValueMatches(KV_TABLES[c.entity], c.key, c.value.value)})`;
      const table = sql.table(KV_TABLES[c.entity]);
      if (c.op === 'IS NULL') return sql`not exists (select 1 from ${table} x where x.trace_id = t.trace_id and x.key = ${c.key})`;
      if (c.op === 'IS NOT NULL') return sql`exists (select 1 from ${table} x where x.trace_id = t.trace_id and x.key = ${c.key})`;
      return sql`exists (select 1 from ${table} x where x.trace_id = t.trace_id and x.key = ${c.key} and ${compileComparison(dialect, sql.ref('x.value'), c.op, c.value)})`;
    }
    case 'span':
    case 'span_attribute':
    case 'text':
      return sql`exists (select 1 from spans s where s.trace_id = t.trace_id and ${spanPredicate(dialect, c)})`;
    default:
      // Assessments and linked prompts arrive with their own stores (issue 3, later increments).
      throw ApiError.invalid(`Filtering traces on '${c.entity}' is not supported by this server yet.`);
  }
}

/**
 * Builds a trace search: experiment scope, one EXISTS per tag / metadata / span / text clause, and
 * order_by with the tie-breaks `timestamp_ms DESC, request_id ASC` (spec §9.5).
 *
 * @example
 * const { rows } = await compileTraceSearch(dialect, query, { limit: 101, offset: 0 }).execute(db);
 */
export function compileTraceSearch(dialect: SqlDialect, query: TraceSearchQuery, page: { limit: number; offset: number }): RawBuilder<TracesTable> {
  const where = [sql`t.experiment_id in (${sql.join(query.experimentIds)})`, ...query.filter.map((c) => clause(dialect, c, query.selective ?? new Set()))];
  const joins: RawBuilder<unknown>[] = [];
  const order: RawBuilder<unknown>[] = [];
  let byTime = false;
  let byId = false;
  query.orderBy.forEach((o, i) => {
    const dir = sql.raw(o.ascending ? 'asc' : 'desc');
    if (o.entity === 'tag' || o.entity === 'metadata') {
      const alias = `o${i}`;
      joins.push(sql`left join ${sql.table(KV_TABLES[o.entity])} ${sql.id(alias)} on ${sql.ref(`${alias}.trace_id`)} = t.trace_id and ${sql.ref(`${alias}.key`)} = ${o.key}`);
      order.push(sql`case when ${sql.ref(`${alias}.value`)} is null then 1 else 0 end`, sql`${sql.ref(`${alias}.value`)} ${dir}`);
      return;
    }
    if (o.entity !== 'attribute') throw ApiError.invalid(`Invalid order_by entity '${o.entity}' for traces.`);
    if (o.key === 'timestamp_ms') byTime = true;
    if (o.key === 'request_id') byId = true;
    order.push(sql`${attribute(o.key)} ${dir}`);
  });
  if (!byTime) order.push(sql`t.request_time_ms desc`);
  if (!byId) order.push(sql`t.trace_id asc`);
  return sql<TracesTable>`select t.* from traces t ${sql.join(joins, sql` `)} where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)} limit ${page.limit} offset ${page.offset}`;
}
