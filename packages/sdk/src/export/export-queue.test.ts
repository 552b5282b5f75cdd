import { describe, expect, it } from 'vitest';
import { silentDiagnostics } from '../tracing/diagnostics.js';
import { ExportQueue, type ExportSink, type SendOutcome } from './export-queue.js';
import type { Scheduler } from './scheduler.js';

/** A clock that moves only when told, with the timers it fires. */
class ManualScheduler implements Scheduler {
  time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  /** Advances time, firing due timers in order, letting promises run between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await new Promise((r) => setImmediate(r));
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
    await new Promise((r) => setImmediate(r));
  }
}

/** A sink that fails the first `failures` sends (transiently), recording when each send happened. */
function flakySink(scheduler: ManualScheduler, failures: number) {
  const sends: { at: number; items: number[] }[] = [];
  const sink: ExportSink<number> = {
    async send(batch): Promise<SendOutcome<number>> {
      sends.push({ at: scheduler.now(), items: [...batch] });
      return sends.length <= failures ? { retry: batch, failed: 0 } : { retry: [], failed: 0 };
    },
  };
  return { sink, sends };
}

const options = { maxQueueSize: 5, maxBatchSize: 2, scheduleDelayMs: 100, retryWindowMs: 10_000, initialBackoffMs: 100, maxBackoffMs: 400 };

describe('ExportQueue', () => {
  it('batches by size at once and by time otherwise, in order', async () => {
    const clock = new ManualScheduler();
    const { sink, sends } = flakySink(clock, 0);
    const q = new ExportQueue(sink, options, clock, silentDiagnostics, () => 1);
    q.push(1);
    q.push(2);
    q.push(3);
    await clock.advance(0);
    expect(sends).toEqual([{ at: 0, items: [1, 2] }]);
    await clock.advance(99);
    expect(sends).toHaveLength(1);
    await clock.advance(1);
    expect(sends[1]).toEqual({ at: 100, items: [3] });
    expect(q.stats()).toMatchObject({ enqueued: 3, exported: 3, pending: 0 });
  });

  it('drops and counts when full; retries with doubling, capped backoff; keeps order', async () => {
    const clock = new ManualScheduler();
    const { sink, sends } = flakySink(clock, 4);
    const q = new ExportQueue(sink, options, clock, silentDiagnostics, () => 1);
    for (let i = 1; i <= 8; i++) q.push(i);
    // Nothing is sent on push: the worker takes the first batch when its timer fires.
    expect(q.stats()).toMatchObject({ enqueued: 5, droppedQueueFull: 3 });
    await clock.advance(2_000);
    // Backoff with jitter source 1: 100, 200, 400, 400 ms between the failed attempts.
    expect(sends.slice(0, 5).map((s) => s.at)).toEqual([0, 100, 300, 700, 1100]);
    expect(sends.flatMap((s, i) => (i >= 4 ? s.items : []))).toEqual([1, 2, 3, 4, 5]);
    expect(q.stats()).toMatchObject({ exported: 5, retries: 4, droppedFailed: 0, pending: 0 });
  });

  it('drops a batch once the retry window has passed; flush resolves false on timeout, never rejects', async () => {
    const clock = new ManualScheduler();
    const { sink } = flakySink(clock, Infinity);
    const q = new ExportQueue(sink, { ...options, retryWindowMs: 1_000 }, clock, silentDiagnostics, () => 1);
    q.push(1);
    const flushed = q.flush(500);
    await clock.advance(600);
    expect(await flushed).toBe(false);
    await clock.advance(2_000);
    expect(q.stats()).toMatchObject({ exported: 0, droppedFailed: 1, pending: 0 });
    expect(await q.flush(10)).toBe(true);
  });

  it('a flush waits for what was queued before it, not for what keeps arriving', async () => {
    const clock = new ManualScheduler();
    const { sink, sends } = flakySink(clock, 0);
    const q = new ExportQueue(sink, { ...options, maxQueueSize: 100 }, clock, silentDiagnostics, () => 1);
    q.push(1);
    q.push(2);
    q.push(3);
    let flushed = false;
    void q.flush(10_000).then((ok) => (flushed = ok));
    q.push(4);
    q.push(5);
    await clock.advance(0);
    // The first batch [1, 2] went out at once; the flush still waits for 3.
    expect(sends.map((x) => x.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(flushed).toBe(true);
    expect(q.stats().pending).toBe(1);
  });

  it('a throwing sink counts as a transient failure', async () => {
    const clock = new ManualScheduler();
    let calls = 0;
    const q = new ExportQueue<number>(
      {
        send: async (b) => {
          if (++calls === 1) throw new Error('boom');
          return { retry: [], failed: 0 };
          void b;
        },
      },
      options,
      clock,
      silentDiagnostics,
      () => 1,
    );
    q.push(1);
    await clock.advance(1_000);
    expect(q.stats()).toMatchObject({ exported: 1, retries: 1 });
  });
});
