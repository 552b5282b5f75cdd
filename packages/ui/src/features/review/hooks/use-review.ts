import type { LabelSchema, LabelSchemaInput, LabelSchemaType, ReviewQueue, ReviewQueueItem, ReviewQueueProgress, ReviewStatus } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

/**
 * Server state of human review: label schemas, review queues, their items and progress, over MLflow's
 * `/label-schemas/*` and `/review-queues/*` RPCs and Loupe's progress read (docs/api.md, "Human review").
 */

const SCHEMAS = '3.0/mlflow/label-schemas';
const QUEUES = '3.0/mlflow/review-queues';

/**
 * Query keys of human review.
 *
 * @example
 * queryClient.invalidateQueries({ queryKey: reviewKeys.all });
 */
export const reviewKeys = {
  all: ['review'] as const,
  schemas: (experimentId: string) => ['review', 'schemas', experimentId] as const,
  queues: (experimentId: string) => ['review', 'queues', experimentId] as const,
  queue: (queueId: string) => ['review', 'queue', queueId] as const,
  items: (queueId: string) => ['review', 'items', queueId] as const,
  progress: (queueIds: readonly string[]) => ['review', 'progress', ...queueIds] as const,
};

/** Reads every page of a list RPC (the lists are small: schemas, queues, a queue's items). */
async function readAll<T>(path: string, query: Record<string, string>, field: string, signal: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await apiRequest<Record<string, unknown> & { next_page_token?: string }>('GET', path, {
      query: { ...query, max_results: 1000, ...(token ? { page_token: token } : {}) },
      signal,
    });
    out.push(...((page[field] as T[] | undefined) ?? []));
    token = page.next_page_token;
  } while (token);
  return out;
}

/**
 * An experiment's label schemas, oldest first.
 *
 * @example
 * const { data: schemas } = useLabelSchemas('1');
 */
export function useLabelSchemas(experimentId: string) {
  return useQuery({
    queryKey: reviewKeys.schemas(experimentId),
    queryFn: ({ signal }) => readAll<LabelSchema>(`${SCHEMAS}/list`, { experiment_id: experimentId }, 'label_schemas', signal),
  });
}

/**
 * An experiment's review queues, newest first.
 *
 * @example
 * const { data: queues } = useReviewQueues('1');
 */
export function useReviewQueues(experimentId: string) {
  return useQuery({
    queryKey: reviewKeys.queues(experimentId),
    queryFn: ({ signal }) => readAll<ReviewQueue>(`${QUEUES}/list`, { experiment_id: experimentId }, 'review_queues', signal),
  });
}

/**
 * One review queue.
 *
 * @example
 * const { data: queue } = useReviewQueue('rq-…');
 */
export function useReviewQueue(queueId: string) {
  return useQuery({
    queryKey: reviewKeys.queue(queueId),
    queryFn: async ({ signal }) =>
      (await apiRequest<{ review_queue: ReviewQueue }>('GET', `${QUEUES}/get`, { query: { queue_id: queueId }, signal })).review_queue,
  });
}

/**
 * A queue's items in the order they were added (the server lists the newest first).
 *
 * @example
 * const { data: items } = useReviewItems('rq-…');
 */
export function useReviewItems(queueId: string) {
  return useQuery({
    queryKey: reviewKeys.items(queueId),
    queryFn: async ({ signal }) => (await readAll<ReviewQueueItem>(`${QUEUES}/items/list`, { queue_id: queueId }, 'items', signal)).reverse(),
  });
}

/**
 * Item counts per status of some queues (Loupe's progress read), by queue id.
 *
 * @example
 * const { data: progress } = useReviewProgress(queues.map((q) => q.queue_id));
 * progress?.get('rq-…')?.complete;
 */
export function useReviewProgress(queueIds: readonly string[]) {
  return useQuery({
    queryKey: reviewKeys.progress(queueIds),
    enabled: queueIds.length > 0,
    queryFn: async ({ signal }) => {
      const res = await apiRequest<{ progress?: ReviewQueueProgress[] }>('GET', '3.0/loupe/review-queues/progress', { query: { queue_ids: queueIds }, signal });
      return new Map((res.progress ?? []).map((p) => [p.queue_id, p]));
    },
  });
}

/** A label schema as the form edits it. */
export interface LabelSchemaFields {
  name: string;
  type: LabelSchemaType;
  input: LabelSchemaInput;
  instruction: string;
  enable_comment: boolean;
}

/**
 * Creating, changing and deleting label schemas (the experiment's schemas and queues are read again:
 * a deleted schema leaves every queue).
 *
 * @example
 * const { create } = useLabelSchemaMutations('1');
 * create.mutate({ name: 'correct', type: 'FEEDBACK', input: { pass_fail: { positive_label: 'Pass', negative_label: 'Fail' } }, instruction: '', enable_comment: true });
 */
export function useLabelSchemaMutations(experimentId: string) {
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: reviewKeys.all });
  return {
    create: useMutation({
      mutationFn: (f: LabelSchemaFields) =>
        apiRequest<{ label_schema: LabelSchema }>('POST', `${SCHEMAS}/create`, { body: { experiment_id: experimentId, ...f } }),
      onSuccess,
    }),
    update: useMutation({
      // `type` cannot change (the server refuses it), so it is not sent.
      mutationFn: ({ schemaId, fields }: { schemaId: string; fields: LabelSchemaFields }) =>
        apiRequest<{ label_schema: LabelSchema }>('PATCH', `${SCHEMAS}/update`, {
          body: { schema_id: schemaId, name: fields.name, input: fields.input, instruction: fields.instruction, enable_comment: fields.enable_comment },
        }),
      onSuccess,
    }),
    remove: useMutation({ mutationFn: (schemaId: string) => apiRequest('DELETE', `${SCHEMAS}/delete`, { body: { schema_id: schemaId } }), onSuccess }),
  };
}

/**
 * Creating and deleting review queues, and adding traces to one.
 *
 * @example
 * const { create } = useReviewQueueMutations('1');
 * create.mutate({ name: 'Week 12', schemaIds: ['…'], createdBy: 'alice' });
 */
export function useReviewQueueMutations(experimentId: string) {
  const qc = useQueryClient();
  const onSuccess = () => qc.invalidateQueries({ queryKey: reviewKeys.all });
  return {
    create: useMutation({
      mutationFn: ({ name, schemaIds, createdBy }: { name: string; schemaIds: string[]; createdBy?: string }) =>
        apiRequest<{ review_queue: ReviewQueue }>('POST', `${QUEUES}/create`, {
          body: { experiment_id: experimentId, name, queue_type: 'CUSTOM', schema_ids: schemaIds, ...(createdBy ? { created_by: createdBy } : {}) },
        }),
      onSuccess,
    }),
    remove: useMutation({ mutationFn: (queueId: string) => apiRequest('POST', `${QUEUES}/delete`, { body: { queue_id: queueId } }), onSuccess }),
    addItems: useMutation({
      mutationFn: ({ queueId, traceIds }: { queueId: string; traceIds: string[] }) =>
        apiRequest<{ items?: ReviewQueueItem[] }>('POST', `${QUEUES}/items/add`, { body: { queue_id: queueId, item_type: 'TRACE', item_ids: traceIds } }),
      onSuccess,
    }),
  };
}

/**
 * Sets a queue item's status (COMPLETE and DECLINED by a reviewer); the queue's items and progress
 * are read again.
 *
 * @example
 * const setStatus = useSetItemStatus('rq-…');
 * await setStatus.mutateAsync({ itemId: 'tr-…', status: 'COMPLETE', completedBy: 'alice' });
 */
export function useSetItemStatus(queueId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ itemId, status, completedBy }: { itemId: string; status: ReviewStatus; completedBy: string }) =>
      apiRequest<{ item: ReviewQueueItem }>('POST', `${QUEUES}/items/set-status`, {
        body: { queue_id: queueId, item_id: itemId, status, ...(status === 'PENDING' ? {} : { completed_by: completedBy }) },
      }),
    onSuccess: async ({ item }) => {
      // The new status at once (the next pending item is picked from it), then the server's view.
      qc.setQueryData<ReviewQueueItem[]>(reviewKeys.items(queueId), (items) => items?.map((i) => (i.item_id === item.item_id ? item : i)));
      await qc.invalidateQueries({ queryKey: ['review', 'progress'] });
    },
  });
}
