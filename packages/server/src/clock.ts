import { randomUUID } from 'node:crypto';

/** A scheduled callback. */
export interface Timer {
  /** Stops it (for an interval, every later call); a no-op once a timeout has run. */
  cancel(): void;
}

/**
 * Time, injected so tests are deterministic and never sleep: wall time for what is stored, monotonic
 * time for durations and expiries (a wall clock can be set back; this one never moves back), and the
 * timers background loops wait on. Timers never keep the process alive: background work must not
 * hold a stopping server open.
 *
 * @example
 * const started = clock.monotonic();
 * const timer = clock.setTimeout(() => console.log(clock.monotonic() - started), 500);
 * timer.cancel();
 */
export interface Clock {
  /** Wall time, epoch milliseconds: for timestamps that are stored or compared with stored ones. */
  now(): number;
  /** Milliseconds from an arbitrary origin, never decreasing: for durations, pacing and expiries. */
  monotonic(): number;
  /** Calls `callback` once, `ms` (monotonic) milliseconds from now. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Calls `callback` every `ms` milliseconds until cancelled. */
  setInterval(callback: () => void, ms: number): Timer;
}

/** Id source, injected so tests are deterministic. */
export interface IdGenerator {
  /** 32 lowercase hex characters (a uuid4 without dashes). */
  hex32(): string;
}

/**
 * The real clock: `Date.now()`, `performance.now()` and Node's timers, unref'd.
 *
 * @example
 * const experiments = new ExperimentService(store, systemClock, 'mlflow-artifacts:/');
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms).unref();
    return { cancel: () => clearTimeout(handle) };
  },
  setInterval: (callback, ms) => {
    const handle = setInterval(callback, ms).unref();
    return { cancel: () => clearInterval(handle) };
  },
};

/**
 * Waits `ms` on `clock`; resolves early (never rejects) when `signal` aborts, so a stop does not
 * wait out a pause.
 *
 * @example
 * const halt = new AbortController();
 * await sleep(clock, 500, halt.signal); // halt.abort() elsewhere ends it at once
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Random ids. */
export const randomIds: IdGenerator = { hex32: () => randomUUID().replace(/-/g, '') };
