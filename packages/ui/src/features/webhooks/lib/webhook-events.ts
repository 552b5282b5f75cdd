import type { Webhook, WebhookEvent } from '@loupe/protocol';
import { WEBHOOK_VALID_ACTIONS, type WebhookAction, type WebhookEntity, type WebhookStatus } from '@loupe/protocol/webhooks';

/**
 * An event as MLflow writes it in payloads: `model_version.created`.
 *
 * @example
 * eventName({ entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' }); // 'model_version_alias.created'
 */
export function eventName(e: WebhookEvent): string {
  return `${e.entity.toLowerCase()}.${e.action.toLowerCase()}`;
}

/**
 * Every event a webhook can subscribe to, in MLflow's order.
 *
 * @example
 * ALL_EVENTS.map(eventName); // ['registered_model.created', 'model_version.created', ...]
 */
export const ALL_EVENTS: readonly WebhookEvent[] = (Object.entries(WEBHOOK_VALID_ACTIONS) as [WebhookEntity, readonly WebhookAction[]][]).flatMap(
  ([entity, actions]) => actions.map((action) => ({ entity, action })),
);

/** What the webhook form holds: a webhook's settings plus a secret to set (blank: none, or keep the current one). */
export interface WebhookFormValues {
  name: string;
  url: string;
  description: string;
  secret: string;
  events: WebhookEvent[];
  status: WebhookStatus;
}

/** The body of MLflow's UpdateWebhook (`PATCH /api/2.0/mlflow/webhooks/{id}`): only what changes. */
export interface WebhookChanges {
  name?: string;
  url?: string;
  description?: string;
  secret?: string;
  events?: WebhookEvent[];
  status?: WebhookStatus;
}

/**
 * The UpdateWebhook body that turns `before` into the form's values: the fields that differ, and the
 * secret when one was typed (it is never read back, so a blank one means "keep"). MLflow's update treats
 * an empty value as "not given", so a description cannot be cleared: a blank one is left out.
 *
 * @example
 * webhookChanges(hook, { ...formValuesOf(hook), status: 'DISABLED' }); // { status: 'DISABLED' }
 */
export function webhookChanges(before: Webhook, after: WebhookFormValues): WebhookChanges {
  const changes: WebhookChanges = {};
  if (after.name !== before.name) changes.name = after.name;
  if (after.url !== before.url) changes.url = after.url;
  if (after.description && after.description !== (before.description ?? '')) changes.description = after.description;
  if (after.secret) changes.secret = after.secret;
  const names = (events: readonly WebhookEvent[]) => events.map(eventName).sort().join(',');
  if (names(after.events) !== names(before.events)) changes.events = after.events;
  if (after.status !== before.status) changes.status = after.status;
  return changes;
}

/**
 * A webhook's settings as the form starts them when editing it (no secret: it is never shown).
 *
 * @example
 * const [values, setValues] = useState(formValuesOf(hook));
 */
export function formValuesOf(w: Webhook): WebhookFormValues {
  return { name: w.name, url: w.url, description: w.description ?? '', secret: '', events: w.events, status: w.status };
}
