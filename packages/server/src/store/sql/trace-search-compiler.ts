import { sql, type RawBuilder, type Selectable } from 'kysely';
import { ApiError, type Comparison, type Filter, type OrderBy, type TraceFilterEntity } from '@loupe/protocol';
import { compileComparison } from './compile-comparison.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import type { TracesTable } from './schema.js';
import { spanPredicate } from './span-predicates.js';
import { promptLinked, sourceRunOrLinked } from './trace-link-predicates.js';

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
   * Comparisons known to match few traces (tag / metadata / assessment equalities, rare `trace.text`
   * patterns): written as `trace_key IN (...)` (or `trace_id IN`) over their index, so the search starts from their
   * matches instead of walking every trace.
   */
  selective?: ReadonlySet<Comparison<TraceFilterEntity>>;
}

/** Key/value index prefix length (migration 0002): long values are compared on the prefix, then whole. */
export const KV_INDEX_PREFIX = 200;

/**
 * The traces whose tag or metadata `key` equals `value`, as an index range on (key, value prefix).
 *
 * @example
 * sql`t.trace_key in (${keyValueMatches('trace_tags', 'env', 'prod')})`;
 */
export function keyValueMatches(table: 'trace_tags' | 'trace_metadata', key: string, value: string): RawBuilder<unknown> {
  return sql`select x.trace_key from ${sql.table(table)} x
    where x.key = ${key} and substr(x.value, 1, ${sql.lit(KV_INDEX_PREFIX)}) = substr(cast(${value} as text), 1, ${sql.lit(KV_INDEX_PREFIX)}) and x.value = ${value}`;
}

/**
 * The traces with a current (valid) feedback or expectation `name` whose value equals `value`, as an
 * index range on (type, name, value prefix) of migration 0003.
 *
 * @example
 * sql`t.trace_id in (${assessmentMatches('feedback', 'rating', '5')})`;
 */
export function assessmentMatches(kind: 'feedback' | 'expectation', name: string, value: string): RawBuilder<unknown> {
  return sql`select a.trace_id from assessments a
    where a.assessment_type = ${kind} and a.name = ${name} and substr(a.value_text, 1, ${sql.lit(KV_INDEX_PREFIX)}) = substr(cast(${value} as text), 1, ${sql.lit(KV_INDEX_PREFIX)})
      and a.value_text = ${value} and a.valid = 1`;
}

/**
 * The rows a selective-equality comparison names, as a subquery of trace ids (`undefined` when the
 * comparison has no index to drive a search from).
 *
 * @example
 * equalityMatches(parseTraceFilter("tag.env = 'prod'")[0]);
 */
export function equalityMatches(c: Comparison<TraceFilterEntity>): RawBuilder<unknown> | undefined {
  if (c.op !== '=' || c.value.kind !== 'string') return undefined;
  switch (c.entity) {
    case 'tag':
    case 'metadata':
      return keyValueMatches(KV_TABLES[c.entity], c.key, c.value.value);
    case 'feedback':
    case 'expectation':
      return assessmentMatches(c.entity, c.key, c.value.value);
    default:
      return undefined;
  }
}

/**
 * The span rowids a rare `trace.text` pattern may be in, from the dialect's span text index (undefined
 * without one, or when the pattern has no literal long enough to look up).
 *
 * @example
 * textCandidates(dialect, parseTraceFilter("trace.text LIKE '%order 4242%'")[0]);
 */
export function textCandidates(dialect: SqlDialect, c: Comparison<TraceFilterEntity>): RawBuilder<unknown> | undefined {
  if (c.entity !== 'text' || c.value.kind !== 'string' || (c.op !== 'LIKE' && c.op !== 'ILIKE')) return undefined;
  return dialect.spanTextIndex?.candidates(c.value.value, c.op);
}

/** The traces with a span matching a text comparison, from the index's candidates plus the spans it does not cover yet. */
function textMatches(dialect: SqlDialect, c: Comparison<TraceFilterEntity>): RawBuilder<unknown> | undefined {
  const candidates = textCandidates(dialect, c);
  const index = dialect.spanTextIndex;
  if (!candidates || !index) return undefined;
  const match = spanPredicate(dialect, c);
  // UNION ALL, not UNION: a UNION would merge in trace-id order and walk the whole span index for it.
  const parts = [
    sql`select s.trace_key from spans s where ${index.candidateSpan(candidates)} and ${match}`,
    ...index.notIndexed().map((uncovered) => sql`select s.trace_key from spans s where ${uncovered} and ${match}`),
  ];
  return sql.join(parts, sql` union all `);
}

function clause(dialect: SqlDialect, c: Comparison<TraceFilterEntity>, selective: ReadonlySet<Comparison<TraceFilterEntity>>): RawBuilder<unknown> {
  switch (c.entity) {
    case 'attribute':
      return sql`${compileComparison(dialect, attribute(c.key), c.op, c.value)}`;
    case 'tag':
    case 'metadata': {
      const plain = keyValueClause(dialect, c, selective);
      return sourceRunOrLinked(c, plain) ?? plain;
    }
    case 'prompt':
      return promptLinked(c);
    case 'text': {
      const matches = selective.has(c) ? textMatches(dialect, c) : undefined;
      if (matches) return sql`t.trace_key in (${matches})`;
      return sql`exists (select 1 from spans s where s.trace_key = t.trace_key and ${spanPredicate(dialect, c)})`;
    }
    case 'span':
    case 'span_attribute':
      return sql`exists (select 1 from spans s where s.trace_key = t.trace_key and ${spanPredicate(dialect, c)})`;
    case 'feedback':
    case 'expectation': {
      // Only current assessments count: one that another overrides is no longer the trace's value.
      const matches = selective.has(c) ? equalityMatches(c) : undefined;
      if (matches) return sql`t.trace_id in (${matches})`;
      return sql`exists (select 1 from assessments a where a.trace_id = t.trace_id and a.assessment_type = ${c.entity} and a.name = ${c.key} and a.valid = 1
        and ${compileComparison(dialect, sql.ref('a.value_text'), c.op, c.value)})`;
    }
    default:
      throw ApiError.invalid(`Filtering traces on '${c.entity}' is not supported by this server yet.`);
  }
}

/** A tag or metadata comparison; a selective equality reads the (key, value) index first. */
function keyValueClause(dialect: SqlDialect, c: Comparison<TraceFilterEntity>, selective: ReadonlySet<Comparison<TraceFilterEntity>>): RawBuilder<unknown> {
  const matches = selective.has(c) ? equalityMatches(c) : undefined;
  if (matches) return sql`t.trace_key in (${matches})`;
  const table = sql.table(KV_TABLES[c.entity as 'tag' | 'metadata']);
  if (c.op === 'IS NULL') return sql`not exists (select 1 from ${table} x where x.trace_key = t.trace_key and x.key = ${c.key})`;
  if (c.op === 'IS NOT NULL') return sql`exists (select 1 from ${table} x where x.trace_key = t.trace_key and x.key = ${c.key})`;
  return sql`exists (select 1 from ${table} x where x.trace_key = t.trace_key and x.key = ${c.key} and ${compileComparison(dialect, sql.ref('x.value'), c.op, c.value)})`;
}

/**
 * A parsed trace filter as SQL predicates over `traces t` (one per comparison, ANDed by the caller),
 * for queries other than the search itself: QueryTraceMetrics narrowed by a monitor's filter.
 *
 * @example
 * const where = traceFilterClauses(dialect, parseTraceFilter("trace.status = 'ERROR'"));
 */
export function traceFilterClauses(dialect: SqlDialect, filter: Filter<TraceFilterEntity>): RawBuilder<unknown>[] {
  return filter.map((c) => clause(dialect, c, new Set()));
}

/** One key of a search's total order, with what a page position needs to know about it. */
interface SortKey {
  expr: RawBuilder<unknown>;
  ascending: boolean;
  /** Null values sort after all others, in both directions and on both databases. */
  nullable: boolean;
  numeric: boolean;
}

/** Order-by attributes: which may be NULL and which compare as numbers. */
const ATTRIBUTE_SORT: Record<string, { nullable: boolean; numeric: boolean }> = {
  state: { nullable: false, numeric: false },
  timestamp_ms: { nullable: false, numeric: true },
  execution_time_ms: { nullable: true, numeric: true },
  end_time_ms: { nullable: true, numeric: true },
  client_request_id: { nullable: true, numeric: false },
  request_id: { nullable: false, numeric: false },
  experiment_id: { nullable: false, numeric: true },
};

/** A position in a search's order: the sort-key values of the last row of the previous page. */
export type TraceSearchCursor = (string | number | null)[];

/** A compiled trace search and how to read a page position off its rows. */
export interface CompiledTraceSearch {
  query: RawBuilder<Selectable<TracesTable> & Record<string, unknown>>;
  /** The position after `row`, to continue from on the next page. */
  cursorOf(row: Record<string, unknown>): TraceSearchCursor;
  /** Whether `cursor` has the shape of a position in this search's order (it came from the same query). */
  accepts(cursor: readonly unknown[]): cursor is TraceSearchCursor;
}

function sortKeys(query: TraceSearchQuery, joins: RawBuilder<unknown>[]): SortKey[] {
  const keys: SortKey[] = [];
  let byTime = false;
  let byId = false;
  query.orderBy.forEach((o, i) => {
    if (o.entity === 'tag' || o.entity === 'metadata') {
      const alias = `o${i}`;
      joins.push(
        sql`left join ${sql.table(KV_TABLES[o.entity])} ${sql.id(alias)} on ${sql.ref(`${alias}.trace_key`)} = t.trace_key and ${sql.ref(`${alias}.key`)} = ${o.key}`,
      );
      keys.push({ expr: sql`${sql.ref(`${alias}.value`)}`, ascending: o.ascending, nullable: true, numeric: false });
      return;
    }
    if (o.entity !== 'attribute') throw ApiError.invalid(`Invalid order_by entity '${o.entity}' for traces.`);
    const kind = ATTRIBUTE_SORT[o.key];
    if (!kind) throw ApiError.invalid(`Invalid trace attribute '${o.key}'.`);
    if (o.key === 'timestamp_ms') byTime = true;
    if (o.key === 'request_id') byId = true;
    keys.push({ expr: attribute(o.key), ascending: o.ascending, ...kind });
  });
  if (!byTime) keys.push({ expr: attribute('timestamp_ms'), ascending: false, nullable: false, numeric: true });
  if (!byId) keys.push({ expr: attribute('request_id'), ascending: true, nullable: false, numeric: false });
  return keys;
}

/**
 * Rows strictly after `cursor` in the order of `keys`: the lexicographic comparison written out
 * (`k1 > v1 OR (k1 = v1 AND k2 > v2) ...`, each in its key's direction, nulls last), plus a plain
 * range on the first key so the index seeks to the position instead of walking to it.
 */
function afterCursor(keys: SortKey[], cursor: TraceSearchCursor): RawBuilder<unknown> {
  const alternatives: RawBuilder<unknown>[] = [];
  const equalSoFar: RawBuilder<unknown>[] = [];
  keys.forEach((k, i) => {
    const v = cursor[i] ?? null;
    const beyond = sql.raw(k.ascending ? '>' : '<');
    let greater: RawBuilder<unknown> | undefined;
    if (v === null)
      greater = undefined; // the last row had a null here: only rows tied on it (null too) can follow
    else greater = k.nullable ? sql`(${k.expr} is null or ${k.expr} ${beyond} ${v})` : sql`${k.expr} ${beyond} ${v}`;
    if (greater) alternatives.push(equalSoFar.length ? sql`(${sql.join([...equalSoFar, greater], sql` and `)})` : greater);
    equalSoFar.push(v === null ? sql`${k.expr} is null` : sql`${k.expr} = ${v}`);
  });
  const chain = alternatives.length ? sql`(${sql.join(alternatives, sql` or `)})` : sql`1 = 0`;
  const first = keys[0];
  const v0 = cursor[0] ?? null;
  if (first && !first.nullable && v0 !== null) return sql`${first.expr} ${sql.raw(first.ascending ? '>=' : '<=')} ${v0} and ${chain}`;
  return chain;
}

/**
 * Builds a trace search: experiment scope, one EXISTS per tag / metadata / span / text clause, and
 * order_by with the tie-breaks `timestamp_ms DESC, request_id ASC` (spec §9.5), nulls last. Pages
 * continue from a cursor (the last row's sort keys), so a page is the same whatever was written
 * before it meanwhile; `offset` remains for MLflow-style offset tokens.
 *
 * @example
 * const search = compileTraceSearch(dialect, query, { limit: 101 });
 * const { rows } = await search.query.execute(db);
 */
export function compileTraceSearch(
  dialect: SqlDialect,
  query: TraceSearchQuery,
  page: { limit: number; offset?: number; after?: TraceSearchCursor },
): CompiledTraceSearch {
  const where = [sql`t.experiment_id in (${sql.join(query.experimentIds)})`, ...query.filter.map((c) => clause(dialect, c, query.selective ?? new Set()))];
  const joins: RawBuilder<unknown>[] = [];
  const keys = sortKeys(query, joins);
  if (page.after) where.push(afterCursor(keys, page.after));
  const order = keys.flatMap((k) => {
    const dir = sql.raw(k.ascending ? 'asc' : 'desc');
    return k.nullable ? [sql`case when ${k.expr} is null then 1 else 0 end`, sql`${k.expr} ${dir}`] : [sql`${k.expr} ${dir}`];
  });
  const selected = keys.map((k, i) => sql`${k.expr} as ${sql.id(`sort_${i}`)}`);
  const query_ = sql<
    Selectable<TracesTable> & Record<string, unknown>
  >`select t.*, ${sql.join(selected)} from traces t ${sql.join(joins, sql` `)} where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)} limit ${page.limit} offset ${page.offset ?? 0}`;
  return {
    query: query_,
    cursorOf: (row) =>
      keys.map((k, i) => {
        const v = row[`sort_${i}`];
        if (v === null || v === undefined) return null;
        return k.numeric ? Number(v) : String(v);
      }),
    accepts: (cursor): cursor is TraceSearchCursor =>
      cursor.length === keys.length &&
      keys.every((k, i) => {
        const v = cursor[i];
        if (v === null) return k.nullable;
        return k.numeric ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string';
      }),
  };
}
