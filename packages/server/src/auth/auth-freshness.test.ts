import { describe, expect, it } from 'vitest';
import { TestClock } from '../testing/test-clock.js';
import { AuthFreshness } from './auth-freshness.js';

describe('AuthFreshness', () => {
  it('reads the generation at most once per TTL and clears the caches when another server changed it', async () => {
    const clock = new TestClock();
    let generation = 1;
    let reads = 0;
    const freshness = new AuthFreshness(
      async () => {
        reads++;
        return generation;
      },
      clock,
      1000,
    );
    const cache = new Map([['k', 1]]);
    freshness.track(cache);
    await freshness.ensureFresh();
    await freshness.ensureFresh();
    expect(reads).toBe(1);
    generation = 2;
    clock.advance(999);
    await freshness.ensureFresh();
    expect(cache.size).toBe(1);
    clock.advance(1);
    await freshness.ensureFresh();
    expect(reads).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('clears at once on a local change, and marks loads that started before it stale', () => {
    const freshness = new AuthFreshness(async () => 0, new TestClock(), 1000);
    const cache = new Map([['k', 1]]);
    freshness.track(cache);
    const epoch = freshness.epoch;
    freshness.changed();
    expect(cache.size).toBe(0);
    expect(freshness.isCurrent(epoch)).toBe(false);
    expect(freshness.isCurrent(freshness.epoch)).toBe(true);
  });
});
