import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { MetricDataPoint } from '../lib/metric-series';

/** One QueryTraceMetrics request, as the overview asks it. */
export interface TraceMetricQuery {
  /** The view (default TRACES). */
  viewType?: 'TRACES' | 'ASSESSMENTS';
  metricName: string;
  aggregations: { aggregation_type: 'COUNT' | 'SUM' | 'AVG' | 'PERCENTILE' | 'MIN' | 'MAX'; percentile_value?: number }[];
  filters?: string[];
  /** Groups within each bucket (`assessment_name`, `trace_status`, ...). */
  dimensions?: string[];
  /** Buckets of this many seconds; omitted: one total over the range. */
  intervalSeconds?: number;
}

/**
 * Runs one QueryTraceMetrics (`POST /ajax-api/3.0/mlflow/traces/metrics`) over `[startMs, endMs]`,
 * following page tokens; again every `refetchMs` when given; not at all while `enabled` is false.
 *
 * @example
 * const q = useTraceMetric('1', { metricName: 'trace_count', aggregations: [{ aggregation_type: 'COUNT' }], intervalSeconds: 3600 }, start, end);
 */
export function useTraceMetric(
  experimentId: string,
  query: TraceMetricQuery,
  startMs: number,
  endMs: number,
  options: { refetchMs?: number; enabled?: boolean } = {},
) {
  return useQuery({
    queryKey: ['trace-metrics', experimentId, query, startMs, endMs],
    queryFn: async ({ signal }) => {
      const points: MetricDataPoint[] = [];
      let pageToken: string | undefined;
      do {
        const res = await apiRequest<{ data_points?: MetricDataPoint[]; next_page_token?: string }>('POST', '3.0/mlflow/traces/metrics', {
          body: {
            experiment_ids: [experimentId],
            view_type: query.viewType ?? 'TRACES',
            metric_name: query.metricName,
            aggregations: query.aggregations,
            filters: query.filters ?? [],
            ...(query.dimensions?.length ? { dimensions: query.dimensions } : {}),
            start_time_ms: startMs,
            end_time_ms: endMs,
            ...(query.intervalSeconds ? { time_interval_seconds: query.intervalSeconds } : {}),
            ...(pageToken ? { page_token: pageToken } : {}),
          },
          signal,
        });
        points.push(...(res.data_points ?? []));
        pageToken = res.next_page_token;
      } while (pageToken);
      return points;
    },
    placeholderData: (prev) => prev,
    refetchInterval: options.refetchMs ?? false,
    enabled: options.enabled ?? true,
  });
}
