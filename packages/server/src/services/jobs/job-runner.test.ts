import { afterEach, beforeEach, expect, it, onTestFinished } from 'vitest';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { TestClock } from '../../testing/test-clock.js';
import type { JobHandler } from './job-handler.js';
import { backoffDelay, JobRunner, type JobRunnerOptions } from './job-runner.js';
import { openJobTestDb, type JobTestDb } from './testing/job-test-db.js';

const OPTIONS: JobRunnerOptions = {
  concurrency: 4,
  pollIntervalMs: 1000,
  leaseMs: 30_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  jitterMs: 1000,
  random: () => 0.5,
};

it('backs off exponentially from the base, capped, plus jitter', () => {
  const opts = { backoffBaseMs: 1000, backoffMaxMs: 60_000, jitterMs: 1000 };
  expect([1, 2, 3, 4, 7, 20].map((n) => backoffDelay(n, opts, () => 0))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  expect(backoffDelay(1, opts, () => 0.999)).toBe(1999);
});

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'JobRunner', () => {
    let t: JobTestDb;
    let clock: TestClock;
    const runners: JobRunner[] = [];
    const runner = (options: Partial<JobRunnerOptions> = {}, store = t.jobs) => {
      const r = new JobRunner(store, clock, { ...OPTIONS, ...options });
      runners.push(r);
      return r;
    };
    beforeEach(async () => {
      t = await openJobTestDb(backend);
      clock = new TestClock();
    });
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      await t.dispose();
    });

    it('runs a job once and removes it; the handler gets its payload and attempt', async () => {
      const seen: unknown[] = [];
      const r = runner().register({ kind: 'echo', run: async (job) => void seen.push([job.payload, job.attempt, job.maxAttempts]) } satisfies JobHandler<{
        n: number;
      }>);
      await r.enqueue([{ kind: 'echo', payload: { n: 1 }, maxAttempts: 3 }]);
      expect(await r.runDue()).toBe(1);
      expect(seen).toEqual([[{ n: 1 }, 1, 3]]);
      expect(await t.jobs.list('echo', 10)).toEqual([]);
      expect(await r.runDue()).toBe(0);
    });

    it('retries a throwing handler after 1 s, then 2 s (plus jitter), and fails it with the last error once its attempts are used up', async () => {
      let calls = 0;
      const r = runner().register({
        kind: 'flaky',
        run: async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
      });
      await r.enqueue([{ kind: 'flaky', payload: null, maxAttempts: 3 }]);
      const start = clock.now();
      await r.runDue();
      const [afterFirst] = await t.jobs.list('flaky', 1);
      expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastError: 'boom 1', runAt: start + 1000 + 500 });
      clock.advance(1499);
      expect(await r.runDue()).toBe(0);
      clock.advance(1);
      expect(await r.runDue()).toBe(1);
      expect((await t.jobs.list('flaky', 1))[0]).toMatchObject({ attempts: 2, lastError: 'boom 2', runAt: clock.now() + 2000 + 500 });
      clock.advance(2500);
      await r.runDue();
      expect((await t.jobs.list('flaky', 1))[0]).toMatchObject({ status: 'failed', attempts: 3, lastError: 'boom 3', lockedBy: null });
      clock.advance(3_600_000);
      expect(await r.runDue()).toBe(0);
      expect(calls).toBe(3);
    });

    it('keeps the jobs enqueued with keep as succeeded, and removes finished jobs once the retention has passed, on its purge timer', async () => {
      const r = runner({ retentionMs: 10_000, purgeIntervalMs: 60_000 }).register({
        kind: 'asked',
        run: async (job) => (job.payload === 'bad' ? { outcome: 'fail', error: 'no' } : undefined),
      });
      await r.enqueue([
        { kind: 'asked', payload: 'good', keep: true },
        { kind: 'asked', payload: 'bad' },
        { kind: 'asked', payload: 'quiet' },
      ]);
      await r.runDue();
      expect((await t.jobs.list('asked', 10)).map((j) => [j.payload, j.status])).toEqual([
        ['good', 'succeeded'],
        ['bad', 'failed'],
      ]);
      r.start();
      // Not yet purged: the timer has not fired, and when it does the jobs are younger than 10 s.
      clock.advance(9_000);
      expect(await r.purgeFinished()).toBe(0);
      clock.advance(51_000);
      await expect.poll(async () => (await t.jobs.list('asked', 10)).length).toBe(0);
    });

    it('retries at the time the handler chose, and fails at once when it says so', async () => {
      const r = runner().register({
        kind: 'choosy',
        run: async (job) =>
          job.payload === 'later' ? { outcome: 'retry', error: 'HTTP 429', at: clock.now() + 120_000 } : { outcome: 'fail', error: 'HTTP 410' },
      });
      await r.enqueue([
        { kind: 'choosy', payload: 'later' },
        { kind: 'choosy', payload: 'never' },
      ]);
      const now = clock.now();
      await r.runDue();
      const jobs = await t.jobs.list('choosy', 10);
      expect(jobs.map((j) => [j.payload, j.status, j.runAt, j.lastError])).toEqual([
        ['later', 'pending', now + 120_000, 'HTTP 429'],
        ['never', 'failed', now + OPTIONS.leaseMs, 'HTTP 410'],
      ]);
    });

    it('picks up enqueued work at once when woken, and work from elsewhere at the next poll', async () => {
      const done: string[] = [];
      let notify: () => void = () => {};
      const r = runner().register({
        kind: 'note',
        run: async (job) => {
          done.push(job.payload as string);
          notify();
        },
      });
      const ran = (n: number) => new Promise<void>((resolve) => (notify = () => done.length >= n && resolve()));
      const firstPoll = clock.nextTimer();
      r.start();
      expect(await firstPoll).toBe(OPTIONS.pollIntervalMs);
      // enqueue() wakes the runner: no clock movement needed.
      const running = ran(1);
      await r.enqueue([{ kind: 'note', payload: 'woken' }]);
      await running;
      // Enqueued by another server (straight into the store, no wake), due in a second: found by a poll.
      await t.jobs.enqueue(
        [{ kind: 'note', payload: 'polled' }].map((j) => ({ ...j, runAt: clock.now() + OPTIONS.pollIntervalMs })),
        clock.now(),
      );
      await expect.poll(() => r.running).toBe(0);
      expect(done).toEqual(['woken']);
      await expect
        .poll(() => {
          clock.advance(OPTIONS.pollIntervalMs);
          return done;
        })
        .toEqual(['woken', 'polled']);
    });

    it('runs at most `concurrency` jobs at once and renews the leases of long ones', async () => {
      let active = 0;
      let peak = 0;
      const gates: (() => void)[] = [];
      let started: () => void = () => {};
      const r = runner({ concurrency: 2, leaseMs: 3000 }).register({
        kind: 'slow',
        run: () =>
          new Promise<void>((resolve) => {
            active++;
            peak = Math.max(peak, active);
            gates.push(() => {
              active--;
              resolve();
            });
            started();
          }),
      });
      await t.jobs.enqueue(
        Array.from({ length: 5 }, (_, i) => ({ kind: 'slow', payload: i })),
        clock.now(),
      );
      const twoStarted = new Promise<void>((resolve) => (started = () => gates.length === 2 && resolve()));
      r.start();
      await twoStarted;
      onTestFinished(() => gates.forEach((open) => open()));
      expect(r.running).toBe(2);
      // Leases are renewed every third of their length while the handlers run: nobody else can take them.
      const other = t.connect();
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await expect.poll(async () => (await t.jobs.list('slow', 10)).filter((j) => j.status === 'running' && j.runAt > clock.now() + 1000).length).toBe(2);
      expect(await other.jobs.claim({ kinds: ['slow'], worker: 'intruder', limit: 10, now: clock.now() + 500, leaseMs: 1000 })).toHaveLength(3);
      await other.close();
      expect(peak).toBe(2);
      for (const open of gates) open();
    });

    it("runs no more of a kind at once than its handler's maxRunning allows right now, while other kinds use the free slots", async () => {
      let cap = 1;
      const gates: (() => void)[] = [];
      const running = { capped: 0, free: 0 };
      const hold = (kind: 'capped' | 'free') => () =>
        new Promise<void>((resolve) => {
          running[kind]++;
          gates.push(() => {
            running[kind]--;
            resolve();
          });
        });
      const r = runner({ concurrency: 6 })
        .register({ kind: 'capped', run: hold('capped'), maxRunning: () => cap })
        .register({ kind: 'free', run: hold('free') });
      await t.jobs.enqueue(
        [...Array.from({ length: 5 }, (_, i) => ({ kind: 'capped', payload: i })), ...Array.from({ length: 3 }, (_, i) => ({ kind: 'free', payload: i }))],
        clock.now(),
      );
      r.start();
      await expect.poll(() => running).toEqual({ capped: 1, free: 3 });
      // The cap rises (the server is no longer saturated): the next poll takes more, up to the free slots.
      cap = Infinity;
      await expect
        .poll(() => {
          clock.advance(OPTIONS.pollIntervalMs);
          return running.capped;
        })
        .toBe(3);
      expect(r.running).toBe(6);
      for (const open of gates.splice(0)) open();
    });

    it.runIf(backend.name === 'postgresql')('shares one queue between two runners on separate connections, never running a job twice at once', async () => {
      const total = 40;
      const runs = new Map<number, number>();
      const active = new Set<number>();
      const byRunner = new Map<string, number>();
      let overlaps = 0;
      let release: () => void = () => {};
      // Every handler waits until eight run at once (both runners full), so each runner holds its share.
      const bothFull = new Promise<void>((resolve) => (release = resolve));
      let finished: () => void = () => {};
      const allDone = new Promise<void>((resolve) => (finished = resolve));
      let completed = 0;
      const handler = (name: string) => ({
        kind: 'shared',
        run: async (job: { payload: unknown }) => {
          const n = job.payload as number;
          if (active.has(n)) overlaps++;
          active.add(n);
          runs.set(n, (runs.get(n) ?? 0) + 1);
          byRunner.set(name, (byRunner.get(name) ?? 0) + 1);
          if (active.size >= 8) release();
          await bothFull;
          await new Promise((resolve) => setImmediate(resolve));
          active.delete(n);
          if (++completed === total) finished();
        },
      });
      const a = runner({ concurrency: 4 }).register(handler('a'));
      const other = t.connect();
      const b = runner({ concurrency: 4 }, other.jobs).register(handler('b'));
      await t.jobs.enqueue(
        Array.from({ length: total }, (_, i) => ({ kind: 'shared', payload: i })),
        clock.now(),
      );
      a.start();
      b.start();
      await allDone;
      await Promise.all([a.stop(), b.stop()]);
      await other.close();
      expect(overlaps).toBe(0);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(runs.size).toBe(total);
      expect(byRunner.get('a')).toBeGreaterThanOrEqual(4);
      expect(byRunner.get('b')).toBeGreaterThanOrEqual(4);
      expect(await t.jobs.list('shared', 100)).toEqual([]);
    });

    it('stops gracefully: a handler that gives up on the stop signal leaves its job due again, attempt uncounted', async () => {
      let started: () => void = () => {};
      const running = new Promise<void>((resolve) => (started = resolve));
      const r = runner().register({
        kind: 'abortable',
        run: (_job, signal) =>
          new Promise<void>((_resolve, reject) => {
            started();
            signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      });
      await r.enqueue([{ kind: 'abortable', payload: 1 }]);
      r.start();
      await running;
      await r.stop();
      expect(await t.jobs.list('abortable', 10)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, lockedBy: null, runAt: clock.now() })]);
    });

    it('drains (SIGTERM): claims nothing more, lets the jobs under way finish within the grace period, then gives the rest back', async () => {
      const started: unknown[] = [];
      let bothStarted: () => void = () => {};
      const both = new Promise<void>((resolve) => (bothStarted = resolve));
      let finishFirst: () => void = () => {};
      const firstMayFinish = new Promise<void>((resolve) => (finishFirst = resolve));
      const r = runner().register({
        kind: 'slow',
        run: (job, signal) =>
          new Promise<void>((resolve, reject) => {
            started.push(job.payload);
            if (started.length === 2) bothStarted();
            if (job.payload === 1) void firstMayFinish.then(resolve);
            signal.addEventListener('abort', () => reject(new Error('aborted')));
          }),
      });
      await r.enqueue([
        { kind: 'slow', payload: 1 },
        { kind: 'slow', payload: 2 },
      ]);
      r.start();
      await both;
      const grace = clock.nextTimer();
      const drained = r.drain(20_000);
      expect(await grace).toBe(20_000);
      // Work queued meanwhile (here or by another server) is left for the servers that keep running.
      await t.jobs.enqueue([{ kind: 'slow', payload: 3 }], clock.now());
      finishFirst();
      clock.advance(20_000);
      await drained;
      expect(started).toEqual([1, 2]);
      const left = await t.jobs.list('slow', 10);
      expect(left.map((j) => [j.payload, j.status, j.attempts, j.lockedBy])).toEqual([
        [2, 'pending', 0, null],
        [3, 'pending', 0, null],
      ]);
    });
  });
}
