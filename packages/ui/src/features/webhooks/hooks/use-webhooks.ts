import type { Webhook, WebhookDelivery, WebhookEvent } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

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

/** What the create form sends. */
export interface NewWebhook {
  name: string;
  url: string;
  description: string;
  secret: string;
  events: WebhookEvent[];
}

/**
 * Creating a webhook (refreshing the list).
 *
 * @example
 * const create = useCreateWebhook();
 * create.mutate({ name: 'ci', url: 'https://ci.example.com/hook', description: '', secret: '', events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] });
 */
export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (w: NewWebhook) =>
      apiRequest<{ webhook: Webhook }>('POST', '2.0/mlflow/webhooks', {
        body: {
          name: w.name,
          url: w.url,
          events: w.events,
          ...(w.description ? { description: w.description } : {}),
          ...(w.secret ? { secret: w.secret } : {}),
        },
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}
