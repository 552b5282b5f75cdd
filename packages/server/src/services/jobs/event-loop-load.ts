import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How busy this process's main thread is, as a share of time (0..1) over the last stretch. */
export interface LoadGauge {
  utilization(): number;
}

/**
 * The event loop's utilization (Node's `performance.eventLoopUtilization`: the share of time the
 * main thread ran rather than waited), over the stretch since the reading before last, so a reading
 * covers at least `windowMs` once the process has run that long. Background work that would compete
 * with requests (judges during an ingest burst) reads it to step back when the thread is saturated.
 *
 * @example
 * const load = new EventLoopLoad();
 * if (load.utilization() > 0.9) holdBack();
 */
export class EventLoopLoad implements LoadGauge {
  private previous: EventLoopUtilization = performance.eventLoopUtilization();
  private current: EventLoopUtilization = this.previous;
  private lastValue = 0;

  constructor(private readonly windowMs = 500) {}

  utilization(): number {
    const now = performance.eventLoopUtilization();
    const sinceCurrent = performance.eventLoopUtilization(now, this.current);
    if (sinceCurrent.idle + sinceCurrent.active >= this.windowMs) {
      this.previous = this.current;
      this.current = now;
    }
    const span = performance.eventLoopUtilization(now, this.previous);
    if (span.idle + span.active > 0) this.lastValue = span.utilization;
    return this.lastValue;
  }
}
