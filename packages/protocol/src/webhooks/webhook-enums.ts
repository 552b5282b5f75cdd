/**
 * MLflow's webhook enums by their proto names (`webhooks.proto`; spec §6.3), the actions each entity
 * allows, and Loupe's delivery statuses. Plain constants: `@loupe/protocol/webhooks` loads nothing
 * else (no zod), so the UI takes them without the schemas.
 */

/** `WebhookEntity` names, in proto order (REGISTERED_MODEL = 1), then Loupe's own. */
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
  'BUDGET_POLICY',
  // Loupe's own (docs/api.md "Monitors"): a monitor entered or left its ALERT state.
  'MONITOR',
] as const;
/** One WebhookEntity name. */
export type WebhookEntity = (typeof WEBHOOK_ENTITIES)[number];

/** `WebhookAction` names, in proto order (CREATED = 1; EXCEEDED is MLflow's 5); `ALERTED` and `RESOLVED` are Loupe's (monitors). */
export const WEBHOOK_ACTIONS = ['CREATED', 'UPDATED', 'DELETED', 'SET', 'EXCEEDED', 'ALERTED', 'RESOLVED'] as const;
/** One WebhookAction name. */
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

/** `WebhookStatus` names, in proto order (ACTIVE = 1). */
export const WEBHOOK_STATUSES = ['ACTIVE', 'DISABLED'] as const;
/** One WebhookStatus name. */
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** The actions a subscription may name per entity (MLflow's `VALID_ENTITY_ACTIONS`, and Loupe's monitor events). */
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
  // MLflow 3.10+: an AI gateway budget policy's window spend reached its limit (ALERT policies).
  BUDGET_POLICY: ['EXCEEDED'],
  MONITOR: ['ALERTED', 'RESOLVED'],
};

/** Where a delivery stands (Loupe's delivery log). */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
/** One delivery status. */
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
