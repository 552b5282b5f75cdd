import type { HrTime } from '@opentelemetry/api';

/**
 * Span timestamps with sub-millisecond resolution on one timeline. OpenTelemetry JS stamps a span's
 * start with `Date.now()`, whole milliseconds with a fresh anchor per span, so a tool call and the
 * model call after it often share a start and sort either way. This clock anchors the monotonic
 * `performance.now()` to the wall clock once and re-anchors every minute (never moving back by less
 * than a second, so sequential spans stay in order), keeping long-running processes on wall time.
 *
 * @example
 * tracer.startSpan('step', { startTime: spanClock.now() });
 */
export class SpanClock {
  private wallMs: number;
  private perfMs: number;

  constructor(
    private readonly reanchorEveryMs = 60_000,
    private readonly wall: () => number = Date.now,
    private readonly perf: () => number = () => performance.now(),
  ) {
    this.wallMs = wall();
    this.perfMs = perf();
  }

  /** Now, as an OpenTelemetry HrTime. */
  now(): HrTime {
    const perf = this.perf();
    let ms = this.wallMs + (perf - this.perfMs);
    if (perf - this.perfMs > this.reanchorEveryMs) {
      const wall = this.wall();
      // A wall clock slightly behind is the anchor's rounding, not a correction: keep going forward.
      if (wall >= ms || ms - wall > 1000) ms = wall;
      this.wallMs = ms;
      this.perfMs = perf;
    }
    return toHrTime(ms);
  }

  /**
   * Now, but at least one microsecond (the server's resolution) after `earliest`: a child span's
   * start given its parent's. A parent started by another clock (OpenTelemetry's own whole-millisecond
   * `Date.now()` stamps, or another process) can read later than this clock's now for the child
   * started right after it; a child never starts before its parent.
   */
  nowAfter(earliest: HrTime | undefined): HrTime {
    const now = this.now();
    if (!earliest) return now;
    // Whole nanoseconds, no floats: a float sum at today's epoch rounds a microsecond to 0.9998 of one.
    const after: HrTime = earliest[1] + 1000 < 1e9 ? [earliest[0], earliest[1] + 1000] : [earliest[0] + 1, earliest[1] + 1000 - 1e9];
    return now[0] > after[0] || (now[0] === after[0] && now[1] >= after[1]) ? now : after;
  }
}

function toHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}

/** The process's span clock: one timeline for every Loupe instance. */
export const spanClock = new SpanClock();
