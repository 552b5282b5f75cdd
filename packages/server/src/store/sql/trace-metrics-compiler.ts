import { sql, type RawBuilder } from 'kysely';
import { TraceMetadataKey, TraceTagKey, type TraceMetricDimension, type TraceMetricName } from '@loupe/protocol';
import type { MetricAggregationSpec, MetricFilter, MetricView, TraceMetricsQuery } from '../trace-store.js';
import type { SqlDialect } from './dialects/sql-dialect.js';
import { traceFilterClauses } from './trace-search-compiler.js';

type MetricSql = { value: RawBuilder<unknown>; count?: 'rows' | 'distinct'; needs?: string };
type DimensionSql = { expr: RawBuilder<unknown>; needs?: string };

/**
 * A view's rows: the FROM clause, the time column (epoch ms; every view is placed in time by its
 * trace's request time, so the (experiment, time) index bounds every query) and what its filters and
 * dimensions name: exactly the metrics and dimensions the protocol's `TRACE_METRIC_VIEWS` gives the view.
 */
interface ViewShape<M extends string = string, D extends string = string> {
  from: RawBuilder<unknown>;
  /** Joins a metric or dimension may need, added only when one does. */
  joins?: Record<string, RawBuilder<unknown>>;
  time: RawBuilder<unknown>;
  /** Predicates every row of the view satisfies besides the experiment scope. */
  where: RawBuilder<unknown>[];
  /** Metric name to its value expression; `count` metrics count rows (`distinct`: distinct values). */
  metrics: Record<M, MetricSql>;
  dimensions: Record<D, DimensionSql>;
}

const TOKEN_METRICS = ['input_tokens', 'output_tokens', 'total_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;
const COST_METRICS = ['input_cost', 'output_cost', 'total_cost'] as const;

/** The token and cost metrics, read from the same-named columns of `table` (`t` or `s`). */
function usageColumns(table: 't' | 's'): Record<(typeof TOKEN_METRICS)[number] | (typeof COST_METRICS)[number], MetricSql> {
  return Object.fromEntries([...TOKEN_METRICS, ...COST_METRICS].map((m) => [m, { value: sql`${sql.ref(`${table}.${m}`)}` }])) as Record<
    (typeof TOKEN_METRICS)[number] | (typeof COST_METRICS)[number],
    MetricSql
  >;
}

/** The SQL of each view's metrics and dimensions (MLflow's TraceMetricKey, SpanMetricKey, AssessmentMetricKey and their dimension keys). */
const VIEWS: { [V in MetricView]: ViewShape<TraceMetricName<V>, TraceMetricDimension<V>> } = {
  TRACES: {
    from: sql`traces t`,
    joins: {
      name: sql`left join trace_tags tn on tn.trace_key = t.trace_key and tn.key = ${sql.lit(TraceTagKey.TRACE_NAME)}`,
      session: sql`left join trace_metadata ts on ts.trace_key = t.trace_key and ts.key = ${sql.lit(TraceMetadataKey.SESSION)}`,
    },
    time: sql`t.request_time_ms`,
    where: [],
    metrics: {
      trace_count: { value: sql`1`, count: 'rows' },
      session_count: { value: sql`ts.value`, count: 'distinct', needs: 'session' },
      latency: { value: sql`t.execution_duration_ms` },
      ...usageColumns('t'),
    },
    dimensions: { trace_name: { expr: sql`tn.value`, needs: 'name' }, trace_status: { expr: sql`t.state` } },
  },
  SPANS: {
    from: sql`traces t join spans s on s.trace_key = t.trace_key`,
    // Spans are placed in time by their trace (as MLflow does): the trace time index bounds the scan.
    time: sql`t.request_time_ms`,
    where: [],
    metrics: {
      span_count: { value: sql`1`, count: 'rows' },
      latency: { value: sql`((s.end_time_us - s.start_time_us) / 1000.0)` },
      ...usageColumns('s'),
    },
    dimensions: {
      span_name: { expr: sql`s.name` },
      span_type: { expr: sql`s.type` },
      span_status: { expr: sql`s.status` },
      span_model_name: { expr: sql`s.model_name` },
      span_model_provider: { expr: sql`s.model_provider` },
    },
  },
  ASSESSMENTS: {
    from: sql`assessments a join traces t on t.trace_id = a.trace_id`,
    time: sql`t.request_time_ms`,
    // Only current judgements: one that another overrides no longer counts.
    where: [sql`a.valid = 1`],
    metrics: {
      assessment_count: { value: sql`1`, count: 'rows' },
      assessment_value: { value: sql`a.value_number` },
    },
    dimensions: { assessment_name: { expr: sql`a.name` }, assessment_value: { expr: sql`a.value_text` } },
  },
};

const SPAN_COLUMNS = { name: 's.name', type: 's.type', status: 's.status' } as const;

function filterClause(view: MetricView, f: MetricFilter): RawBuilder<unknown> {
  if (f.on === 'trace') {
    if (f.field === 'status') return sql`t.state = ${f.value}`;
    const table = sql.table(f.field === 'tag' ? 'trace_tags' : 'trace_metadata');
    return sql`exists (select 1 from ${table} x where x.trace_key = t.trace_key and x.key = ${f.key ?? ''} and x.value = ${f.value})`;
  }
  if (f.on === 'span') {
    const column = SPAN_COLUMNS[f.field as keyof typeof SPAN_COLUMNS];
    if (view === 'SPANS') return sql`${sql.ref(column)} = ${f.value}`;
    return sql`exists (select 1 from spans s2 where s2.trace_key = t.trace_key and ${sql.ref(column.replace('s.', 's2.'))} = ${f.value})`;
  }
  const column = f.field === 'name' ? 'name' : 'assessment_type';
  if (view === 'ASSESSMENTS') return sql`${sql.ref(`a.${column}`)} = ${f.value}`;
  return sql`exists (select 1 from assessments a2 where a2.trace_id = t.trace_id and a2.valid = 1 and ${sql.ref(`a2.${column}`)} = ${f.value})`;
}

function aggregate(dialect: SqlDialect, metric: MetricSql, a: MetricAggregationSpec): RawBuilder<unknown> {
  switch (a.type) {
    case 'COUNT':
      if (metric.count === 'rows') return sql`count(*)`;
      if (metric.count === 'distinct') return sql`count(distinct ${metric.value})`;
      return sql`count(${metric.value})`;
    case 'SUM':
      return sql`sum(${metric.value})`;
    case 'AVG':
      return sql`avg(${metric.value})`;
    case 'MIN':
      return sql`min(${metric.value})`;
    case 'MAX':
      return sql`max(${metric.value})`;
    case 'PERCENTILE':
      return dialect.percentile(metric.value, (a.percentile ?? 50) / 100);
  }
}

/**
 * A QueryTraceMetrics query as one GROUP BY: the view's rows in the experiments (and time range),
 * narrowed by the filters, grouped by time bucket and dimensions in that order, one aggregate column
 * per aggregation. Metric and dimension names must have been checked against the view (the request schema does).
 *
 * @example
 * const { rows } = await compileTraceMetrics(dialect, query, [1, 2]).execute(db);
 */
export function compileTraceMetrics(dialect: SqlDialect, query: TraceMetricsQuery, experimentIds: number[]): RawBuilder<Record<string, unknown>> {
  const view: ViewShape = VIEWS[query.view];
  const metric = view.metrics[query.metric];
  if (!metric) throw new Error(`unchecked metric ${query.metric}`);
  const where = [sql`t.experiment_id in (${sql.join(experimentIds)})`, ...view.where];
  if (query.range?.startMs !== undefined) where.push(sql`${view.time} >= ${query.range.startMs}`);
  if (query.range?.endMs !== undefined) where.push(sql`${view.time} <= ${query.range.endMs}`);
  for (const f of query.filters) where.push(filterClause(query.view, f));
  if (query.traceFilter) where.push(...traceFilterClauses(dialect, query.traceFilter));
  const groups: RawBuilder<unknown>[] = [];
  const selected: RawBuilder<unknown>[] = [];
  const needs = new Set<string>(metric.needs ? [metric.needs] : []);
  if (query.bucketMs !== undefined) {
    const bucket = sql`((${view.time}) / ${sql.lit(query.bucketMs)}) * ${sql.lit(query.bucketMs)}`;
    groups.push(bucket);
    selected.push(sql`${bucket} as bucket`);
  }
  query.dimensions.forEach((d, i) => {
    const dimension = view.dimensions[d];
    if (!dimension) throw new Error(`unchecked dimension ${d}`);
    if (dimension.needs) needs.add(dimension.needs);
    groups.push(dimension.expr);
    selected.push(sql`${dimension.expr} as ${sql.id(`d${i}`)}`);
  });
  query.aggregations.forEach((a, i) => selected.push(sql`${aggregate(dialect, metric, a)} as ${sql.id(`v${i}`)}`));
  const joins = [...needs].map((n) => view.joins?.[n] ?? sql``);
  // Groups sort by bucket, then dimensions, nulls last (the same on both databases).
  const order = groups.flatMap((g) => [sql`case when ${g} is null then 1 else 0 end`, g]);
  return sql<Record<string, unknown>>`select ${sql.join(selected)} from ${view.from} ${sql.join(joins, sql` `)} where ${sql.join(where, sql` and `)}
    ${groups.length ? sql`group by ${sql.join(groups)} order by ${sql.join(order)}` : sql``}
    limit ${query.page.limit} offset ${query.page.offset}`;
}
