import type { Clock } from '../../clock.js';
import type { WebhookDeliveryRecord, WebhookStore } from '../../store/webhook-store.js';
import type { JobHandler, JobResult, RunningJob } from '../jobs/job-handler.js';
import type { SecretCipher } from './secret-cipher.js';
import { deliveryBody, retryAfterAt, sign, WEBHOOK_HEADERS } from './webhook-payload.js';
import { WebhookTransportError, type WebhookTransport } from './webhook-transport.js';

/** The job kind of a webhook delivery; its payload is `{ delivery_id }`. */
export const WEBHOOK_DELIVERY_JOB = 'webhook.delivery';

/** Answers MLflow retries (urllib3's `status_forcelist`). */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** How deliveries are sent. */
export interface DeliveryOptions {
  timeoutMs: number;
  /** The wait before attempt n+1 when the receiver did not say (the job runner's backoff). */
  backoff(attempt: number): number;
  /** A `Retry-After` further out than this is cut to it. */
  maxRetryAfterMs: number;
}

/**
 * Sends one delivery per job attempt (ADR 0012): MLflow's body and headers, signed when the webhook
 * has a secret, with the delivery id fixed across attempts so receivers can drop repeats. 2xx:
 * SUCCEEDED. 429/500/502/503/504, a network error or a timeout: RETRYING at the receiver's
 * `Retry-After` or after backoff, FAILED once the attempts are used up. Any other answer, or an address
 * the SSRF rules refuse: FAILED at once. A webhook deleted or disabled before its turn: SKIPPED.
 * Each attempt is recorded in the delivery log.
 *
 * @example
 * runner.register(new WebhookDeliveryHandler(store, transport, cipher, clock, { timeoutMs: 30_000, backoff, maxRetryAfterMs: 3_600_000 }));
 */
export class WebhookDeliveryHandler implements JobHandler<{ delivery_id: string }> {
  readonly kind = WEBHOOK_DELIVERY_JOB;

  constructor(
    private readonly store: WebhookStore,
    private readonly transport: WebhookTransport,
    private readonly cipher: SecretCipher | null,
    private readonly clock: Clock,
    private readonly options: DeliveryOptions,
  ) {}

  async run(job: RunningJob<{ delivery_id: string }>, signal: AbortSignal): Promise<JobResult | void> {
    const delivery = await this.store.getDelivery(job.payload.delivery_id);
    // Gone, or finished by an attempt whose runner died before reporting it: nothing to send.
    if (!delivery || delivery.status === 'SUCCEEDED' || delivery.status === 'FAILED' || delivery.status === 'SKIPPED') return;
    const webhook = await this.store.getForDelivery(delivery.webhookId);
    const now = this.clock.now();
    if (!webhook || webhook.deleted || webhook.status !== 'ACTIVE') {
      const why = !webhook || webhook.deleted ? 'deleted' : 'disabled';
      await this.store.recordAttempt(delivery.deliveryId, {
        status: 'SKIPPED',
        attempts: delivery.attempts,
        lastError: `The webhook was ${why} before this event was delivered.`,
        completedAt: now,
      });
      return;
    }
    const base = { attempts: job.attempt, lastAttemptAt: now };
    let secret: string | undefined;
    if (webhook.secretCiphertext) {
      try {
        if (!this.cipher) throw new Error('The webhook has a secret but this server has no secret key (--secret-key / LOUPE_SECRET_KEY) to read it.');
        secret = this.cipher.decrypt(webhook.secretCiphertext);
      } catch (err) {
        return this.fail(delivery, base, (err as Error).message);
      }
    }
    const body = deliveryBody(delivery.entity, delivery.action, delivery.eventTime, JSON.parse(delivery.payload));
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      [WEBHOOK_HEADERS.deliveryId]: delivery.deliveryId,
      [WEBHOOK_HEADERS.timestamp]: timestamp,
    };
    if (secret !== undefined) headers[WEBHOOK_HEADERS.signature] = sign(secret, delivery.deliveryId, timestamp, body);
    try {
      const answer = await this.transport.post({ url: webhook.url, body, headers, timeoutMs: this.options.timeoutMs, signal });
      const done = this.clock.now();
      if (answer.status >= 200 && answer.status < 300) {
        await this.store.recordAttempt(delivery.deliveryId, { ...base, status: 'SUCCEEDED', lastResponseStatus: answer.status, completedAt: done });
        return;
      }
      const error = `HTTP ${answer.status}${answer.body ? `: ${answer.body.slice(0, 500)}` : ''}`;
      if (!RETRIED_STATUSES.has(answer.status)) return this.fail(delivery, { ...base, lastResponseStatus: answer.status }, error);
      const asked = retryAfterAt(answer.retryAfter, done);
      return this.retry(
        job,
        delivery,
        { ...base, lastResponseStatus: answer.status },
        error,
        asked === undefined ? undefined : Math.min(asked, done + this.options.maxRetryAfterMs),
      );
    } catch (err) {
      if (!(err instanceof WebhookTransportError)) throw err;
      if (err.kind === 'aborted') return { outcome: 'retry', error: err.message };
      if (err.kind === 'refused') return this.fail(delivery, base, err.message);
      return this.retry(job, delivery, base, err.message, undefined);
    }
  }

  private async retry(
    job: RunningJob<{ delivery_id: string }>,
    delivery: WebhookDeliveryRecord,
    base: { attempts: number; lastAttemptAt: number; lastResponseStatus?: number },
    error: string,
    at: number | undefined,
  ): Promise<JobResult> {
    if (job.attempt >= job.maxAttempts) return this.fail(delivery, base, error);
    const next = at ?? this.clock.now() + this.options.backoff(job.attempt);
    await this.store.recordAttempt(delivery.deliveryId, { ...base, status: 'RETRYING', lastError: error, nextAttemptAt: next });
    return { outcome: 'retry', error, at: next };
  }

  private async fail(
    delivery: WebhookDeliveryRecord,
    base: { attempts: number; lastAttemptAt: number; lastResponseStatus?: number },
    error: string,
  ): Promise<JobResult> {
    await this.store.recordAttempt(delivery.deliveryId, { ...base, status: 'FAILED', lastError: error, completedAt: this.clock.now() });
    return { outcome: 'fail', error };
  }
}
