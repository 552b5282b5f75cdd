import type { TraceStore } from '../../store/trace-store.js';
import { sleep, type Clock } from '../../clock.js';

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
 * const indexing = new SpanTextIndexing(traceStore, systemClock, { batchSize: 500, pauseMs: 2, idleMs: 500, busyIntervalMs: 250, busyShare: 0.1 });
 * indexing.start();
 */
export class SpanTextIndexing {
  private loop: Promise<void> | undefined;
  /** Aborted on stop: ends the loop, and a wait between batches at once. */
  private halt: AbortController | undefined;
  /** Monotonic time of the last ingest request. */
  private lastIngestAt = -Infinity;

  constructor(
    private readonly traces: TraceStore,
    private readonly clock: Clock,
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
    this.lastIngestAt = this.clock.monotonic();
  }

  start(): void {
    if (this.halt && !this.halt.signal.aborted) return;
    this.halt = new AbortController();
    this.loop = this.run(this.halt.signal);
  }

  /** Stops after the batch under way (a wait between batches ends at once). */
  async stop(): Promise<void> {
    this.halt?.abort();
    await this.loop;
  }

  private async run(halt: AbortSignal): Promise<void> {
    while (!halt.aborted) {
      let n = 0;
      const started = this.clock.monotonic();
      try {
        n = await this.traces.indexSpanText(this.options.batchSize);
      } catch (err) {
        (this.options.onError ?? ((e) => console.error('Loupe span text indexing failed:', e)))(err);
      }
      if (halt.aborted) return;
      const now = this.clock.monotonic();
      const busy = now - this.lastIngestAt < this.options.idleMs;
      const share = Math.min(1, Math.max(0.01, this.options.busyShare ?? 1));
      const busyWait = Math.max(this.options.busyIntervalMs, ((now - started) * (1 - share)) / share);
      await sleep(this.clock, n === 0 ? this.options.idleMs : busy ? busyWait : this.options.pauseMs, halt);
    }
  }
}
