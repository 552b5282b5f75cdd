import { guard, type Diagnostics } from '../tracing/diagnostics.js';
import type { Scheduler } from './scheduler.js';

/** What a sink did with a batch: the items to try again (transient failure) and how many it gave up on. */
export interface SendOutcome<T> {
  retry: T[];
  failed: number;
}

/**
 * Where a queue's batches go (the Loupe server, another OTLP endpoint). `send` must not throw;
 * a throw counts as "retry everything".
 *
 * @example
 * const sink: ExportSink<ReadableSpan> = { send: async (spans) => ({ retry: [], failed: 0 }) };
 */
export interface ExportSink<T> {
  send(batch: T[]): Promise<SendOutcome<T>>;
}

/** Tuning of the export queue. */
export interface ExportQueueOptions {
  /** Items waiting at most; more are dropped and counted (default 8,192). */
  maxQueueSize: number;
  /** Items per send (default 512). */
  maxBatchSize: number;
  /** How long a partial batch waits for more items (ms, default 1,000). */
  scheduleDelayMs: number;
  /** How long a batch is retried before it is dropped (ms, default 60,000). */
  retryWindowMs: number;
  /** First retry delay (ms, default 500), doubled per attempt up to `maxBackoffMs` (default 10,000), with jitter. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** Counters of one queue, for `loupe.exportStats()`. */
export interface ExportQueueStats {
  /** Items accepted. */
  enqueued: number;
  /** Items delivered. */
  exported: number;
  /** Items dropped because the queue was full. */
  droppedQueueFull: number;
  /** Items dropped after the retry window ran out, or refused by the server (4xx). */
  droppedFailed: number;
  /** Sends retried. */
  retries: number;
  /** Items waiting or in flight now. */
  pending: number;
}

/**
 * A bounded, batched, asynchronous export queue: `push` is O(1) and never blocks or throws; a worker
 * sends batches in order, one at a time, retrying transient failures with exponential backoff and
 * jitter for up to the retry window. A full queue drops new items and counts them, so a slow or
 * dead server costs bounded memory.
 *
 * @example
 * const queue = new ExportQueue(sink, DEFAULT_EXPORT_QUEUE_OPTIONS, systemScheduler, diagnostics);
 * queue.push(span);
 * await queue.flush(5_000);
 */
export class ExportQueue<T> {
  private items: T[] = [];
  private retrying: { batch: T[]; since: number; attempt: number } | null = null;
  private inFlight = 0;
  private timer: unknown = null;
  /** True when the pending timer fires at once (a full batch or a flush is waiting). */
  private timerImmediate = false;
  /** Flushes waiting, each for the items queued before it (FIFO: done once that many are settled). */
  private flushWaiters: { target: number; done: () => void }[] = [];
  private flushing = 0;
  private closed = false;
  private readonly counters = { enqueued: 0, exported: 0, droppedQueueFull: 0, droppedFailed: 0, retries: 0 };

  constructor(
    private readonly sink: ExportSink<T>,
    private readonly options: ExportQueueOptions,
    private readonly scheduler: Scheduler,
    private readonly diagnostics: Diagnostics,
    /** Jitter source, injectable for tests. */
    private readonly random: () => number = Math.random,
  ) {}

  /** Adds an item; false when it was dropped (queue full or closed). */
  push(item: T): boolean {
    if (this.closed || this.items.length >= this.options.maxQueueSize) {
      this.counters.droppedQueueFull++;
      return false;
    }
    this.items.push(item);
    this.counters.enqueued++;
    if (this.items.length >= this.options.maxBatchSize) this.schedule(0);
    else this.schedule(this.options.scheduleDelayMs);
    return true;
  }

  /** Counters and current backlog. */
  stats(): ExportQueueStats {
    return { ...this.counters, pending: this.items.length + (this.retrying?.batch.length ?? 0) + this.inFlight };
  }

  /**
   * Sends everything queued now, without waiting for the batch delay. Resolves true once every item
   * queued before the call is delivered or given up on (items queued later do not hold it up), or
   * false after `timeoutMs` (items still retrying stay queued). Never rejects.
   */
  flush(timeoutMs: number): Promise<boolean> {
    const target = this.counters.enqueued;
    if (this.settled() >= target) return Promise.resolve(true);
    this.flushing++;
    return new Promise<boolean>((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        this.flushing--;
        this.scheduler.clearTimeout(timeout);
        resolve(ok);
      };
      // Held open: whoever awaits the flush gets its answer before the process may exit.
      const timeout = this.scheduler.setTimeout(() => finish(false), timeoutMs, true);
      this.flushWaiters.push({ target, done: () => finish(true) });
      if (!this.retrying) this.schedule(0);
    });
  }

  /** Flushes, then refuses new items. */
  async shutdown(timeoutMs: number): Promise<boolean> {
    const ok = await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    return ok;
  }

  /** Items delivered or given up on after being queued. */
  private settled(): number {
    return this.counters.exported + this.counters.droppedFailed;
  }

  /** Runs the worker in `ms` unless it is due sooner already. */
  private schedule(ms: number): void {
    // A send in flight schedules the next one when it returns; a retry has its own backoff timer.
    if (this.inFlight > 0 || this.retrying) return;
    const delay = this.flushing > 0 ? 0 : ms;
    // A pending timer is never later than the batch delay: only an immediate send can be sooner.
    // (No clock read here: push() runs on the caller's path.)
    if (this.timer !== null) {
      if (delay > 0 || this.timerImmediate) return;
      this.scheduler.clearTimeout(this.timer);
    }
    this.timerImmediate = delay === 0;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      this.timerImmediate = false;
      void this.pump();
    }, delay);
  }

  private async pump(): Promise<void> {
    if (this.inFlight > 0) return;
    const retry = this.retrying;
    const batch = retry ? retry.batch : this.items.splice(0, this.options.maxBatchSize);
    if (batch.length === 0) return this.settle();
    this.retrying = null;
    this.inFlight = batch.length;
    let outcome: SendOutcome<T>;
    try {
      outcome = await this.sink.send(batch);
    } catch (err) {
      guard(this.diagnostics, 'export', () => {
        throw err;
      });
      outcome = { retry: batch, failed: 0 };
    }
    this.inFlight = 0;
    this.counters.exported += batch.length - outcome.retry.length - outcome.failed;
    this.counters.droppedFailed += outcome.failed;
    if (outcome.retry.length > 0) {
      const since = retry?.since ?? this.scheduler.now();
      const attempt = (retry?.attempt ?? 0) + 1;
      if (this.scheduler.now() - since >= this.options.retryWindowMs || this.closed) {
        this.counters.droppedFailed += outcome.retry.length;
        this.diagnostics.warn(`export: dropped ${outcome.retry.length} items after retrying for ${this.options.retryWindowMs} ms`);
      } else {
        this.counters.retries++;
        this.retrying = { batch: outcome.retry, since, attempt };
        return this.scheduleRetry(attempt);
      }
    }
    this.settle();
  }

  private scheduleRetry(attempt: number): void {
    const base = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (attempt - 1));
    // Full jitter between half and all of the backoff, so many processes do not retry in step.
    const delay = Math.round(base / 2 + (this.random() * base) / 2);
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timerImmediate = false;
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, delay);
  }

  /** After a send: wake the flushes whose items are all settled, then schedule the next batch. */
  private settle(): void {
    const settled = this.settled();
    if (this.flushWaiters.some((w) => w.target <= settled)) {
      const ready = this.flushWaiters.filter((w) => w.target <= settled);
      this.flushWaiters = this.flushWaiters.filter((w) => w.target > settled);
      for (const w of ready) w.done();
    }
    if (this.items.length > 0 || this.retrying) this.schedule(this.items.length >= this.options.maxBatchSize ? 0 : this.options.scheduleDelayMs);
  }
}

/**
 * The defaults: 8,192 queued items, batches of 512, 1 s batch delay, 60 s retry window, backoff from
 * 500 ms to 10 s.
 *
 * @example
 * new ExportQueue(sink, { ...DEFAULT_EXPORT_QUEUE_OPTIONS, maxQueueSize: 1000 }, systemScheduler, diagnostics);
 */
export const DEFAULT_EXPORT_QUEUE_OPTIONS: ExportQueueOptions = {
  maxQueueSize: 8192,
  maxBatchSize: 512,
  scheduleDelayMs: 1000,
  retryWindowMs: 60_000,
  initialBackoffMs: 500,
  maxBackoffMs: 10_000,
};
