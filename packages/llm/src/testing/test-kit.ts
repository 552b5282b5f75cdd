import net from 'node:net';
import type { LlmClock, LlmFetch } from '../transport.js';

/**
 * A clock tests move by hand: `advance` runs the timers that come due, in order.
 *
 * @example
 * const clock = new ManualClock();
 * clock.advance(1000);
 */
export class ManualClock implements LlmClock {
  private time = 0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  constructor(private readonly wallStart = Date.UTC(2026, 11, 7, 12, 0, 0)) {}

  now(): number {
    return this.wallStart + this.time;
  }

  monotonic(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.time + ms, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Pending (not cancelled, not run) timers. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.time).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => !t.cancelled && t.at > this.time);
    for (const t of due) t.callback();
  }
}

/**
 * A deterministic [0, 1) source (mulberry32), for weighted choices.
 *
 * @example
 * const random = seededRandom(42);
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A URL nothing listens on (a port that was free a moment ago), for connection-refused tests. */
export async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The global fetch as the layer's transport. */
export const globalFetch: LlmFetch = (url, init) => fetch(url, init);

/** Reads a stream to the end. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf<E = unknown>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
