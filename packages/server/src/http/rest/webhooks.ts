import { TrackingResponses, WebhookRequests as R, WebhookResponses as W } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { webhookDeliveryJson, webhookJson } from '../wire/webhook-json.js';

const BASE = '/mlflow/webhooks';

/**
 * Webhook RPCs (MLflow's `webhooks.proto`, spec §6.3) and Loupe's delivery log
 * (`/loupe/webhooks/{id}/deliveries`, documented in docs/api.md).
 */
export const webhookRoutes = [
  rpc({
    method: 'POST',
    path: BASE,
    versions: [2],
    request: R.CreateWebhook,
    response: W.GetWebhook,
    access: { kind: 'admin' },
    handle: async (req, { services }) => ({ webhook: webhookJson(await services.webhooks.create(req)) }),
  }),
  rpc({
    method: 'GET',
    path: BASE,
    versions: [2],
    request: R.ListWebhooks,
    response: W.ListWebhooks,
    access: { kind: 'admin' },
    handle: async (req, { services }) => {
      const page = await services.webhooks.list(req.max_results, req.page_token);
      return { webhooks: page.webhooks.map(webhookJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${BASE}/:webhook_id`,
    versions: [2],
    request: R.WebhookIdOnly,
    response: W.GetWebhook,
    access: { kind: 'admin' },
    handle: async (req, { services }) => ({ webhook: webhookJson(await services.webhooks.get(req.webhook_id)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${BASE}/:webhook_id`,
    versions: [2],
    request: R.UpdateWebhook,
    response: W.GetWebhook,
    access: { kind: 'admin' },
    handle: async ({ webhook_id, ...changes }, { services }) => ({ webhook: webhookJson(await services.webhooks.update(webhook_id, changes)) }),
  }),
  rpc({
    method: 'DELETE',
    path: `${BASE}/:webhook_id`,
    versions: [2],
    request: R.WebhookIdOnly,
    response: TrackingResponses.Empty,
    access: { kind: 'admin' },
    audit: (req) => ({ action: 'webhook.delete', resourceType: 'webhook', resourceId: req.webhook_id }),
    handle: (req, { services }) => services.webhooks.delete(req.webhook_id),
  }),
  rpc({
    method: 'POST',
    path: `${BASE}/:webhook_id/test`,
    versions: [2],
    request: R.TestWebhook,
    response: W.TestWebhook,
    access: { kind: 'admin' },
    handle: async (req, { services }) => ({ result: await services.webhooks.test(req.webhook_id, req.event) }),
  }),
  rpc({
    method: 'GET',
    path: '/loupe/webhooks/:webhook_id/deliveries',
    versions: [2],
    request: R.ListWebhookDeliveries,
    response: W.ListWebhookDeliveries,
    access: { kind: 'admin' },
    handle: async (req, { services }) => {
      const page = await services.webhooks.listDeliveries(req.webhook_id, req.max_results, req.page_token);
      return { deliveries: page.deliveries.map(webhookDeliveryJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
];
