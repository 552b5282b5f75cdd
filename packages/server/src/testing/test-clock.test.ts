import { describe, expect, it } from 'vitest';
import { sleep } from '../clock.js';
import { TestClock } from './test-clock.js';

describe('TestClock', () => {
  it('fires due timers in order of due time, reading its due time, ties in the order they were set', () => {
    const clock = new TestClock(1_000_000);
    const fired: [string, number, number][] = [];
    const log = (name: string) => () => fired.push([name, clock.monotonic(), clock.now()]);
    clock.setTimeout(log('c'), 30);
    clock.setTimeout(log('a'), 10);
    clock.setTimeout(log('b'), 10);
    clock.setTimeout(log('late'), 31);
    clock.advance(30);
    expect(fired).toEqual([
      ['a', 10, 1_000_010],
      ['b', 10, 1_000_010],
      ['c', 30, 1_000_030],
    ]);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerIn()).toBe(1);
  });

  it('fires timers set by a timer when they fall due within the same advance', () => {
    const clock = new TestClock();
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.monotonic()), 5), 5);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([10]);
  });

  it('fires an interval once per period until cancelled, and never a cancelled timeout', () => {
    const clock = new TestClock();
    const ticks: number[] = [];
    const interval = clock.setInterval(() => ticks.push(clock.monotonic()), 100);
    const cancelled = clock.setTimeout(() => ticks.push(-1), 50);
    cancelled.cancel();
    clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    interval.cancel();
    clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('moves the wall clock alone with setSystemTime, running no timers', () => {
    const clock = new TestClock(5_000);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    clock.setSystemTime(1_000);
    expect([clock.now(), clock.monotonic(), fired]).toEqual([1_000, 0, false]);
    clock.advance(10);
    expect([clock.now(), clock.monotonic(), fired]).toEqual([1_010, 10, true]);
  });

  it('tells a test when work sets its next timer, and how long it is', async () => {
    const clock = new TestClock();
    const next = clock.nextTimer();
    void Promise.resolve().then(() => clock.setTimeout(() => {}, 42));
    expect(await next).toBe(42);
    expect(clock.advanceToNextTimer()).toBe(true);
    expect(clock.monotonic()).toBe(42);
    expect(clock.advanceToNextTimer()).toBe(false);
  });

  it('refuses to go back, and stops a timer that keeps setting itself at one instant', () => {
    const clock = new TestClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    const again = () => void clock.setTimeout(again, 0);
    again();
    expect(() => clock.advance(1)).toThrow(/at one instant/);
  });
});

describe('sleep', () => {
  it('resolves once the clock has moved the time, or at once when aborted', async () => {
    const clock = new TestClock();
    let slept = false;
    const done = sleep(clock, 100).then(() => (slept = true));
    clock.advance(99);
    await Promise.resolve();
    expect(slept).toBe(false);
    clock.advance(1);
    await done;
    expect(slept).toBe(true);

    const halt = new AbortController();
    const cut = sleep(clock, 60_000, halt.signal);
    expect(clock.pendingTimers).toBe(1);
    halt.abort();
    await cut;
    expect(clock.pendingTimers).toBe(0);
    await sleep(clock, 60_000, halt.signal);
  });
});
