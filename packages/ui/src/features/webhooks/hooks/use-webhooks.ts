import type { Webhook, WebhookDelivery, WebhookEvent, WebhookTestResult } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';
import type { WebhookChanges, WebhookFormValues } from '../lib/webhook-events';

/**
 * Every webhook, newest first.
 *
 * @example
 * const { data: webhooks } = useWebhooks();
 */
export function useWebhooks() {
  return useQuery({
    queryKey: ['webhooks', 'list'],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ webhooks?: Webhook[] }>('GET', '2.0/mlflow/webhooks', { query: { max_results: 1000 }, signal })).webhooks ?? [],
  });
}

/**
 * One webhook by id.
 *
 * @example
 * const { data: webhook } = useWebhook('wh-1');
 */
export function useWebhook(id: string) {
  return useQuery({
    queryKey: ['webhooks', 'one', id],
    queryFn: async ({ signal }) => (await apiRequest<{ webhook: Webhook }>('GET', `2.0/mlflow/webhooks/${encodeURIComponent(id)}`, { signal })).webhook,
  });
}

/**
 * A webhook's delivery log (Loupe's), newest first; read again every 3 s while shown, so new events and retries appear.
 *
 * @example
 * const { data: deliveries } = useWebhookDeliveries('wh-1');
 */
export function useWebhookDeliveries(id: string) {
  return useQuery({
    queryKey: ['webhooks', 'deliveries', id],
    queryFn: async ({ signal }) =>
      (
        await apiRequest<{ deliveries?: WebhookDelivery[] }>('GET', `2.0/loupe/webhooks/${encodeURIComponent(id)}/deliveries`, {
          query: { max_results: 100 },
          signal,
        })
      ).deliveries ?? [],
    refetchInterval: 3000,
  });
}

/**
 * Creating a webhook (refreshing the list).
 *
 * @example
 * const create = useCreateWebhook();
 * create.mutate({ name: 'ci', url: 'https://ci.example.com/hook', description: '', secret: '', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }], status: 'ACTIVE' });
 */
export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (w: WebhookFormValues) =>
      apiRequest<{ webhook: Webhook }>('POST', '2.0/mlflow/webhooks', {
        body: {
          name: w.name,
          url: w.url,
          events: w.events,
          status: w.status,
          ...(w.description ? { description: w.description } : {}),
          ...(w.secret ? { secret: w.secret } : {}),
        },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}

/**
 * Changing a webhook with MLflow's UpdateWebhook (only the fields given change; see `webhookChanges`),
 * from its page or the list (the one-click enable/disable); the webhook's queries get the answer.
 *
 * @example
 * const update = useUpdateWebhook();
 * update.mutate({ id: 'wh-1', changes: { status: 'DISABLED' } });
 */
export function useUpdateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: WebhookChanges }) =>
      apiRequest<{ webhook: Webhook }>('PATCH', `2.0/mlflow/webhooks/${encodeURIComponent(id)}`, { body: changes }),
    onSuccess: (res) => {
      qc.setQueryData(['webhooks', 'one', res.webhook.webhook_id], res.webhook);
      return qc.invalidateQueries({ queryKey: ['webhooks', 'list'] });
    },
  });
}

/**
 * Deleting a webhook (its deliveries go with it); the list drops it at once and is read again. The
 * webhook's own queries are left alone: the page showing them would read them again and get a 404.
 *
 * @example
 * const remove = useDeleteWebhook();
 * remove.mutate('wh-1', { onSuccess: () => navigate('/webhooks') });
 */
export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest('DELETE', `2.0/mlflow/webhooks/${encodeURIComponent(id)}`),
    onSuccess: (_res, id) => {
      qc.setQueryData<Webhook[]>(['webhooks', 'list'], (list) => list?.filter((w) => w.webhook_id !== id));
      return qc.invalidateQueries({ queryKey: ['webhooks', 'list'] });
    },
  });
}

/**
 * Sending one example event to a webhook now (MLflow's TestWebhook: no retries, whatever its status),
 * for the receiver's answer; `event` defaults to the webhook's first subscription.
 *
 * @example
 * const test = useTestWebhook();
 * test.mutate({ id: 'wh-1' }); // test.data: { success: true, response_status: 200, response_body: 'ok' }
 */
export function useTestWebhook() {
  return useMutation({
    mutationFn: async ({ id, event }: { id: string; event?: WebhookEvent }) =>
      (await apiRequest<{ result: WebhookTestResult }>('POST', `2.0/mlflow/webhooks/${encodeURIComponent(id)}/test`, { body: event ? { event } : {} })).result,
  });
}
