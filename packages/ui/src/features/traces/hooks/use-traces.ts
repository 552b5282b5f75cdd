import type { Assessment, TraceInfoV3 } from '@loupe/protocol';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/**
 * Query keys of traces.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: traceKeys.info('tr-1') });
 */
export const traceKeys = {
  search: (experimentId: string, filter: string, orderBy: string) => ['traces', 'search', experimentId, filter, orderBy] as const,
  info: (traceId: string) => ['traces', 'info', traceId] as const,
};

/**
 * How often pages holding an in-progress trace refresh.
 *
 * @example
 * refetchInterval: inProgress ? IN_PROGRESS_REFRESH_MS : false
 */
export const IN_PROGRESS_REFRESH_MS = 3000;

const PAGE_SIZE = 100;

/**
 * Traces of an experiment matching a filter, page by page (keyset page tokens), newest first by
 * default. Refreshes while a loaded trace is still in progress.
 *
 * @example
 * const q = useTraceSearch('1', "trace.status = 'ERROR'", 'timestamp_ms DESC');
 */
export function useTraceSearch(experimentId: string, filter: string, orderBy: string) {
  return useInfiniteQuery({
    queryKey: traceKeys.search(experimentId, filter, orderBy),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      apiRequest<{ traces?: TraceInfoV3[]; next_page_token?: string }>('POST', '3.0/mlflow/traces/search', {
        body: {
          locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
          max_results: PAGE_SIZE,
          order_by: [orderBy],
          ...(filter ? { filter } : {}),
          ...(pageParam ? { page_token: pageParam } : {}),
        },
        signal,
      }),
    getNextPageParam: (last) => last.next_page_token,
    placeholderData: (prev) => prev,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.traces?.some((t) => t.state === 'IN_PROGRESS')) ? IN_PROGRESS_REFRESH_MS : false),
  });
}

/**
 * One trace's info (with its assessments), refreshed while it is in progress.
 *
 * @example
 * const { data: info } = useTraceInfo('tr-…');
 */
export function useTraceInfo(traceId: string) {
  return useQuery({
    ...traceInfoQuery(traceId),
    refetchInterval: (q) => (q.state.data?.state === 'IN_PROGRESS' ? IN_PROGRESS_REFRESH_MS : false),
  });
}

/**
 * The query of one trace's info, shared by {@link useTraceInfo} and the router's prefetch.
 *
 * @example
 * void queryClient.prefetchQuery(traceInfoQuery('tr-…'));
 */
export function traceInfoQuery(traceId: string) {
  return {
    queryKey: traceKeys.info(traceId),
    queryFn: async ({ signal }: { signal: AbortSignal }) =>
      (await apiRequest<{ trace: { trace_info: TraceInfoV3 } }>('GET', `3.0/mlflow/traces/${encodeURIComponent(traceId)}`, { signal })).trace.trace_info,
  };
}

/** Feedback as the trace view records it: a HUMAN assessment. */
export interface FeedbackInput {
  name: string;
  value: boolean | string | number;
  rationale?: string;
  sourceId: string;
  spanId?: string;
}

/**
 * Trace tag set/delete and feedback; each refreshes the trace and the lists it appears in.
 *
 * @example
 * const { setTag } = useTraceMutations('tr-…');
 * setTag.mutate({ key: 'reviewed', value: 'yes' });
 */
export function useTraceMutations(traceId: string) {
  const qc = useQueryClient();
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: traceKeys.info(traceId) });
    await qc.invalidateQueries({ queryKey: ['traces', 'search'] });
  };
  const path = `3.0/mlflow/traces/${encodeURIComponent(traceId)}`;
  return {
    setTag: useMutation({
      mutationFn: ({ key, value }: { key: string; value: string }) => apiRequest('PATCH', `${path}/tags`, { body: { key, value } }),
      onSuccess: refresh,
    }),
    deleteTag: useMutation({ mutationFn: (key: string) => apiRequest('DELETE', `${path}/tags`, { body: { key } }), onSuccess: refresh }),
    addFeedback: useMutation({
      mutationFn: (f: FeedbackInput) =>
        apiRequest<{ assessment: Assessment }>('POST', `${path}/assessments`, {
          body: {
            assessment: {
              assessment_name: f.name,
              trace_id: traceId,
              source: { source_type: 'HUMAN', source_id: f.sourceId },
              feedback: { value: f.value },
              ...(f.rationale ? { rationale: f.rationale } : {}),
              ...(f.spanId ? { span_id: f.spanId } : {}),
            },
          },
        }),
      onSuccess: refresh,
    }),
    deleteAssessment: useMutation({ mutationFn: (id: string) => apiRequest('DELETE', `${path}/assessments/${encodeURIComponent(id)}`), onSuccess: refresh }),
  };
}
