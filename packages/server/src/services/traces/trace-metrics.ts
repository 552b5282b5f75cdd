import { ApiError, type RequestOf } from '@loupe/protocol';
import type { TraceRequests as R } from '@loupe/protocol';
import type { MetricAggregationSpec, MetricFilter, MetricView, TraceStore } from '../../store/trace-store.js';
import { VIEWS } from '../../store/sql/trace-metrics-compiler.js';
import { maxResults } from '../pagination.js';

/** A QueryTraceMetrics answer (spec §4.2). */
export interface TraceMetricsResponse {
  data_points: { metric_name: string; dimensions: Record<string, string>; values: Record<string, number> }[];
  next_page_token?: string;
}

const TIME_BUCKET = 'time_bucket';
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

/** MLflow's key for an aggregation in a point's values: `COUNT`, `AVG`, ..., `P95.0`. */
function label(type: MetricAggregationSpec['type'], percentile: number | undefined): string {
  if (type !== 'PERCENTILE') return type;
  const p = percentile as number;
  return `P${Number.isInteger(p) ? p.toFixed(1) : String(p)}`;
}

/** A bucket start as Python's `datetime.isoformat()` writes a UTC time, as MLflow's `time_bucket`. */
function bucketLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}+00:00` : iso.replace('Z', '+00:00');
}

function pageOffset(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw ApiError.invalid(`Invalid page_token '${token.slice(0, 100)}'.`);
}

/**
 * QueryTraceMetrics (spec §4.2): counts, latency percentiles, token and cost sums over traces, spans
 * or assessments, by time bucket and dimension, with MLflow's metric, dimension and filter names.
 *
 * @example
 * await queryTraceMetrics(store, { experiment_ids: ['1'], view_type: 'TRACES', metric_name: 'latency',
 *   aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 95 }], dimensions: [], filters: [] });
 */
export async function queryTraceMetrics(store: TraceStore, req: RequestOf<typeof R.QueryTraceMetrics>): Promise<TraceMetricsResponse> {
  if (req.experiment_ids.length === 0) throw ApiError.missing('experiment_ids');
  if (!req.view_type) throw ApiError.missing('view_type');
  if (!req.metric_name) throw ApiError.missing('metric_name');
  const view: MetricView = req.view_type;
  const shape = VIEWS[view];
  const metric = shape.metrics[req.metric_name];
  if (!metric)
    throw ApiError.invalid(`Invalid metric_name '${req.metric_name}' for view_type ${view}: expected one of ${Object.keys(shape.metrics).join(', ')}.`);
  if (req.aggregations.length === 0) throw ApiError.missing('aggregations');
  const aggregations = req.aggregations.map((a, i): MetricAggregationSpec => {
    if (!a.aggregation_type) throw ApiError.missing(`aggregations[${i}].aggregation_type`);
    if (a.aggregation_type === 'PERCENTILE') {
      const p = a.percentile_value;
      if (p === undefined) throw ApiError.invalid(`'aggregations[${i}].percentile_value' is required for PERCENTILE.`);
      if (!(p >= 0 && p <= 100)) throw ApiError.invalid(`'aggregations[${i}].percentile_value' must be between 0 and 100, got ${p}.`);
      return { type: 'PERCENTILE', percentile: p, label: label('PERCENTILE', p) };
    }
    if (a.percentile_value !== undefined) throw ApiError.invalid(`'aggregations[${i}].percentile_value' is only allowed for PERCENTILE.`);
    if (metric.count && a.aggregation_type !== 'COUNT')
      throw ApiError.invalid(`Metric '${req.metric_name}' can only be aggregated with COUNT, got ${a.aggregation_type}.`);
    return { type: a.aggregation_type, label: label(a.aggregation_type, undefined) };
  });
  const dimensions = [...new Set(req.dimensions)];
  for (const d of dimensions) {
    if (!shape.dimensions[d])
      throw ApiError.invalid(`Invalid dimension '${d}' for view_type ${view}: expected one of ${Object.keys(shape.dimensions).join(', ')}.`);
  }
  let bucketMs: number | undefined;
  if (req.time_interval_seconds !== undefined) {
    if (req.time_interval_seconds <= 0) throw ApiError.invalid(`'time_interval_seconds' must be positive, got ${req.time_interval_seconds}.`);
    if (req.start_time_ms === undefined || req.end_time_ms === undefined)
      throw ApiError.invalid("'start_time_ms' and 'end_time_ms' are required with 'time_interval_seconds'.");
    bucketMs = req.time_interval_seconds * 1000;
  }
  if (req.start_time_ms !== undefined && req.end_time_ms !== undefined && req.start_time_ms > req.end_time_ms) {
    throw ApiError.invalid(`'start_time_ms' (${req.start_time_ms}) is after 'end_time_ms' (${req.end_time_ms}).`);
  }
  const limit = maxResults(req.max_results, 1000, 1000);
  const offset = pageOffset(req.page_token);
  const range = {
    ...(req.start_time_ms !== undefined ? { startMs: req.start_time_ms } : {}),
    ...(req.end_time_ms !== undefined ? { endMs: req.end_time_ms } : {}),
  };
  const { points, hasMore } = await store.queryTraceMetrics({
    experimentIds: req.experiment_ids,
    view,
    metric: req.metric_name,
    aggregations,
    dimensions,
    filters: req.filters.map(parseMetricFilter),
    ...(bucketMs !== undefined ? { bucketMs } : {}),
    range,
    page: { offset, limit },
  });
  const data_points = points.map((p) => {
    const dims: Record<string, string> = {};
    if (p.bucketStartMs !== undefined) dims[TIME_BUCKET] = bucketLabel(p.bucketStartMs);
    for (const [k, v] of Object.entries(p.dimensions)) if (v !== null) dims[k] = v;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.values)) if (v !== null) values[k] = v;
    return { metric_name: req.metric_name as string, dimensions: dims, values };
  });
  const response: TraceMetricsResponse = { data_points };
  if (hasMore) response.next_page_token = Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64');
  return response;
}
