import type { FileInfo, Metric, Run } from '@loupe/protocol';
import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest, fetchArtifactText } from '../../../shared/api/http-client';

/**
 * Query keys of runs.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: runKeysOf.one('abc') });
 */
export const runKeysOf = {
  all: ['runs'] as const,
  search: (experimentId: string, filter: string, orderBy: string) => ['runs', 'search', experimentId, filter, orderBy] as const,
  one: (runId: string) => ['runs', 'one', runId] as const,
};

/**
 * Runs of an experiment matching a filter, page by page.
 *
 * @example
 * const q = useRunSearch('1', 'metrics.acc > 0.9', 'attributes.start_time DESC');
 */
export function useRunSearch(experimentId: string, filter: string, orderBy: string) {
  return useInfiniteQuery({
    queryKey: runKeysOf.search(experimentId, filter, orderBy),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      apiRequest<{ runs?: Run[]; next_page_token?: string }>('POST', '2.0/mlflow/runs/search', {
        body: {
          experiment_ids: [experimentId],
          max_results: 200,
          order_by: [orderBy],
          ...(filter ? { filter } : {}),
          ...(pageParam ? { page_token: pageParam } : {}),
        },
        signal,
      }),
    getNextPageParam: (last) => last.next_page_token,
    placeholderData: (prev) => prev,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.runs?.some((r) => r.info.status === 'RUNNING')) ? 5000 : false),
  });
}

/**
 * One run.
 *
 * @example
 * const { data: run } = useRun('abc');
 */
export function useRun(runId: string) {
  return useQuery({
    queryKey: runKeysOf.one(runId),
    queryFn: async ({ signal }) => (await apiRequest<{ run: Run }>('GET', '2.0/mlflow/runs/get', { query: { run_id: runId }, signal })).run,
    refetchInterval: (q) => (q.state.data?.info.status === 'RUNNING' ? 5000 : false),
  });
}

/**
 * Several runs by id (for comparison).
 *
 * @example
 * const runs = useRuns(['a', 'b']);
 */
export function useRuns(runIds: readonly string[]) {
  return useQueries({
    queries: runIds.map((id) => ({
      queryKey: runKeysOf.one(id),
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await apiRequest<{ run: Run }>('GET', '2.0/mlflow/runs/get', { query: { run_id: id }, signal })).run,
    })),
  });
}

/**
 * The whole history of one metric of one run.
 *
 * @example
 * const { data: points } = useMetricHistory('abc', 'loss');
 */
export function useMetricHistory(runId: string, key: string) {
  return useQuery({
    queryKey: ['metric-history', runId, key],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ metrics?: Metric[] }>('GET', '2.0/mlflow/metrics/get-history', { query: { run_id: runId, metric_key: key }, signal })).metrics ?? [],
  });
}

/**
 * One metric of up to 100 runs, sampled to at most 1,000 steps (always keeping each run's first and
 * last), grouped by run in the order asked.
 *
 * @example
 * const { data } = useBulkMetric(['a', 'b'], 'loss');
 */
export function useBulkMetric(runIds: readonly string[], key: string) {
  return useQuery({
    queryKey: ['metric-bulk', runIds, key],
    queryFn: async ({ signal }) => {
      const res = await apiRequest<{ metrics?: Metric[] }>('GET', '2.0/mlflow/metrics/get-history-bulk-interval', {
        query: { run_ids: runIds, metric_key: key, max_results: 1000 },
        signal,
      });
      return runIds.map((id) => (res.metrics ?? []).filter((m) => m.run_id === id));
    },
    enabled: runIds.length > 0,
  });
}

/**
 * Set and delete run tags; refreshes the run and the run lists.
 *
 * @example
 * useRunMutations('abc').setTag.mutate({ key: 'stage', value: 'review' });
 */
export function useRunMutations(runId: string) {
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: runKeysOf.all });
  return {
    setTag: useMutation({
      mutationFn: ({ key, value }: { key: string; value: string }) => apiRequest('POST', '2.0/mlflow/runs/set-tag', { body: { run_id: runId, key, value } }),
      onSuccess,
    }),
    deleteTag: useMutation({ mutationFn: (key: string) => apiRequest('POST', '2.0/mlflow/runs/delete-tag', { body: { run_id: runId, key } }), onSuccess }),
  };
}

/**
 * One folder of a run's artifacts.
 *
 * @example
 * const { data: files } = useArtifactList('abc', 'plots');
 */
export function useArtifactList(runId: string, path: string, enabled = true) {
  return useQuery({
    queryKey: ['artifacts', runId, path],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ files?: FileInfo[] }>('GET', '2.0/mlflow/artifacts/list', { query: { run_id: runId, ...(path ? { path } : {}) }, signal })).files ??
      [],
    enabled,
  });
}

/**
 * A text artifact's content.
 *
 * @example
 * const { data: text } = useArtifactText('abc', 'notes.txt', true);
 */
export function useArtifactText(runId: string, path: string, enabled: boolean) {
  return useQuery({ queryKey: ['artifact-text', runId, path], queryFn: ({ signal }) => fetchArtifactText(runId, path, signal), enabled });
}
