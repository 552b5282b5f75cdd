import { parseRetentionDays, TRACE_RETENTION_TAG } from '@loupe/protocol';
import type { TraceStore } from '../../store/trace-store.js';
import type { ExperimentRecord, ExperimentStore } from '../../store/tracking-store.js';
import { sleep, type Clock, type Timer } from '../../clock.js';
import { alwaysRun, type ExclusiveWork } from '../../store/exclusive-work.js';

const DAY_MS = 86_400_000;

/** How retention runs. */
export interface TraceRetentionOptions {
  /** Days traces are kept when their experiment sets no {@link TRACE_RETENTION_TAG}; undefined: forever. */
  defaultDays?: number;
  /** Traces deleted per transaction, so a writer never waits behind a long delete. */
  batchSize: number;
  /** Pause between batches, letting queued requests run. */
  pauseMs: number;
  /** Where failures of a background pass are reported. */
  onError?: (err: unknown) => void;
  /** Keeps passes to one server at a time on a shared database (default: every pass runs). */
  exclusive?: ExclusiveWork;
}

/** What one retention pass did. */
export interface RetentionReport {
  tracesDeleted: number;
  /** Experiments whose traces had a retention period. */
  experiments: number;
  /** Present when the pass did not run because another server was running one. */
  skipped?: true;
}

/**
 * Days an experiment's traces are kept: its tag, else the server default; null: forever. A tag value
 * that is not valid (written before validation existed, or straight into the database) is ignored.
 *
 * @example
 * retentionDays({ tags: [{ key: 'loupe.trace.retentionDays', value: '7' }] } as ExperimentRecord, 30); // 7
 */
export function retentionDays(experiment: Pick<ExperimentRecord, 'tags'>, defaultDays: number | undefined): number | null {
  const tag = experiment.tags.find((t) => t.key === TRACE_RETENTION_TAG);
  if (tag) {
    const days = parseRetentionDays(tag.value);
    return days === undefined ? (defaultDays ?? null) : days;
  }
  return defaultDays ?? null;
}

/**
 * Deletes traces older than their experiment's retention period (the experiment tag
 * `loupe.trace.retentionDays`, else the server's `--trace-retention-days`), oldest first, in bounded
 * batches with a pause between them, so ingest keeps flowing while a large backlog is removed. On a
 * shared database one server at a time runs a pass (`exclusive`); the others skip theirs. Deletes are
 * idempotent, so a pass that outlives its lock (a lost connection) repeats work, never harms.
 *
 * @example
 * const retention = new TraceRetention(traceStore, experimentStore, systemClock, { defaultDays: 30, batchSize: 500, pauseMs: 5 });
 * retention.start(15 * 60_000);
 */
export class TraceRetention {
  private timer: Timer | undefined;
  private running: Promise<RetentionReport> | undefined;
  /** Aborted by {@link stop}: passes end after their current batch, a pause between batches at once. */
  private halt = new AbortController();

  constructor(
    private readonly traces: TraceStore,
    private readonly experiments: ExperimentStore,
    private readonly clock: Clock,
    private readonly options: TraceRetentionOptions,
  ) {}

  /** One pass over every experiment (a pass already under way is joined, not doubled). */
  runOnce(): Promise<RetentionReport> {
    this.running ??= this.exclusivePass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs a pass now and then every `intervalMs`, in the background. */
  start(intervalMs: number): void {
    if (this.halt.signal.aborted) this.halt = new AbortController();
    const halt = this.halt.signal;
    const tick = () => {
      this.runOnce()
        .catch((err: unknown) => (this.options.onError ?? ((e) => console.error('Loupe trace retention failed:', e)))(err))
        .finally(() => {
          if (!halt.aborted) this.timer = this.clock.setTimeout(tick, intervalMs);
        });
    };
    tick();
  }

  /** Stops scheduling and waits for a pass under way to finish its current batch. */
  async stop(): Promise<void> {
    this.halt.abort();
    this.timer?.cancel();
    await this.running?.catch(() => undefined);
  }

  private async exclusivePass(): Promise<RetentionReport> {
    const outcome = await (this.options.exclusive ?? alwaysRun).tryRun('trace-retention', () => this.pass());
    return outcome.ran ? outcome.value : { tracesDeleted: 0, experiments: 0, skipped: true };
  }

  private async pass(): Promise<RetentionReport> {
    const halt = this.halt.signal;
    const report: RetentionReport = { tracesDeleted: 0, experiments: 0 };
    for await (const experiment of this.allExperiments()) {
      if (halt.aborted) break;
      const days = retentionDays(experiment, this.options.defaultDays);
      if (days === null) continue;
      report.experiments++;
      const cutoff = this.clock.now() - days * DAY_MS;
      for (;;) {
        const deleted = await this.traces.deleteTraces(experiment.experimentId, { maxTimestampMs: cutoff, maxTraces: this.options.batchSize });
        report.tracesDeleted += deleted;
        if (deleted < this.options.batchSize) break;
        await sleep(this.clock, this.options.pauseMs, halt);
        if (halt.aborted) break;
      }
    }
    return report;
  }

  private async *allExperiments(): AsyncGenerator<ExperimentRecord> {
    const limit = 1000;
    for (let offset = 0; ; offset += limit) {
      const page = await this.experiments.searchExperiments({ viewType: 'ALL', filter: [], orderBy: [], page: { offset, limit } });
      yield* page.items;
      if (!page.hasMore) return;
    }
  }
}
