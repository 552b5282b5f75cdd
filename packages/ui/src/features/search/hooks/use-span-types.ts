import type { TraceInfoV3 } from '@loupe/protocol';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/** How many of the newest traces the span types are counted over. */
export const RECENT_TRACES = 100;

/**
 * The span types in an experiment's newest traces, with how many spans have each: what autocompletion
 * offers for `span.type`, so the types a producer really wrote (chat calls are `CHAT_MODEL`, not
 * `LLM`) come first. Two reads through the public API: the newest {@link RECENT_TRACES} traces give a
 * time bound, then QueryTraceMetrics counts spans by type since then (bounded by that time, so a huge
 * experiment costs what a small one does). Fetched once `enabled`, kept for five minutes.
 *
 * @example
 * const spanTypes = useSpanTypes('1', filterFocused).data; // Map { 'CHAT_MODEL' => 12, 'TOOL' => 5 }
 */
export function useSpanTypes(experimentId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['span-types', experimentId],
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }): Promise<ReadonlyMap<string, number>> => {
      const newest = await apiRequest<{ traces?: TraceInfoV3[] }>('POST', '3.0/mlflow/traces/search', {
        body: {
          locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
          max_results: RECENT_TRACES,
          order_by: ['timestamp_ms DESC'],
        },
        signal,
      });
      const times = (newest.traces ?? []).map((t) => Date.parse(t.request_time)).filter((t) => Number.isFinite(t));
      if (times.length === 0) return new Map();
      const counts = new Map<string, number>();
      let pageToken: string | undefined;
      do {
        const res = await apiRequest<{
          data_points?: { dimensions?: Record<string, string>; values: Record<string, number | null> }[];
          next_page_token?: string;
        }>('POST', '3.0/mlflow/traces/metrics', {
          body: {
            experiment_ids: [experimentId],
            view_type: 'SPANS',
            metric_name: 'span_count',
            aggregations: [{ aggregation_type: 'COUNT' }],
            dimensions: ['span_type'],
            start_time_ms: Math.min(...times),
            ...(pageToken ? { page_token: pageToken } : {}),
          },
          signal,
        });
        for (const p of res.data_points ?? []) {
          const type = p.dimensions?.span_type;
          const n = p.values.COUNT;
          if (type && typeof n === 'number') counts.set(type, n);
        }
        pageToken = res.next_page_token;
      } while (pageToken);
      return counts;
    },
  });
}
