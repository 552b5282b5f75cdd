/**
 * Time and timers for the export worker, injectable so tests drive backoff and retry windows
 * without sleeping. Timers never keep the process alive.
 *
 * @example
 * const scheduler: Scheduler = { now: () => fakeNow, setTimeout: (fn, ms) => fake.schedule(fn, ms), clearTimeout: (h) => fake.cancel(h) };
 */
export interface Scheduler {
  now(): number;
  /** `keepAlive`: this timer holds the process open (a flush the caller awaits); others never do. */
  setTimeout(fn: () => void, ms: number, keepAlive?: boolean): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock; timers are `unref`'d so a pending export never holds the process open, except
 * the timeout of a flush someone awaits (so `await flushTraces()` in a script finishes instead of exiting early).
 *
 * @example
 * new ExportQueue(sink, { ...options, scheduler: systemScheduler });
 */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms, keepAlive) => {
    const t = setTimeout(fn, ms);
    if (!keepAlive) t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
