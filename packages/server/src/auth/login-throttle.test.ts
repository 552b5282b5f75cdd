import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-clock.js';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  const limits = { perUsername: 3, perAddress: 5, windowMs: 60_000 };

  it('holds a username back after its failures, until the oldest leaves the window', () => {
    const clock = new TestClock();
    const throttle = new LoginThrottle(clock, limits);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('alice', 'a1')).toBe(0);
      throttle.failed('alice', 'a1');
      clock.advance(1000);
    }
    expect(throttle.retryAfterMs('alice', 'a2')).toBe(57_000);
    expect(throttle.retryAfterMs('bob', 'a2')).toBe(0);
    clock.advance(57_000);
    expect(throttle.retryAfterMs('alice', 'a2')).toBe(0);
  });

  it('holds an address back after failures for many usernames; a success clears only the username', () => {
    const clock = new TestClock();
    const throttle = new LoginThrottle(clock, limits);
    for (let i = 0; i < 5; i++) throttle.failed(`user${i}`, 'a1');
    expect(throttle.retryAfterMs('someone', 'a1')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('someone', 'a2')).toBe(0);
    throttle.failed('carol', 'a3');
    throttle.failed('carol', 'a3');
    throttle.succeeded('carol');
    throttle.failed('carol', 'a3');
    expect(throttle.retryAfterMs('carol', 'a3')).toBe(0);
  });
});
