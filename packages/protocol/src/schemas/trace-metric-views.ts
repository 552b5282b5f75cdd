import { ApiError } from '../errors/api-error.js';

/**
 * What QueryTraceMetrics can aggregate (spec §4.2), as MLflow names it: per view, its metrics
 * (MLflow's TraceMetricKey, SpanMetricKey, AssessmentMetricKey; `count` ones only take COUNT) and its
 * dimensions, in the order error messages list them. Stores implement exactly these.
 */
export const TRACE_METRIC_VIEWS = {
  TRACES: {
    metrics: {
      trace_count: 'count',
      session_count: 'count',
      latency: 'value',
      input_tokens: 'value',
      output_tokens: 'value',
      total_tokens: 'value',
      cache_read_input_tokens: 'value',
      cache_creation_input_tokens: 'value',
      input_cost: 'value',
      output_cost: 'value',
      total_cost: 'value',
    },
    dimensions: ['trace_name', 'trace_status'],
  },
  SPANS: {
    metrics: {
      span_count: 'count',
      latency: 'value',
      input_tokens: 'value',
      output_tokens: 'value',
      total_tokens: 'value',
      cache_read_input_tokens: 'value',
      cache_creation_input_tokens: 'value',
      input_cost: 'value',
      output_cost: 'value',
      total_cost: 'value',
    },
    dimensions: ['span_name', 'span_type', 'span_status', 'span_model_name', 'span_model_provider'],
  },
  ASSESSMENTS: {
    metrics: { assessment_count: 'count', assessment_value: 'value' },
    dimensions: ['assessment_name', 'assessment_value'],
  },
} as const satisfies Record<string, { metrics: Record<string, 'count' | 'value'>; dimensions: readonly string[] }>;

/** Views QueryTraceMetrics aggregates over. */
export const METRIC_VIEW_TYPES = ['TRACES', 'SPANS', 'ASSESSMENTS'] as const;
/** Aggregations QueryTraceMetrics computes. */
export const AGGREGATION_TYPES = ['COUNT', 'SUM', 'AVG', 'PERCENTILE', 'MIN', 'MAX'] as const;

/** What QueryTraceMetrics aggregates over: traces, spans, or (current) assessments. */
export type MetricView = keyof typeof TRACE_METRIC_VIEWS;
/** One aggregation. */
export type AggregationType = (typeof AGGREGATION_TYPES)[number];
/** The metric names of a view. */
export type TraceMetricName<V extends MetricView = MetricView> = V extends MetricView ? keyof (typeof TRACE_METRIC_VIEWS)[V]['metrics'] : never;
/** The dimension names of a view. */
export type TraceMetricDimension<V extends MetricView = MetricView> = V extends MetricView ? (typeof TRACE_METRIC_VIEWS)[V]['dimensions'][number] : never;

/**
 * The metrics of a view as a name-to-kind map (`count` metrics only take COUNT), whatever the view.
 *
 * @example
 * metricsOf('TRACES').trace_count; // 'count'
 */
export function metricsOf(view: MetricView): Readonly<Record<string, 'count' | 'value'>> {
  return TRACE_METRIC_VIEWS[view].metrics;
}

/**
 * The dimensions of a view, whatever the view.
 *
 * @example
 * dimensionsOf('SPANS').includes('span_type'); // true
 */
export function dimensionsOf(view: MetricView): readonly string[] {
  return TRACE_METRIC_VIEWS[view].dimensions;
}

/** An exact-match filter of a metrics query (`trace.status = 'OK'`, `trace.tag.env = 'prod'`, `span.type = 'LLM'`, ...). */
export interface MetricFilter {
  on: 'trace' | 'span' | 'assessment';
  field: 'status' | 'tag' | 'metadata' | 'name' | 'type';
  key?: string;
  value: string;
}

const FILTER_FIELDS: Record<MetricFilter['on'], { field: MetricFilter['field']; keyed: boolean }[]> = {
  trace: [
    { field: 'status', keyed: false },
    { field: 'tag', keyed: true },
    { field: 'metadata', keyed: true },
  ],
  span: [
    { field: 'name', keyed: false },
    { field: 'status', keyed: false },
    { field: 'type', keyed: false },
  ],
  assessment: [
    { field: 'name', keyed: false },
    { field: 'type', keyed: false },
  ],
};
// `trace.tag.env = 'prod'`, ``trace.metadata.`mlflow.trace.session` = "s-1"``, `span.type = 'LLM'`.
const FILTER = /^\s*(trace|span|assessment)\.(\w+)(?:\.(`[^`]+`|[\w.:/-]+))?\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)")\s*$/;

/**
 * One metrics filter, exact match only, as MLflow's trace-metrics filter grammar has it:
 * `trace.status`, `trace.tag.<key>`, `trace.metadata.<key>`, `span.name|status|type`, `assessment.name|type`.
 * A filter outside the grammar is an INVALID_PARAMETER_VALUE naming it.
 *
 * @example
 * parseMetricFilter("trace.tag.env = 'prod'"); // { on: 'trace', field: 'tag', key: 'env', value: 'prod' }
 */
export function parseMetricFilter(text: string): MetricFilter {
  const m = FILTER.exec(text);
  if (!m) {
    throw ApiError.invalid(
      `Invalid filter '${text.slice(0, 200)}' in 'filters': expected <view>.<field> = '<value>' with view trace (status, tag.<key>, metadata.<key>), span (name, status, type) or assessment (name, type).`,
    );
  }
  const on = m[1] as MetricFilter['on'];
  const rule = FILTER_FIELDS[on].find((f) => f.field === m[2]);
  if (!rule) throw ApiError.invalid(`Invalid filter field '${on}.${m[2]}' in 'filters': ${on} supports ${FILTER_FIELDS[on].map((f) => f.field).join(', ')}.`);
  const rawKey = m[3];
  if (rule.keyed !== (rawKey !== undefined)) {
    throw ApiError.invalid(
      rule.keyed ? `Filter '${on}.${m[2]}' in 'filters' needs a key: ${on}.${m[2]}.<key>.` : `Filter '${on}.${m[2]}' in 'filters' takes no key.`,
    );
  }
  const value = m[4] !== undefined ? m[4].replace(/''/g, "'") : (m[5] ?? '').replace(/""/g, '"');
  const filter: MetricFilter = { on, field: rule.field, value };
  if (rawKey !== undefined) filter.key = rawKey.startsWith('`') ? rawKey.slice(1, -1) : rawKey;
  return filter;
}
