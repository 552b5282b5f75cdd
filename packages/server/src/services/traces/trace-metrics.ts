import { ApiError, type AggregationType, type Filter, type MetricFilter, type MetricView, type TraceFilterEntity } from '@loupe/protocol';
import type { MetricAggregationSpec, MetricPoint, TraceStore } from '../../store/trace-store.js';

/** A QueryTraceMetrics request (spec §4.2), checked against its view's metrics and dimensions. */
export interface TraceMetricsRequest {
  experimentIds: string[];
  view: MetricView;
  metric: string;
  aggregations: { type: AggregationType; percentile?: number }[];
  dimensions: string[];
  filters: MetricFilter[];
  /** A parsed trace search filter the traces must also match (monitors; not part of MLflow's request). */
  traceFilter?: Filter<TraceFilterEntity>;
  /** Time buckets of this many milliseconds (then `range` has both ends). */
  bucketMs?: number;
  range: { startMs?: number; endMs?: number };
  limit: number;
  pageToken?: string;
}

/** A page of metric points: values keyed by aggregation label (`AVG`, `P95.0`), in group order. */
export interface TraceMetricsPage {
  points: MetricPoint[];
  nextPageToken?: string;
}

/** MLflow's key for an aggregation in a point's values: `COUNT`, `AVG`, ..., `P95.0`. */
function label(type: AggregationType, percentile: number | undefined): string {
  if (type !== 'PERCENTILE') return type;
  const p = percentile as number;
  return `P${Number.isInteger(p) ? p.toFixed(1) : String(p)}`;
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
 * or assessments, by time bucket and dimension, a page of groups at a time.
 *
 * @example
 * await queryTraceMetrics(store, { experimentIds: ['1'], view: 'TRACES', metric: 'latency',
 *   aggregations: [{ type: 'PERCENTILE', percentile: 95 }], dimensions: [], filters: [], range: {}, limit: 1000 });
 */
export async function queryTraceMetrics(store: TraceStore, req: TraceMetricsRequest): Promise<TraceMetricsPage> {
  const offset = pageOffset(req.pageToken);
  const aggregations = req.aggregations.map((a): MetricAggregationSpec => ({ ...a, label: label(a.type, a.percentile) }));
  const { points, hasMore } = await store.queryTraceMetrics({
    experimentIds: req.experimentIds,
    view: req.view,
    metric: req.metric,
    aggregations,
    dimensions: req.dimensions,
    filters: req.filters,
    ...(req.traceFilter ? { traceFilter: req.traceFilter } : {}),
    ...(req.bucketMs !== undefined ? { bucketMs: req.bucketMs } : {}),
    range: req.range,
    page: { offset, limit: req.limit },
  });
  if (!hasMore) return { points };
  return { points, nextPageToken: Buffer.from(JSON.stringify({ offset: offset + req.limit })).toString('base64') };
}
