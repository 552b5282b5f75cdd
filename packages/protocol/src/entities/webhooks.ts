import { z } from 'zod';

/**
 * Webhook entities as they travel on the wire (MLflow's `webhooks.proto`; spec §6.3). Enums go by
 * their proto names (`REGISTERED_MODEL`, `CREATED`, `ACTIVE`); payloads and the delivery body use the
 * lowercase values (`registered_model`, `created`).
 */

/** `WebhookEntity` names, in proto order (REGISTERED_MODEL = 1). */
export const WEBHOOK_ENTITIES = [
  'REGISTERED_MODEL',
  'MODEL_VERSION',
  'MODEL_VERSION_TAG',
  'MODEL_VERSION_ALIAS',
  'PROMPT',
  'PROMPT_VERSION',
  'PROMPT_TAG',
  'PROMPT_VERSION_TAG',
  'PROMPT_ALIAS',
] as const;
/** One WebhookEntity name. */
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];

/** `WebhookAction` names, in proto order (CREATED = 1). */
export const WEBHOOK_ACTIONS = ['CREATED', 'UPDATED', 'DELETED', 'SET'] as const;
/** One WebhookAction name. */
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** `WebhookStatus` names, in proto order (ACTIVE = 1). */
export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
/** One WebhookStatus name. */
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** The actions a subscription may name per entity (MLflow's `VALID_ENTITY_ACTIONS`). */
export const WEBHOOK_VALID_ACTIONS: Readonly<Record<WebhookEntity, readonly WebhookAction[]>> = {
  REGISTERED_MODEL: ['CREATED'],
  MODEL_VERSION: ['CREATED'],
  MODEL_VERSION_TAG: ['SET', 'DELETED'],
  MODEL_VERSION_ALIAS: ['CREATED', 'DELETED'],
  PROMPT: ['CREATED'],
  PROMPT_VERSION: ['CREATED'],
  PROMPT_TAG: ['SET', 'DELETED'],
  PROMPT_VERSION_TAG: ['SET', 'DELETED'],
  PROMPT_ALIAS: ['CREATED', 'DELETED'],
};

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

/** Where a delivery stands (Loupe's delivery log). */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
/** One delivery status. */
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

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
