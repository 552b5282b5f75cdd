import type { Clock } from '../../clock.js';
import type { FanOutReport, WebhookStore } from '../../store/webhook-store.js';
import type { NewJob } from '../../store/job-store.js';
import { WEBHOOK_DELIVERY_JOB } from './webhook-delivery-handler.js';

/** How the fan-out runs. */
export interface WebhookDispatcherOptions {
  /** Looks at the event log this often when nothing wakes it (events written by other servers). */
  pollIntervalMs: number;
  /** Events per transaction. */
  batchSize: number;
  /** How long a passed-over sequence number is watched for a late commit (see `SqlWebhookStore`). */
  gapTtlMs: number;
  /** Attempts of each delivery job (MLflow's retries + 1). */
  maxAttempts: number;
  newDeliveryId(): string;
  /** Called when deliveries were queued (wakes the job runner). */
  onDeliveries(count: number): void;
  onError?: (err: unknown) => void;
}

/**
 * Turns registry events into webhook deliveries (ADR 0012): reads `registry_events` past the cursor in
 * the database and queues one delivery job per (event, ACTIVE subscribed webhook), in the transaction
 * that moves the cursor. The registry calls {@link wake} after it commits events, so this server fans
 * out at once; other servers' events are found by polling.
 *
 * @example
 * const dispatcher = new WebhookDispatcher(store, clock, { pollIntervalMs: 1000, batchSize: 500, gapTtlMs: 60_000, maxAttempts: 4, newDeliveryId: randomUUID, onDeliveries: () => runner.wake() });
 * dispatcher.start();
 * registry.onRegistryEvents = () => dispatcher.wake();
 */
export class WebhookDispatcher {
  private loop: Promise<void> | undefined;
  private halt = new AbortController();
  private nudge = new AbortController();

  constructor(
    private readonly store: WebhookStore,
    private readonly clock: Clock,
    private readonly options: WebhookDispatcherOptions,
  ) {}

  /** New events were committed: fan them out now rather than at the next poll. */
  wake(): void {
    this.nudge.abort();
  }

  start(): void {
    if (this.loop) return;
    if (this.halt.signal.aborted) this.halt = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.halt.abort();
    this.nudge.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Fans out every event committed so far (tests, and each round of the loop). */
  async runOnce(): Promise<FanOutReport> {
    const total: FanOutReport = { events: 0, deliveries: 0 };
    for (;;) {
      const report = await this.store.fanOut({
        maxEvents: this.options.batchSize,
        now: this.clock.now(),
        gapTtlMs: this.options.gapTtlMs,
        newDeliveryId: this.options.newDeliveryId,
        deliveryJob: (deliveryId): NewJob => ({
          kind: WEBHOOK_DELIVERY_JOB,
          payload: { delivery_id: deliveryId },
          maxAttempts: this.options.maxAttempts,
          dedupeKey: `webhook-delivery:${deliveryId}`,
        }),
      });
      total.events += report.events;
      total.deliveries += report.deliveries;
      if (report.deliveries > 0) this.options.onDeliveries(report.deliveries);
      if (report.events < this.options.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    const halt = this.halt.signal;
    while (!halt.aborted) {
      this.nudge = new AbortController();
      try {
        await this.runOnce();
      } catch (err) {
        (this.options.onError ?? ((e) => console.error('Loupe webhook fan-out:', e)))(err);
      }
      if (halt.aborted) break;
      await new Promise<void>((resolve) => {
        const signal = this.nudge.signal;
        if (signal.aborted) return resolve();
        const timer = this.clock.setTimeout(done, this.options.pollIntervalMs);
        function done() {
          timer.cancel();
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
