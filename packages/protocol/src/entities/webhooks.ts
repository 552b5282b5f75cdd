import { z } from 'zod';
import { WEBHOOK_ACTIONS, WEBHOOK_DELIVERY_STATUSES, WEBHOOK_ENTITIES, WEBHOOK_STATUSES } from '../webhooks/webhook-enums.js';

/**
 * Webhook entities as they travel on the wire (MLflow's `webhooks.proto`; spec §6.3). Enums go by
 * their proto names (`REGISTERED_MODEL`, `CREATED`, `ACTIVE`); payloads and the delivery body use the
 * lowercase values (`registered_model`, `created`).
 */

export {
  WEBHOOK_ACTIONS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_ENTITIES,
  WEBHOOK_STATUSES,
  WEBHOOK_VALID_ACTIONS,
  type WebhookAction,
  type WebhookDeliveryStatus,
  type WebhookEntity,
  type WebhookStatus,
} from '../webhooks/webhook-enums.js';

/** An event a webhook subscribes to. */
export const WebhookEventJson = z.strictObject({ entity: z.enum(WEBHOOK_ENTITIES), action: z.enum(WEBHOOK_ACTIONS) });
/** An event a webhook subscribes to. */
export type WebhookEvent = z.infer<typeof WebhookEventJson>;

/** A webhook; its secret is never part of it. */
export const WebhookJson = z.strictObject({
  webhook_id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  url: z.string(),
  events: z.array(WebhookEventJson),
  status: z.enum(WEBHOOK_STATUSES),
  creation_timestamp: z.number().int(),
  last_updated_timestamp: z.number().int(),
});
/** A webhook; its secret is never part of it. */
export type Webhook = z.infer<typeof WebhookJson>;

/** What TestWebhook reports. */
export const WebhookTestResultJson = z.strictObject({
  success: z.boolean(),
  response_status: z.number().int().optional(),
  response_body: z.string().optional(),
  error_message: z.string().optional(),
});
/** What TestWebhook reports. */
export type WebhookTestResult = z.infer<typeof WebhookTestResultJson>;

/**
 * One event sent (or being sent) to one webhook: a Loupe extension (`GET /loupe/webhooks/{id}/deliveries`).
 * `delivery_id` is the `X-MLflow-Delivery-Id` of every attempt; times are epoch milliseconds.
 */
export const WebhookDeliveryJson = z.strictObject({
  delivery_id: z.string(),
  webhook_id: z.string(),
  /** Lowercase entity and action, as in the delivery body. */
  entity: z.string(),
  action: z.string(),
  /** The event's `data`. */
  data: z.record(z.string(), z.unknown()),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  /** HTTP status of the last answer, when there was one. */
  last_response_status: z.number().int().optional(),
  last_error: z.string().optional(),
  creation_timestamp: z.number().int(),
  last_attempt_timestamp: z.number().int().optional(),
  next_attempt_timestamp: z.number().int().optional(),
  completion_timestamp: z.number().int().optional(),
});
/** One event sent (or being sent) to one webhook. */
export type WebhookDelivery = z.infer<typeof WebhookDeliveryJson>;
