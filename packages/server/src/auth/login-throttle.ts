import type { Clock } from '../clock.js';
import type { LoginFailureStore } from '../store/login-failure-store.js';

/** How many failed logins a username and a client address may have within the window. */
export interface LoginThrottleLimits {
  perUsername: number;
  perAddress: number;
  windowMs: number;
}

/** 10 failures per username, 50 per address, in 15 minutes. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleLimits = { perUsername: 10, perAddress: 50, windowMs: 15 * 60_000 };

/**
 * Counts failed logins per username and per client address in a sliding window (docs/adr/0013-auth.md
 * §6), in the database, so the limits hold across every server behind the load balancer rather than
 * per server. `retryAfterMs` answers how long a new attempt must wait, 0 when it may proceed; it is
 * asked before the password is hashed.
 *
 * @example
 * const throttle = new LoginThrottle(new SqlLoginFailureStore(db), clock);
 * const wait = await throttle.retryAfterMs('alice', '10.0.0.7');
 * if (wait > 0) return tooManyAttempts(wait);
 */
export class LoginThrottle {
  constructor(
    private readonly store: LoginFailureStore,
    private readonly clock: Clock,
    private readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Milliseconds until an attempt for this username from this address is allowed again; 0: now. */
  async retryAfterMs(username: string, address: string): Promise<number> {
    const [byUser, byAddress] = await Promise.all([
      this.waitFor(`u:${username}`, this.limits.perUsername),
      this.waitFor(`a:${address}`, this.limits.perAddress),
    ]);
    return Math.max(byUser, byAddress);
  }

  /** Records a failed attempt. */
  async failed(username: string, address: string): Promise<void> {
    const now = this.clock.now();
    await this.store.record([`u:${username}`, `a:${address}`], now, now - this.limits.windowMs);
  }

  /** A successful login clears its username's failures (the address keeps its count). */
  async succeeded(username: string): Promise<void> {
    await this.store.clear(`u:${username}`);
  }

  private async waitFor(key: string, limit: number): Promise<number> {
    const now = this.clock.now();
    const oldestCounted = await this.store.nthRecent(key, now - this.limits.windowMs, limit);
    return oldestCounted === undefined ? 0 : Math.max(1, oldestCounted + this.limits.windowMs - now);
  }
}
