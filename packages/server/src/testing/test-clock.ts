import type { Clock, Timer } from '../clock.js';

interface Scheduled {
  /** Monotonic time it is due at. */
  at: number;
  /** Period of an interval; undefined for a timeout. */
  every: number | undefined;
  callback: () => void;
}

/** Timers that may run at one instant before {@link TestClock.advance} calls it a loop. */
const SAME_INSTANT_LIMIT = 10_000;

/**
 * A clock that moves only when a test moves it, firing the timers that come due, in the manner of
 * `@sinonjs/fake-timers` but injected rather than patched over the globals. {@link advance} runs
 * due timers in order of due time (ties in the order they were set), with the clock reading each
 * timer's due time while it runs; timers set meanwhile fire too when they fall due within the
 * advance. Wall time moves with monotonic time unless {@link setSystemTime} sets it apart.
 *
 * Background loops do real I/O between waits, so a test does not guess when a loop is waiting: it
 * awaits {@link nextTimer}, looks at what the loop did, then advances. Jumps of days go through
 * {@link setSystemTime}, which runs no timers (an advance runs every interval once per period).
 *
 * @example
 * const clock = new TestClock();
 * indexing.start();
 * const pause = await clock.nextTimer(); // the first batch is done, the loop waits on the clock
 * expect(pause).toBe(250);
 * clock.advance(pause);
 */
export class TestClock implements Clock {
  private wall: number;
  private elapsed = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Scheduled>();
  private readonly timerWaiters: ((ms: number) => void)[] = [];

  constructor(epochMs = 1_700_000_000_000) {
    this.wall = epochMs;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.elapsed;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.schedule(callback, ms, undefined);
  }

  setInterval(callback: () => void, ms: number): Timer {
    // A zero period would fire forever at one instant; Node runs it every millisecond too.
    return this.schedule(callback, ms, Math.max(1, ms));
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then (an interval once per period).
   * Promise callbacks a timer releases run after this returns.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`TestClock.advance needs a duration >= 0, got ${ms}`);
    const end = this.elapsed + ms;
    let instant = this.elapsed;
    let atInstant = 0;
    for (let due = this.due(end); due; due = this.due(end)) {
      const [id, timer] = due;
      if (timer.at === instant && ++atInstant > SAME_INSTANT_LIMIT) {
        throw new Error(`TestClock: more than ${SAME_INSTANT_LIMIT} timers at one instant; a timer keeps setting itself with no delay`);
      }
      if (timer.at !== instant) [instant, atInstant] = [timer.at, 1];
      this.moveTo(timer.at);
      if (timer.every === undefined) this.timers.delete(id);
      else timer.at += timer.every;
      timer.callback();
    }
    this.moveTo(end);
  }

  /** Advances to the next timer and fires it (and any due with it); false when none is set. */
  advanceToNextTimer(): boolean {
    const ms = this.nextTimerIn();
    if (ms === undefined) return false;
    this.advance(ms);
    return true;
  }

  /** Sets the wall clock (as an operator or NTP would), leaving monotonic time and timers alone. */
  setSystemTime(epochMs: number): void {
    this.wall = epochMs;
  }

  /** Timers set and not yet fired or cancelled (an interval counts until cancelled). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Milliseconds until the next timer is due; undefined when none is set. */
  nextTimerIn(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers.values()) if (next === undefined || timer.at < next) next = timer.at;
    return next === undefined ? undefined : next - this.elapsed;
  }

  /**
   * Resolves with the delay of the next timer set from this call on: the moment background work,
   * having done what it had to do, waits on this clock. Call it before the work can set its timer
   * (work that awaits anything first sets none synchronously).
   */
  nextTimer(): Promise<number> {
    return new Promise((resolve) => this.timerWaiters.push(resolve));
  }

  private schedule(callback: () => void, ms: number, every: number | undefined): Timer {
    const id = this.nextId++;
    const delay = Math.max(0, ms);
    this.timers.set(id, { at: this.elapsed + delay, every, callback });
    for (const resolve of this.timerWaiters.splice(0)) resolve(delay);
    return { cancel: () => void this.timers.delete(id) };
  }

  /** The earliest timer due by `end`; the first set among equals (Map order is insertion order). */
  private due(end: number): [number, Scheduled] | undefined {
    let found: [number, Scheduled] | undefined;
    for (const entry of this.timers) if (entry[1].at <= end && (!found || entry[1].at < found[1].at)) found = entry;
    return found;
  }

  private moveTo(monotonic: number): void {
    this.wall += monotonic - this.elapsed;
    this.elapsed = monotonic;
  }
}
