import { createHmac } from 'node:crypto';
import type { WebhookAction, WebhookEntity } from '@loupe/protocol';

/** MLflow's delivery headers (`mlflow/webhooks/constants.py`). */
export const WEBHOOK_HEADERS = { deliveryId: 'X-MLflow-Delivery-Id', timestamp: 'X-MLflow-Timestamp', signature: 'X-MLflow-Signature' } as const;

/**
 * JSON text as Python's `json.dumps` writes it with its defaults (`", "` and `": "` separators,
 * non-ASCII as `\uXXXX`), so bodies read exactly as MLflow's.
 *
 * @example
 * pythonJson({ a: [1, 'é'] }); // '{"a": [1, "\\u00e9"]}'
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

/**
 * Epoch milliseconds as Python's `datetime.isoformat()` of an aware UTC time: microseconds when there
 * are any, `+00:00` for the zone.
 *
 * @example
 * isoTimestamp(1_700_000_000_123); // '2023-11-14T22:13:20.123000+00:00'
 */
export function isoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  const millis = ms % 1000;
  return `${iso.slice(0, 19)}${millis === 0 ? '' : `.${String(millis).padStart(3, '0')}000`}+00:00`;
}

/**
 * The body MLflow posts: `{"entity", "action", "timestamp", "data"}`, entity and action lowercase.
 *
 * @example
 * deliveryBody('model_version', 'created', Date.now(), { name: 'm', version: '1' });
 */
export function deliveryBody(entity: string, action: string, timeMs: number, data: unknown): string {
  return pythonJson({ entity, action, timestamp: isoTimestamp(timeMs), data });
}

/**
 * `X-MLflow-Signature`: `v1,` and the base64 HMAC-SHA256, keyed with the webhook's secret, of
 * `<delivery id>.<timestamp>.<body>` (MLflow's `_generate_hmac_signature`).
 *
 * @example
 * sign('s3cret', 'delivery-id', '1700000000', '{"entity": ...}'); // 'v1,...'
 */
export function sign(secret: string, deliveryId: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

/** The example `data` MLflow's TestWebhook sends for each event (`mlflow/webhooks/types.py`). */
export function examplePayload(entity: WebhookEntity, action: WebhookAction): Record<string, unknown> {
  const tags = { example_key: 'example_value' };
  const model = 'example_model';
  const prompt = 'example_prompt';
  switch (`${entity}.${action}`) {
    case 'REGISTERED_MODEL.CREATED':
      return { name: model, tags, description: 'An example registered model' };
    case 'MODEL_VERSION.CREATED':
      return { name: model, version: '1', source: 'models:/123', run_id: 'abcd1234abcd5678', tags, description: 'An example model version' };
    case 'MODEL_VERSION_TAG.SET':
      return { name: model, version: '1', key: 'example_key', value: 'example_value' };
    case 'MODEL_VERSION_TAG.DELETED':
      return { name: model, version: '1', key: 'example_key' };
    case 'MODEL_VERSION_ALIAS.CREATED':
      return { name: model, alias: 'example_alias', version: '1' };
    case 'MODEL_VERSION_ALIAS.DELETED':
      return { name: model, alias: 'example_alias' };
    case 'PROMPT.CREATED':
      return { name: prompt, tags, description: 'An example prompt' };
    case 'PROMPT_VERSION.CREATED':
      return { name: prompt, version: '1', template: 'Hello {{name}}!', tags, description: 'An example prompt version' };
    case 'PROMPT_TAG.SET':
      return { name: prompt, key: 'example_key', value: 'example_value' };
    case 'PROMPT_TAG.DELETED':
      return { name: prompt, key: 'example_key' };
    case 'PROMPT_VERSION_TAG.SET':
      return { name: prompt, version: '1', key: 'example_key', value: 'example_value' };
    case 'PROMPT_VERSION_TAG.DELETED':
      return { name: prompt, version: '1', key: 'example_key' };
    case 'PROMPT_ALIAS.CREATED':
      return { name: prompt, alias: 'example_alias', version: '1' };
    case 'PROMPT_ALIAS.DELETED':
      return { name: prompt, alias: 'example_alias' };
    case 'MONITOR.ALERTED':
    case 'MONITOR.RESOLVED':
      return exampleMonitorPayload(action === 'ALERTED');
    case 'BUDGET_POLICY.EXCEEDED':
      return {
        budget_policy_id: 'bp-example',
        budget_unit: 'USD',
        budget_amount: 100,
        current_spend: 105.5,
        duration_unit: 'DAYS',
        duration_value: 1,
        target_scope: 'GLOBAL',
        workspace: 'default',
        window_start: 1_700_000_000_000,
      };
    default:
      return {};
  }
}

/** Loupe's monitor events (docs/api.md "Monitors"): the shape `monitorEventData` builds. */
function exampleMonitorPayload(alerted: boolean): Record<string, unknown> {
  return {
    monitor_id: 'example-monitor-id',
    experiment_id: '1',
    name: 'example_monitor',
    metric: 'error_rate',
    comparator: '>',
    threshold: 0.1,
    window_ms: 300000,
    filter_string: null,
    assessment_name: null,
    from_state: alerted ? 'OK' : 'ALERT',
    to_state: alerted ? 'ALERT' : 'OK',
    value: alerted ? 0.25 : 0.02,
    sample_count: 40,
    evaluated_at: 1700000000000,
  };
}

/**
 * When a `Retry-After` header asks to come back (seconds, or an HTTP date), as epoch ms; undefined when
 * it says nothing usable.
 *
 * @example
 * retryAfterAt('2', 1_000); // 3_000
 */
export function retryAfterAt(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return now + Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}
