import type { TraceStore } from '../../store/trace-store.js';

/** How the background text indexer runs. */
export interface SpanTextIndexingOptions {
  /** Spans indexed per transaction: small, so ingest never waits long behind the indexer. */
  batchSize: number;
  /** Pause between batches while there is a backlog, letting queued requests run. */
  pauseMs: number;
  /** Wait before looking again once caught up. */
  idleMs: number;
  /**
   * While ingest is active (a request within the last `idleMs`), one batch per this many ms at most:
   * ingest bursts keep the cores, the index catches up when they ease.
   */
  busyIntervalMs: number;
  /**
   * While ingest is active, the share of the time the indexer may spend indexing (0..1): after a batch
   * that took `t` ms it waits at least `t * (1 - busyShare) / busyShare` ms. Trigram indexing costs
   * more per span than ingest itself, so an unbounded indexer would halve an ingest burst.
   */
  busyShare?: number;
  onError?: (err: unknown) => void;
}

/**
 * Fills the span text index behind ingest (ADR 0004): a small batch at a time while there is a
 * backlog (slowly while ingest requests keep arriving), then a look every `idleMs`. Searches never depend on it being caught up: spans it has not
 * reached are scanned. Safe on several servers: each batch is one transaction from a shared mark.
 *
 * @example
 * const indexing = new SpanTextIndexing(traceStore, { batchSize: 500, pauseMs: 2, idleMs: 500, busyIntervalMs: 250, busyShare: 0.1 });
 * indexing.start();
 */
export class SpanTextIndexing {
  private loop: Promise<void> | undefined;
  private stopped = true;
  /** Ends the current wait early (on stop). */
  private wake: (() => void) | undefined;
  private lastIngestAt = -Infinity;

  constructor(
    private readonly traces: TraceStore,
    private readonly options: SpanTextIndexingOptions,
  ) {}

  /** Indexes until caught up; returns how many spans it took. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.traces.indexSpanText(this.options.batchSize);
      total += n;
      if (n === 0) return total;
    }
  }

  /** Called on every ingest request: the indexer steps back while they keep coming. */
  noteIngest(): void {
    this.lastIngestAt = performance.now();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops after the batch under way (a wait between batches ends at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Waits `ms` without keeping the process alive; {@link stop} ends it early. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms).unref();
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let n = 0;
      const started = performance.now();
      try {
        n = await this.traces.indexSpanText(this.options.batchSize);
      } catch (err) {
        (this.options.onError ?? ((e) => console.error('Loupe span text indexing failed:', e)))(err);
      }
      if (this.stopped) return;
      const now = performance.now();
      const busy = now - this.lastIngestAt < this.options.idleMs;
      const share = Math.min(1, Math.max(0.01, this.options.busyShare ?? 1));
      const busyWait = Math.max(this.options.busyIntervalMs, ((now - started) * (1 - share)) / share);
      await this.sleep(n === 0 ? this.options.idleMs : busy ? busyWait : this.options.pauseMs);
    }
  }
}
