import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { sleep, type Clock, type Timer } from '../../clock.js';
import type { JobRecord, JobStore, NewJob } from '../../store/job-store.js';
import type { JobHandler, JobResult, RunningJob } from './job-handler.js';

/** How a runner claims and paces work. */
export interface JobRunnerOptions {
  /** Jobs run at once by this runner. */
  concurrency: number;
  /** How often the queue is looked at when nothing wakes the runner (work enqueued by other servers, retries coming due). */
  pollIntervalMs: number;
  /** A claimed job's lease; renewed while the handler runs, every third of it. */
  leaseMs: number;
  /** First retry delay; doubles with each attempt. */
  backoffBaseMs: number;
  /** Longest retry delay from the backoff (a handler's own `at` is not capped). */
  backoffMaxMs: number;
  /** Random delay up to this much added to each backoff, so retries of many jobs spread out. */
  jitterMs: number;
  /** Numbers in [0, 1) for the jitter (tests pass a fixed source). */
  random?: () => number;
  /** This runner's id, recorded on the jobs it holds (default: host, pid and a random suffix). */
  workerId?: string;
  /**
   * Finished jobs (kept successes, failures) are removed this long after they finished, checked
   * every `purgeIntervalMs` while the runner runs (default: never removed).
   */
  retentionMs?: number;
  /** How often the runner removes jobs past {@link retentionMs} (default: hourly). */
  purgeIntervalMs?: number;
  /** Where failures of the runner itself (not of jobs) are reported. */
  onError?: (err: unknown) => void;
}

/**
 * The delay before attempt `attempt + 1`: base * 2^(attempt-1), capped, plus jitter.
 *
 * @example
 * backoffDelay(3, { backoffBaseMs: 1000, backoffMaxMs: 60_000, jitterMs: 1000 }, () => 0); // 4000
 */
export function backoffDelay(attempt: number, options: Pick<JobRunnerOptions, 'backoffBaseMs' | 'backoffMaxMs' | 'jitterMs'>, random: () => number): number {
  const exponential = options.backoffBaseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(options.backoffMaxMs, exponential) + Math.floor(random() * options.jitterMs);
}

/** Finished jobs removed per statement by the purge. */
const PURGE_BATCH = 1000;

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * Runs durable jobs (ADR 0012): claims due jobs of the kinds it has handlers for, runs up to
 * `concurrency` at once, renews their leases while they run, and records each outcome (done: removed, or kept as succeeded;
 * retry: due again after exponential backoff with jitter, or at the time the handler asked for;
 * attempts used up: failed with the last error). Several runners, in one process or on many servers,
 * share one queue; a job is held by one runner at a time. Time comes from the injected clock.
 *
 * @example
 * const runner = new JobRunner(jobStore, clock, { concurrency: 10, pollIntervalMs: 1000, leaseMs: 60_000, backoffBaseMs: 1000, backoffMaxMs: 60_000, jitterMs: 1000 });
 * runner.register(webhookDeliveryHandler);
 * runner.start();
 * await runner.enqueue([{ kind: 'webhook.delivery', payload: { delivery_id: 'd1' } }]);
 */
export class JobRunner {
  readonly workerId: string;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Jobs running now, by kind. */
  private readonly runningByKind = new Map<string, number>();
  private readonly random: () => number;
  private loop: Promise<void> | undefined;
  private halt = new AbortController();
  /** Aborts the current wait of the loop (wake, a free slot, stop). */
  private nudge = new AbortController();
  private readonly retryTimers = new Set<Timer>();
  private purgeTimer: Timer | undefined;
  /** Set by {@link drain}: the loop claims nothing more. */
  private draining = false;

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly options: JobRunnerOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.workerId = options.workerId ?? `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  }

  /** Adds the handler of a job kind (before `start`). */
  register(handler: JobHandler<never>): this {
    this.handlers.set(handler.kind, handler as JobHandler);
    return this;
  }

  /** Adds jobs to the queue and wakes this runner; returns how many were added (duplicate keys are skipped). */
  async enqueue(jobs: readonly NewJob[]): Promise<number> {
    const added = await this.store.enqueue(jobs, this.clock.now());
    if (added > 0) this.wake();
    return added;
  }

  /** Looks at the queue now instead of at the next poll (work was just enqueued). */
  wake(): void {
    this.nudge.abort();
  }

  /** Starts claiming in the background. */
  start(): void {
    if (this.loop) return;
    if (this.halt.signal.aborted) this.halt = new AbortController();
    this.draining = false;
    this.loop = this.run();
    if (this.options.retentionMs !== undefined) {
      this.purgeTimer = this.clock.setInterval(() => {
        this.purgeFinished().catch((err: unknown) => this.reportError(err));
      }, this.options.purgeIntervalMs ?? 3_600_000);
    }
  }

  /**
   * Removes finished jobs older than the retention, in batches, until none is left; returns how
   * many. Safe on several servers at once (each batch deletes only what is still there).
   */
  async purgeFinished(): Promise<number> {
    if (this.options.retentionMs === undefined) return 0;
    const before = this.clock.now() - this.options.retentionMs;
    let removed = 0;
    for (;;) {
      const n = await this.store.purgeFinished(before, PURGE_BATCH);
      removed += n;
      if (n < PURGE_BATCH || this.halt.signal.aborted) return removed;
    }
  }

  /**
   * A graceful stop (SIGTERM, docs/deploy.md): claims nothing more, gives the jobs under way up to
   * `graceMs` to finish, then {@link stop}s (the rest are aborted and given back to the queue, due at
   * once, for another server to take).
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    this.nudge.abort();
    await this.loop;
    if (this.inFlight.size > 0 && graceMs > 0) {
      const finished = new AbortController();
      void Promise.all(this.inFlight.values()).then(() => finished.abort());
      await sleep(this.clock, graceMs, finished.signal);
    }
    await this.stop();
  }

  /**
   * Stops claiming, tells running handlers to stop (their signal aborts) and waits for them; a job
   * whose handler gave up because of the stop is given back to the queue unstarted.
   */
  async stop(): Promise<void> {
    this.halt.abort();
    this.nudge.abort();
    this.purgeTimer?.cancel();
    this.purgeTimer = undefined;
    for (const timer of this.retryTimers) timer.cancel();
    this.retryTimers.clear();
    await this.loop;
    this.loop = undefined;
    await Promise.all(this.inFlight.values());
  }

  /**
   * Claims and runs due jobs until none is due, waiting for each batch (tests and one-off passes);
   * returns how many attempts ran. Handlers' `maxRunning` caps do not apply here.
   */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const jobs = await this.claim(this.options.concurrency);
      if (jobs.length === 0) return ran;
      ran += jobs.length;
      await Promise.all(jobs.map((job) => this.launch(job)));
    }
  }

  /** Jobs this runner is running now. */
  get running(): number {
    return this.inFlight.size;
  }

  private async run(): Promise<void> {
    const halt = this.halt.signal;
    while (!halt.aborted && !this.draining) {
      // A fresh nudge before claiming: a wake() during the claim must not be lost.
      this.nudge = new AbortController();
      const free = this.options.concurrency - this.inFlight.size;
      let claimed = 0;
      let capped = false;
      if (free > 0) {
        try {
          const { jobs, limited } = await this.claimWithinCaps(free);
          claimed = jobs.length;
          capped = limited;
          for (const job of jobs) void this.launch(job);
        } catch (err) {
          this.reportError(err);
        }
      }
      if (halt.aborted) break;
      // All slots taken: wait for one to free up. Found work with slots to spare: claim again at once
      // (unless a kind held back by its cap left those slots free: then at the next poll or nudge).
      if (claimed > 0 && claimed < free && !capped) continue;
      await this.waitForNudge(this.inFlight.size >= this.options.concurrency ? undefined : this.options.pollIntervalMs);
    }
  }

  private waitForNudge(ms: number | undefined): Promise<void> {
    const signal = this.nudge.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : this.clock.setTimeout(done, ms);
      function done() {
        timer?.cancel();
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private claim(limit: number, kinds: readonly string[] = [...this.handlers.keys()]): Promise<JobRecord[]> {
    if (kinds.length === 0 || limit <= 0) return Promise.resolve([]);
    return this.store.claim({ kinds, worker: this.workerId, limit, now: this.clock.now(), leaseMs: this.options.leaseMs });
  }

  /**
   * Claims up to `free` jobs, the kinds whose handler caps how many run at once ({@link JobHandler.maxRunning})
   * within their room: one claim for the uncapped kinds, one per capped kind with room. `limited`: a
   * capped kind had less room than `free` (its jobs may be waiting).
   */
  private async claimWithinCaps(free: number): Promise<{ jobs: JobRecord[]; limited: boolean }> {
    const open: string[] = [];
    const capped: { kind: string; room: number }[] = [];
    for (const handler of this.handlers.values()) {
      const cap = handler.maxRunning?.();
      if (cap === undefined || !Number.isFinite(cap)) open.push(handler.kind);
      else capped.push({ kind: handler.kind, room: Math.max(0, Math.floor(cap) - (this.runningByKind.get(handler.kind) ?? 0)) });
    }
    if (capped.length === 0) return { jobs: await this.claim(free), limited: false };
    const jobs = await this.claim(free, open);
    let left = free - jobs.length;
    let limited = false;
    for (const { kind, room } of capped) {
      if (room < left) limited = true;
      const got = await this.claim(Math.min(room, left), [kind]);
      jobs.push(...got);
      left -= got.length;
    }
    return { jobs, limited };
  }

  private launch(job: JobRecord): Promise<void> {
    this.runningByKind.set(job.kind, (this.runningByKind.get(job.kind) ?? 0) + 1);
    const done = this.attempt(job)
      .catch((err: unknown) => this.reportError(err))
      .finally(() => {
        this.inFlight.delete(job.id);
        this.runningByKind.set(job.kind, (this.runningByKind.get(job.kind) ?? 1) - 1);
        this.nudge.abort();
      });
    this.inFlight.set(job.id, done);
    return done;
  }

  private async attempt(job: JobRecord): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) return;
    if (job.attempts > job.maxAttempts) {
      // The last allowed attempt never reported back: its runner stopped while holding the lease.
      await this.store.fail(
        job.id,
        this.workerId,
        `${job.lastError ? `${job.lastError}; then ` : ''}the lease ran out on attempt ${job.maxAttempts} of ${job.maxAttempts} (its runner stopped)`,
        this.clock.now(),
      );
      return;
    }
    const abort = new AbortController();
    const onHalt = () => abort.abort();
    this.halt.signal.addEventListener('abort', onHalt, { once: true });
    const renew = this.clock.setInterval(
      () => {
        this.store.extendLease(job.id, this.workerId, this.clock.now() + this.options.leaseMs).then(
          (held) => {
            if (!held) abort.abort();
          },
          (err: unknown) => this.reportError(err),
        );
      },
      Math.max(1, Math.floor(this.options.leaseMs / 3)),
    );
    const running: RunningJob = {
      id: job.id,
      kind: job.kind,
      payload: job.payload,
      attempt: job.attempts,
      maxAttempts: job.maxAttempts,
      createdAt: job.createdAt,
    };
    let result: JobResult;
    try {
      result = (await handler.run(running, abort.signal)) ?? { outcome: 'done' };
    } catch (err) {
      result = { outcome: 'retry', error: errorText(err) };
    } finally {
      renew.cancel();
      this.halt.signal.removeEventListener('abort', onHalt);
    }
    await this.record(job, result, abort.signal.aborted && this.halt.signal.aborted);
  }

  private async record(job: JobRecord, result: JobResult, stopped: boolean): Promise<void> {
    const now = this.clock.now();
    if (result.outcome === 'done') {
      await this.store.complete(job, this.workerId, now);
      return;
    }
    if (stopped && result.outcome === 'retry') {
      await this.store.release(job.id, this.workerId, now);
      return;
    }
    if (result.outcome === 'fail' || job.attempts >= job.maxAttempts) {
      await this.store.fail(job.id, this.workerId, result.error, now);
      return;
    }
    const at = result.at ?? now + backoffDelay(job.attempts, this.options, this.random);
    if (await this.store.retry(job.id, this.workerId, at, result.error, now)) this.wakeAt(at);
  }

  /** Retries due before the next poll wake the loop on time. */
  private wakeAt(at: number): void {
    const delay = at - this.clock.now();
    if (delay >= this.options.pollIntervalMs || this.halt.signal.aborted) return;
    const timer = this.clock.setTimeout(
      () => {
        this.retryTimers.delete(timer);
        this.wake();
      },
      Math.max(0, delay),
    );
    this.retryTimers.add(timer);
  }

  private reportError(err: unknown): void {
    (this.options.onError ?? ((e) => console.error('Loupe job runner:', e)))(err);
  }
}
