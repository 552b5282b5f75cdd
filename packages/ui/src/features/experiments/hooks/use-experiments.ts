import type { Experiment, Run, TraceInfoV3, ViewType } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/**
 * Query keys of experiments, so mutations refresh exactly what changed.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: experimentKeys.all });
 */
export const experimentKeys = {
  all: ['experiments'] as const,
  list: (search: string, viewType: ViewType) => ['experiments', 'list', search, viewType] as const,
  one: (id: string) => ['experiments', 'one', id] as const,
  contents: (id: string) => ['experiments', 'contents', id] as const,
};

/**
 * A name search as MLflow's filter grammar: `name ILIKE '%q%'`, quotes escaped.
 *
 * @example
 * experimentNameFilter("bob's"); // "name ILIKE '%bob\\'s%'"
 */
export function experimentNameFilter(search: string): string | undefined {
  const q = search.trim();
  return q ? `name ILIKE '%${q.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}%'` : undefined;
}

/**
 * Experiments matching a name search (newest first), active or deleted.
 *
 * @example
 * const { data } = useExperiments('chat', 'ACTIVE_ONLY');
 */
export function useExperiments(search: string, viewType: ViewType) {
  return useQuery({
    queryKey: experimentKeys.list(search, viewType),
    queryFn: async ({ signal }) => {
      const filter = experimentNameFilter(search);
      const res = await apiRequest<{ experiments?: Experiment[] }>('POST', '2.0/mlflow/experiments/search', {
        body: { max_results: 1000, view_type: viewType, order_by: ['last_update_time DESC'], ...(filter ? { filter } : {}) },
        signal,
      });
      return res.experiments ?? [];
    },
    placeholderData: (prev) => prev,
  });
}

/**
 * One experiment by id.
 *
 * @example
 * const { data: experiment } = useExperiment('1');
 */
export function useExperiment(id: string) {
  return useQuery({
    queryKey: experimentKeys.one(id),
    queryFn: async ({ signal }) =>
      (await apiRequest<{ experiment: Experiment }>('GET', '2.0/mlflow/experiments/get', { query: { experiment_id: id }, signal })).experiment,
  });
}

/**
 * Whether an experiment holds any trace and any run (one search of each, a single row asked), to
 * choose the tab it opens on.
 *
 * @example
 * const { data } = useExperimentContents('1'); // { hasTraces: false, hasRuns: true }
 */
export function useExperimentContents(id: string) {
  return useQuery({
    queryKey: experimentKeys.contents(id),
    queryFn: async ({ signal }) => {
      const [traces, runs] = await Promise.all([
        apiRequest<{ traces?: TraceInfoV3[] }>('POST', '3.0/mlflow/traces/search', {
          body: { locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: id } }], max_results: 1 },
          signal,
        }),
        apiRequest<{ runs?: Run[] }>('POST', '2.0/mlflow/runs/search', { body: { experiment_ids: [id], max_results: 1 }, signal }),
      ]);
      return { hasTraces: (traces.traces ?? []).length > 0, hasRuns: (runs.runs ?? []).length > 0 };
    },
    // Asked afresh each time the experiment is opened: a run or trace may have arrived since.
    staleTime: 0,
  });
}

/**
 * Create, rename, delete and restore experiments; each refreshes the lists.
 *
 * @example
 * const { create } = useExperimentMutations();
 * create.mutate('my-experiment');
 */
export function useExperimentMutations() {
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: experimentKeys.all });
  return {
    create: useMutation({
      mutationFn: (name: string) => apiRequest<{ experiment_id: string }>('POST', '2.0/mlflow/experiments/create', { body: { name } }),
      onSuccess,
    }),
    rename: useMutation({
      mutationFn: ({ id, name }: { id: string; name: string }) =>
        apiRequest('POST', '2.0/mlflow/experiments/update', { body: { experiment_id: id, new_name: name } }),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (id: string) => apiRequest('POST', '2.0/mlflow/experiments/delete', { body: { experiment_id: id } }),
      onSuccess,
    }),
    restore: useMutation({
      mutationFn: (id: string) => apiRequest('POST', '2.0/mlflow/experiments/restore', { body: { experiment_id: id } }),
      onSuccess,
    }),
  };
}
