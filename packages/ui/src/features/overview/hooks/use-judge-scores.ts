import { useMemo } from 'react';
import { judgeScoreSeries, type JudgeScoreSeries } from '../lib/judge-series';
import { useTraceMetric, type TraceMetricQuery } from './use-trace-metrics';

const VERDICT_COUNTS: Omit<TraceMetricQuery, 'intervalSeconds'> = {
  viewType: 'ASSESSMENTS',
  metricName: 'assessment_count',
  aggregations: [{ aggregation_type: 'COUNT' }],
  dimensions: ['assessment_name', 'assessment_value'],
  filters: ["assessment.type = 'feedback'"],
};

/**
 * Every judge's scores over `buckets` (epoch ms, `intervalSeconds` apart, ending at `endMs`): feedback
 * counts by name and value from QueryTraceMetrics' ASSESSMENTS view (placed in time by their trace),
 * read as pass rates or averages (`judgeScoreSeries`); again every `refetchMs` when given; not read while `enabled` is false.
 *
 * @example
 * const { series } = useJudgeScores('1', buckets, 3600, now);
 */
export function useJudgeScores(
  experimentId: string,
  buckets: readonly number[],
  intervalSeconds: number,
  endMs: number,
  options: { refetchMs?: number; enabled?: boolean } = {},
) {
  const start = buckets[0] ?? endMs;
  const counts = useTraceMetric(experimentId, { ...VERDICT_COUNTS, intervalSeconds }, start, endMs, options);
  const series = useMemo<JudgeScoreSeries[]>(() => judgeScoreSeries(counts.data ?? [], buckets), [counts.data, buckets]);
  return { series, error: counts.error, loaded: counts.data !== undefined, refetch: counts.refetch };
}
