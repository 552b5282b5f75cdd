import type { Clock } from '../../clock.js';
import type { JobHandler, JobResult, RunningJob } from '../jobs/job-handler.js';
import type { NewJob } from '../../store/job-store.js';
import type { MonitorStore } from '../../store/monitor-store.js';
import type { MonitorService } from './monitor-service.js';

/** The job that evaluates one monitor once. */
export const MONITOR_EVALUATION_JOB = 'monitor.evaluate';

/** Payload of a {@link MONITOR_EVALUATION_JOB}. */
export interface MonitorEvaluationPayload {
  monitor_id: string;
}

/**
 * Runs {@link MONITOR_EVALUATION_JOB}s. A repeat after a crash is harmless: the evaluation records over
 * the version it read, so a second run of one job records a fresh measurement or nothing, and never
 * the same state change twice. A disabled or deleted monitor's job is done without measuring.
 *
 * @example
 * runner.register(new MonitorEvaluationHandler(monitors, store));
 */
export class MonitorEvaluationHandler implements JobHandler<MonitorEvaluationPayload> {
  readonly kind = MONITOR_EVALUATION_JOB;

  constructor(
    private readonly monitors: MonitorService,
    private readonly store: MonitorStore,
  ) {}

  async run(job: RunningJob<MonitorEvaluationPayload>): Promise<JobResult | void> {
    const monitor = await this.store.get(job.payload.monitor_id);
    if (!monitor || !monitor.enabled) return;
    await this.monitors.evaluate(monitor.monitorId);
  }
}

/** How the scheduler runs. */
export interface MonitorSchedulerOptions {
  /** Looks for due monitors this often. */
  pollIntervalMs: number;
  /** Monitors claimed per transaction. */
  batchSize: number;
  /** Attempts of each evaluation job. */
  maxAttempts: number;
  /** Called when evaluations were queued (wakes the job runner). */
  onJobs(count: number): void;
  onError?: (err: unknown) => void;
}

/**
 * Queues the evaluations of due monitors as durable jobs (ADR 0012). Each round claims due monitors by
 * compare-and-set on their next evaluation time in the transaction that queues their jobs (deduped by
 * monitor and due time), so with several servers on one database each due evaluation is queued once,
 * and a crash loses none: a claim either committed with its job or did not happen.
 *
 * @example
 * const scheduler = new MonitorScheduler(store, clock, { pollIntervalMs: 5000, batchSize: 100, maxAttempts: 3, onJobs: () => runner.wake() });
 * scheduler.start();
 */
export class MonitorScheduler {
  private loop: Promise<void> | undefined;
  private halt = new AbortController();

  constructor(
    private readonly store: MonitorStore,
    private readonly clock: Clock,
    private readonly options: MonitorSchedulerOptions,
  ) {}

  start(): void {
    if (this.loop) return;
    if (this.halt.signal.aborted) this.halt = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Queues every evaluation due now (tests, and each round of the loop); returns how many. */
  async runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const queued = await this.store.enqueueDue(now, this.options.batchSize, (m): NewJob => ({
        kind: MONITOR_EVALUATION_JOB,
        payload: { monitor_id: m.monitorId } satisfies MonitorEvaluationPayload,
        maxAttempts: this.options.maxAttempts,
        dedupeKey: `monitor:${m.monitorId}:${m.nextEvaluationAt}`,
      }));
      total += queued;
      if (queued < this.options.batchSize) break;
    }
    if (total > 0) this.options.onJobs(total);
    return total;
  }

  private async run(): Promise<void> {
    const halt = this.halt.signal;
    while (!halt.aborted) {
      try {
        await this.runOnce();
      } catch (err) {
        (this.options.onError ?? ((e) => console.error('Loupe monitor scheduler:', e)))(err);
      }
      if (halt.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(done, this.options.pollIntervalMs);
        function done() {
          timer.cancel();
          halt.removeEventListener('abort', done);
          resolve();
        }
        halt.addEventListener('abort', done, { once: true });
      });
    }
  }
}
