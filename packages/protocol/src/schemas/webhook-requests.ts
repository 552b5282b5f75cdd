import { z } from 'zod';
import { WEBHOOK_ACTIONS, WEBHOOK_ENTITIES, WEBHOOK_STATUSES, WEBHOOK_VALID_ACTIONS } from '../entities/webhooks.js';
import { int64, maxChars, protoEnum, repeated, required, requiredStr, str, wireCheck, type WireIssue } from './fields.js';

/**
 * Request schemas of the webhook RPCs (MLflow's `webhooks.proto`, checks from its handlers and
 * `mlflow/utils/validation.py`), decoded from JSON bodies, query strings and the `webhook_id` path
 * variable. What needs configuration or the network (the URL's scheme and addresses) is checked by the
 * service.
 */

/** Python's `repr()` of a string, as MLflow's messages quote values. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
}

const NAME_RE = /^(?=.{1,63}$)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i;

/**
 * What is wrong with a webhook name, in MLflow's words, or undefined: 1 to 63 letters, digits, `.`,
 * `_`, `-`, starting and ending with a letter or digit.
 *
 * @example
 * webhookNameProblem('deploy-hook'); // undefined
 */
export function webhookNameProblem(name: string): string | undefined {
  if (NAME_RE.test(name)) return undefined;
  return `Webhook name ${pyRepr(name)} is invalid. It must start and end with a letter or digit, be less than 63 characters long, and contain only letters, digits, dots (.), underscores (_), and hyphens (-).`;
}

/** Column limits of MLflow's `webhooks` table (description 1000, url 500). */
export const WEBHOOK_LIMITS = { descriptionLength: 1000, urlLength: 500, secretLength: 1000 } as const;

/** Enum names any case (MLflow's clients send `REGISTERED_MODEL`; people write `registered_model`), or proto numbers. */
function caseless<const T extends readonly [string, ...string[]]>(names: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), protoEnum(names, 1));
}

/** `{entity, action}`: both required, and a pair MLflow accepts (`registered_model.deleted` is not one). */
export const WebhookEventInput = z
  .object({ entity: required(caseless(WEBHOOK_ENTITIES)), action: required(caseless(WEBHOOK_ACTIONS)) })
  .superRefine((e, ctx) => {
    const valid = WEBHOOK_VALID_ACTIONS[e.entity];
    if (valid.includes(e.action)) return;
    const list = valid
      .map((a) => a.toLowerCase())
      .sort()
      .map((a) => `'${a}'`)
      .join(', ');
    ctx.addIssue({
      code: 'custom',
      message: `Invalid action '${e.action.toLowerCase()}' for entity '${e.entity.toLowerCase()}'. Valid actions are: [${list}]`,
      params: { loupe: 'invalid' } satisfies WireIssue,
    });
  });

const eventList = repeated(WebhookEventInput);
const status = caseless(WEBHOOK_STATUSES);
const validName = <T extends z.ZodType<string>>(schema: T) =>
  wireCheck(
    schema,
    (n) => webhookNameProblem(n) === undefined,
    (n) => webhookNameProblem(n) ?? '',
  );
const name = validName(str());
const description = maxChars(str(), WEBHOOK_LIMITS.descriptionLength, 'description');
const url = maxChars(str(), WEBHOOK_LIMITS.urlLength, 'url');
const secret = maxChars(str(), WEBHOOK_LIMITS.secretLength, 'secret');
const webhookId = { webhook_id: requiredStr() };

export const CreateWebhook = z.object({
  name: validName(requiredStr()),
  url: maxChars(requiredStr(), WEBHOOK_LIMITS.urlLength, 'url'),
  events: required(wireCheck(eventList, (list) => list.length > 0, 'Webhook events must be a non-empty list of WebhookEvent objects: [].')),
  description: description.optional(),
  secret: secret.optional(),
  status: status.optional(),
});

/** MLflow's handler treats an empty value (`""`, `[]`) as "not given": it changes nothing. */
export const UpdateWebhook = z.object({
  ...webhookId,
  name: z.preprocess((v) => (v === '' ? undefined : v), name.optional()),
  url: z.preprocess((v) => (v === '' ? undefined : v), url.optional()),
  events: eventList.optional().transform((list) => (list && list.length > 0 ? list : undefined)),
  description: z.preprocess((v) => (v === '' ? undefined : v), description.optional()),
  secret: z.preprocess((v) => (v === '' ? undefined : v), secret.optional()),
  status: status.optional(),
});

export const ListWebhooks = z.object({
  // MLflow: absent or 0 means 100; anything else outside 1..1000 is refused.
  max_results: wireCheck(int64().optional(), (n) => n === undefined || n === 0 || (n >= 1 && n <= 1000), 'max_results must be between 1 and 1000.').transform(
    (n) => (n === undefined || n === 0 ? 100 : n),
  ),
  page_token: str().optional(),
});

export const WebhookIdOnly = z.object(webhookId);

/** `event` defaults to the webhook's first subscription. */
export const TestWebhook = z.object({ ...webhookId, event: WebhookEventInput.optional() });

/** Loupe's delivery log of one webhook, newest first. */
export const ListWebhookDeliveries = z.object({
  ...webhookId,
  max_results: wireCheck(int64().optional(), (n) => n === undefined || (n >= 1 && n <= 500), 'max_results must be between 1 and 500.').transform(
    (n) => n ?? 50,
  ),
  page_token: str().optional(),
});
