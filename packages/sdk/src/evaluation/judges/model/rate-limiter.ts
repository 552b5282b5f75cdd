/**
 * A model's limits: at most `maxConcurrency` calls in flight, and a token bucket that holds
 * `tokensPerInterval` tokens, refills them evenly over `intervalMs`, and spends one per call.
 * Waiters are served in arrival order.
 */

/**
 * Default calls in flight per model: 64. With 8, three judges sharing one model under `evaluate({
 * concurrency: 16 })` (48 calls wanted) waited on each other: 1,000 rows took 23-28 s instead of 10
 * (bench/evaluate-judges.mjs --shared-model).
 */
export const DEFAULT_MAX_CONCURRENCY = 64;

/** Limits of one judge model. */
export interface RateLimitOptions {
  /**
   * Calls in flight at once (default {@link DEFAULT_MAX_CONCURRENCY}: above what `evaluate()` asks of a
   * model shared by several judges, so its `concurrency` is what bounds an evaluation; lower it for a
   * provider's limits).
   */
  maxConcurrency?: number;
  /** Calls allowed per interval (default: unlimited). */
  tokensPerInterval?: number;
  /** Default 60,000 ms (tokens per minute). */
  intervalMs?: number;
}

/** Runs calls within a model's limits. */
export interface RateLimiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls running now, for tests and diagnostics. */
  readonly active: number;
}

/** What the limiter needs from its surroundings (injected clock and sleep). */
export interface LimiterDeps {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A {@link RateLimiter}.
 *
 * @example
 * const limiter = createRateLimiter({ maxConcurrency: 4, tokensPerInterval: 500, intervalMs: 60_000 }, deps);
 * const answer = await limiter.run(() => callModel(), signal);
 */
export function createRateLimiter(options: RateLimitOptions, deps: LimiterDeps): RateLimiter {
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
  const capacity = options.tokensPerInterval;
  const intervalMs = options.intervalMs ?? 60_000;
  let tokens = capacity ?? 0;
  let refilledAt = deps.now();
  let active = 0;
  const waiters: (() => void)[] = [];
  // A chain that hands out bucket tokens one caller at a time, so waits are computed in order.
  let tokenTurn: Promise<void> = Promise.resolve();

  const release = () => {
    active--;
    waiters.shift()?.();
  };

  async function slot(signal?: AbortSignal): Promise<void> {
    if (active < maxConcurrency && waiters.length === 0) {
      active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        resolve();
      };
      const onAbort = () => {
        const i = waiters.indexOf(grant);
        if (i >= 0) waiters.splice(i, 1);
        reject(signal?.reason as Error);
      };
      waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function token(signal?: AbortSignal): Promise<void> {
    if (capacity === undefined) return;
    const turn = tokenTurn.then(async () => {
      for (;;) {
        const now = deps.now();
        tokens = Math.min(capacity, tokens + ((now - refilledAt) * capacity) / intervalMs);
        refilledAt = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await deps.sleep(Math.ceil(((1 - tokens) * intervalMs) / capacity), signal);
      }
    });
    tokenTurn = turn.catch(() => undefined);
    await turn;
  }

  return {
    async run(fn, signal) {
      await slot(signal);
      try {
        await token(signal);
        return await fn();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
  };
}
