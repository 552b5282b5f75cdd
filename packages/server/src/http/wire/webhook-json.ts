import type { Webhook, WebhookDelivery } from '@loupe/protocol';
import type { WebhookDeliveryRecord, WebhookRecord } from '../../store/webhook-store.js';

/**
 * A webhook as MLflow's `Webhook` message; the secret is never part of it.
 *
 * @example
 * return { webhook: webhookJson(record) };
 */
export function webhookJson(record: WebhookRecord): Webhook {
  const json: Webhook = {
    webhook_id: record.webhookId,
    name: record.name,
    url: record.url,
    events: record.events.map((e) => ({ entity: e.entity, action: e.action })),
    status: record.status,
    creation_timestamp: record.creationTimestamp,
    last_updated_timestamp: record.lastUpdatedTimestamp,
  };
  if (record.description) json.description = record.description;
  return json;
}

/**
 * One entry of Loupe's delivery log.
 *
 * @example
 * return { deliveries: page.deliveries.map(webhookDeliveryJson) };
 */
export function webhookDeliveryJson(record: WebhookDeliveryRecord): WebhookDelivery {
  const json: WebhookDelivery = {
    delivery_id: record.deliveryId,
    webhook_id: record.webhookId,
    entity: record.entity,
    action: record.action,
    data: JSON.parse(record.payload) as Record<string, unknown>,
    status: record.status,
    attempts: record.attempts,
    creation_timestamp: record.createdAt,
  };
  if (record.lastResponseStatus !== undefined) json.last_response_status = record.lastResponseStatus;
  if (record.lastError !== undefined) json.last_error = record.lastError;
  if (record.lastAttemptAt !== undefined) json.last_attempt_timestamp = record.lastAttemptAt;
  if (record.nextAttemptAt !== undefined && record.completedAt === undefined) json.next_attempt_timestamp = record.nextAttemptAt;
  if (record.completedAt !== undefined) json.completion_timestamp = record.completedAt;
  return json;
}
