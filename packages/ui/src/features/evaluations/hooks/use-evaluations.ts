import type { Run, TraceInfoV3 } from '@loupe/protocol';
import { useQueries, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import { EVALUATION_RUNS_FILTER, runTracesFilter, sourceRunMetricFilter } from '../lib/eval-keys';

/** `traces/search` answers at most 500 traces a page (spec §4.2). */
const TRACE_PAGE = 500;
/** Rows read of one evaluation run at most; a bigger run says it was cut. */
export const MAX_EVAL_ROWS = 20_000;

/**
 * Query keys of evaluations.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: evaluationKeys.all });
 */
export const evaluationKeys = {
  all: ['evaluations'] as const,
  runs: (experimentId: string) => ['evaluations', 'runs', experimentId] as const,
  traces: (experimentId: string, runId: string) => ['evaluations', 'traces', experimentId, runId] as const,
  traceCount: (experimentId: string, runId: string) => ['evaluations', 'trace-count', experimentId, runId] as const,
};

/**
 * The evaluation runs of an experiment (tag `mlflow.runType` = `genai_evaluate`), newest first,
 * following page tokens.
 *
 * @example
 * const { data: runs } = useEvaluationRuns('1');
 */
export function useEvaluationRuns(experimentId: string) {
  return useQuery({
    queryKey: evaluationKeys.runs(experimentId),
    queryFn: async ({ signal }) => {
      const runs: Run[] = [];
      let token: string | undefined;
      do {
        const page = await apiRequest<{ runs?: Run[]; next_page_token?: string }>('POST', '2.0/mlflow/runs/search', {
          body: {
            experiment_ids: [experimentId],
            filter: EVALUATION_RUNS_FILTER,
            order_by: ['attributes.start_time DESC'],
            max_results: 1000,
            ...(token ? { page_token: token } : {}),
          },
          signal,
        });
        runs.push(...(page.runs ?? []));
        token = page.next_page_token;
      } while (token && runs.length < 5000);
      return runs;
    },
    refetchInterval: (q) => (q.state.data?.some((r) => r.info.status === 'RUNNING') ? 5000 : false),
  });
}

/** The traces of one evaluation run, and whether there were more than {@link MAX_EVAL_ROWS}. */
export interface EvaluationTraces {
  traces: TraceInfoV3[];
  truncated: boolean;
}

/**
 * The query of one evaluation run's traces with their assessments: `traces/search` with `run_id` (the
 * `mlflow.sourceRun` metadata or a link-to-run), 500 a page, in the order they were made. Shared by
 * {@link useEvaluationTraces} and the router, which starts it as soon as the URL matches.
 *
 * @example
 * void queryClient.prefetchQuery(evaluationTracesQuery('1', 'abc'));
 */
export function evaluationTracesQuery(experimentId: string, runId: string) {
  return {
    queryKey: evaluationKeys.traces(experimentId, runId),
    queryFn: async ({ signal }: { signal: AbortSignal }): Promise<EvaluationTraces> => {
      const traces: TraceInfoV3[] = [];
      let token: string | undefined;
      do {
        const page = await apiRequest<{ traces?: TraceInfoV3[]; next_page_token?: string }>('POST', '3.0/mlflow/traces/search', {
          body: {
            locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
            filter: runTracesFilter(runId),
            order_by: ['timestamp_ms ASC'],
            max_results: TRACE_PAGE,
            ...(token ? { page_token: token } : {}),
          },
          signal,
        });
        traces.push(...(page.traces ?? []));
        token = page.next_page_token;
      } while (token && traces.length < MAX_EVAL_ROWS);
      return { traces, truncated: Boolean(token) };
    },
  };
}

/**
 * The traces of one evaluation run with their assessments (see {@link evaluationTracesQuery}).
 *
 * @example
 * const { data } = useEvaluationTraces('1', 'abc');
 */
export function useEvaluationTraces(experimentId: string, runId: string | undefined) {
  return useQuery({ ...evaluationTracesQuery(experimentId, runId ?? ''), enabled: Boolean(runId) });
}

/**
 * How many traces each run produced (QueryTraceMetrics `trace_count` over its `mlflow.sourceRun`
 * metadata, one small query per run), by run id.
 *
 * @example
 * const counts = useRunTraceCounts('1', ['a', 'b']); // Map { 'a' => 50, 'b' => 50 }
 */
export function useRunTraceCounts(experimentId: string, runIds: readonly string[]): Map<string, number | undefined> {
  const results = useQueries({
    queries: runIds.map((runId) => ({
      queryKey: evaluationKeys.traceCount(experimentId, runId),
      queryFn: async ({ signal }: { signal: AbortSignal }) => {
        const res = await apiRequest<{ data_points?: { values: Record<string, number | null> }[] }>('POST', '3.0/mlflow/traces/metrics', {
          body: {
            experiment_ids: [experimentId],
            view_type: 'TRACES',
            metric_name: 'trace_count',
            aggregations: [{ aggregation_type: 'COUNT' }],
            filters: [sourceRunMetricFilter(runId)],
          },
          signal,
        });
        return res.data_points?.[0]?.values.COUNT ?? 0;
      },
    })),
  });
  return new Map(runIds.map((id, i) => [id, results[i]?.data ?? undefined]));
}
