import type { Clock } from '../clock.js';

/** How many failed logins a username and a client address may have within the window. */
export interface LoginThrottleLimits {
  perUsername: number;
  perAddress: number;
  windowMs: number;
}

/** 10 failures per username, 50 per address, in 15 minutes. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleLimits = { perUsername: 10, perAddress: 50, windowMs: 15 * 60_000 };

/** Most keys remembered; the oldest are dropped first (a flood of made-up usernames cannot grow memory). */
const MAX_KEYS = 100_000;

/**
 * Counts failed logins per username and per client address in a sliding window (per process;
 * docs/adr/0013-auth.md §6). `retryAfterMs` answers how long a new attempt must wait, 0 when it may
 * proceed; it is asked before the password is hashed.
 *
 * @example
 * const wait = throttle.retryAfterMs('alice', '10.0.0.7');
 * if (wait > 0) return tooManyAttempts(wait);
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Milliseconds until an attempt for this username from this address is allowed again; 0: now. */
  retryAfterMs(username: string, address: string): number {
    return Math.max(this.waitFor(`u:${username}`, this.limits.perUsername), this.waitFor(`a:${address}`, this.limits.perAddress));
  }

  /** Records a failed attempt. */
  failed(username: string, address: string): void {
    const now = this.clock.monotonic();
    for (const key of [`u:${username}`, `a:${address}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value as string);
  }

  /** A successful login clears its username's failures (the address keeps its count). */
  succeeded(username: string): void {
    this.failures.delete(`u:${username}`);
  }

  private waitFor(key: string, limit: number): number {
    const now = this.clock.monotonic();
    const times = this.recent(key, now);
    if (times.length < limit) return 0;
    return Math.max(1, (times[times.length - limit] as number) + this.limits.windowMs - now);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }
}
