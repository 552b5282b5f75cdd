import type { LlmClock } from '../transport.js';

/**
 * An endpoint's rate limit: at most `calls` per `renewalPeriodMs` (MLflow's `limit: {calls,
 * renewal_period}`), with bursts up to `calls`.
 *
 * @example
 * const limit: RateLimit = { calls: 60, renewalPeriodMs: 60_000 };
 */
export interface RateLimit {
  calls: number;
  renewalPeriodMs: number;
}

/**
 * A token bucket on an injected monotonic clock: it holds up to `calls` tokens and refills
 * continuously at `calls / renewalPeriodMs`; each call takes one.
 *
 * @example
 * const bucket = new TokenBucket({ calls: 10, renewalPeriodMs: 60_000 }, clock);
 * const wait = bucket.take(); // 0 when allowed, else the milliseconds until a token is back
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    private readonly clock: Pick<LlmClock, 'monotonic'>,
  ) {
    this.tokens = limit.calls;
    this.last = clock.monotonic();
  }

  private get ratePerMs(): number {
    return this.limit.calls / this.limit.renewalPeriodMs;
  }

  /** Takes a token: 0 when one was there, else how long until one is (nothing is taken then). */
  take(): number {
    const now = this.clock.monotonic();
    this.tokens = Math.min(this.limit.calls, this.tokens + Math.max(0, now - this.last) * this.ratePerMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    // Less a hair, so float error in the refill (0.998 tokens for 0.002) does not add a millisecond.
    return Math.ceil((1 - this.tokens) / this.ratePerMs - 1e-9);
  }
}

/**
 * One token bucket per endpoint name, replaced when the endpoint's limit changes.
 *
 * @example
 * const limiters = new EndpointRateLimiters(clock);
 * limiters.take('chat', { calls: 5, renewalPeriodMs: 1000 }); // 0
 */
export class EndpointRateLimiters {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly clock: Pick<LlmClock, 'monotonic'>) {}

  /** 0 when the call may go, else the wait in milliseconds; always 0 without a limit. */
  take(endpoint: string, limit: RateLimit | undefined): number {
    if (!limit || !(limit.calls > 0) || !(limit.renewalPeriodMs > 0)) {
      this.buckets.delete(endpoint);
      return 0;
    }
    let bucket = this.buckets.get(endpoint);
    if (!bucket || bucket.limit.calls !== limit.calls || bucket.limit.renewalPeriodMs !== limit.renewalPeriodMs) {
      bucket = new TokenBucket({ ...limit }, this.clock);
      this.buckets.set(endpoint, bucket);
    }
    return bucket.take();
  }
}
