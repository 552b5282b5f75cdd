import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStore } from '../job-store.js';

/** A fresh job store, and a second one on the same database through its own connections (another server). */
export interface JobStores {
  jobs: JobStore;
  other: JobStore;
  dispose(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const LEASE = 60_000;
const claimAs = (store: JobStore, worker: string, now = T0, limit = 10, kinds = ['k']) => store.claim({ kinds, worker, limit, now, leaseMs: LEASE });

/**
 * The durable job queue (ADR 0012): due order, leases and their takeover, holder-only transitions,
 * dedupe keys, and concurrent claims from two connections never handing one job out twice.
 *
 * @example
 * jobStoreContract(() => openJobStores(backend));
 */
export function jobStoreContract(factory: () => Promise<JobStores>): void {
  describe('JobStore contract', () => {
    let s: JobStores;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.dispose();
    });

    it('claims due jobs of the asked kinds in due order, counting an attempt and leasing them', async () => {
      await s.jobs.enqueue(
        [
          { kind: 'k', payload: { n: 2 }, runAt: T0 - 10 },
          { kind: 'k', payload: { n: 1 }, runAt: T0 - 20 },
          { kind: 'k', payload: { n: 3 }, runAt: T0 + 1 },
          { kind: 'other', payload: { n: 4 } },
        ],
        T0 - 100,
      );
      const claimed = await claimAs(s.jobs, 'w1');
      expect(claimed.map((j) => j.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(claimed[0]).toMatchObject({ kind: 'k', status: 'running', attempts: 1, maxAttempts: 5, lockedBy: 'w1', runAt: T0 + LEASE, createdAt: T0 - 100 });
      // Held jobs are not handed out again before their lease runs out, to anyone.
      expect(await claimAs(s.jobs, 'w2')).toEqual([]);
      expect(await claimAs(s.jobs, 'w2', T0 + 1)).toEqual([expect.objectContaining({ payload: { n: 3 } })]);
    });

    it('hands a job whose lease ran out to another worker; the old holder can no longer change it', async () => {
      await s.jobs.enqueue([{ kind: 'k', payload: {} }], T0);
      const [first] = await claimAs(s.jobs, 'w1');
      expect(await claimAs(s.jobs, 'w2', T0 + LEASE - 1)).toEqual([]);
      const [taken] = await claimAs(s.jobs, 'w2', T0 + LEASE);
      expect(taken).toMatchObject({ id: first?.id, attempts: 2, lockedBy: 'w2' });
      expect(await s.jobs.complete(first!, 'w1', T0)).toBe(false);
      expect(await s.jobs.retry(first!.id, 'w1', T0, 'late', T0)).toBe(false);
      expect(await s.jobs.extendLease(first!.id, 'w1', T0 + 10 * LEASE)).toBe(false);
      expect(await s.jobs.complete(first!, 'w2', T0)).toBe(true);
      expect(await s.jobs.get(first!.id)).toBeUndefined();
    });

    it('extends a lease for its holder', async () => {
      await s.jobs.enqueue([{ kind: 'k', payload: {} }], T0);
      const [job] = await claimAs(s.jobs, 'w1');
      expect(await s.jobs.extendLease(job!.id, 'w1', T0 + 5 * LEASE)).toBe(true);
      expect(await claimAs(s.jobs, 'w2', T0 + 2 * LEASE)).toEqual([]);
      expect((await s.jobs.get(job!.id))?.runAt).toBe(T0 + 5 * LEASE);
    });

    it('retries at the given time with the error kept, fails for good, and releases without counting the attempt', async () => {
      await s.jobs.enqueue(
        [
          { kind: 'k', payload: 'a', maxAttempts: 3 },
          { kind: 'k', payload: 'b' },
          { kind: 'k', payload: 'c' },
        ],
        T0,
      );
      const [a, b, c] = await claimAs(s.jobs, 'w1');
      expect(await s.jobs.retry(a!.id, 'w1', T0 + 5000, 'HTTP 503', T0 + 1)).toBe(true);
      expect(await s.jobs.get(a!.id)).toMatchObject({
        status: 'pending',
        runAt: T0 + 5000,
        attempts: 1,
        maxAttempts: 3,
        lastError: 'HTTP 503',
        lockedBy: null,
        updatedAt: T0 + 1,
      });
      expect(await s.jobs.fail(b!.id, 'w1', 'gave up', T0 + 2)).toBe(true);
      expect(await s.jobs.get(b!.id)).toMatchObject({ status: 'failed', lastError: 'gave up', lockedBy: null });
      expect(await s.jobs.release(c!.id, 'w1', T0 + 3)).toBe(true);
      expect(await s.jobs.get(c!.id)).toMatchObject({ status: 'pending', attempts: 0, runAt: T0 + 3 });
      // Failed jobs are never claimed again; the retried one is, once due.
      expect((await claimAs(s.jobs, 'w2', T0 + 4999)).map((j) => j.payload)).toEqual(['c']);
      expect((await claimAs(s.jobs, 'w2', T0 + 5000)).map((j) => j.payload)).toEqual(['a']);
    });

    it('skips a dedupe key that is already queued, and keeps payloads as given', async () => {
      expect(await s.jobs.enqueue([{ kind: 'k', payload: { deep: [1, 'x', null] }, dedupeKey: 'd1' }], T0)).toBe(1);
      expect(
        await s.jobs.enqueue(
          [
            { kind: 'k', payload: 'again', dedupeKey: 'd1' },
            { kind: 'k', payload: 'new', dedupeKey: 'd2' },
          ],
          T0,
        ),
      ).toBe(1);
      const listed = await s.jobs.list('k', 10);
      expect(listed.map((j) => [j.payload, j.dedupeKey])).toEqual([
        [{ deep: [1, 'x', null] }, 'd1'],
        ['new', 'd2'],
      ]);
    });

    it('keeps a job enqueued with keep as succeeded, its dedupe key freed; removes the others when they succeed', async () => {
      await s.jobs.enqueue(
        [
          { kind: 'k', payload: 'kept', dedupeKey: 'dk', keep: true },
          { kind: 'k', payload: 'gone', dedupeKey: 'dg' },
        ],
        T0,
      );
      const [kept, gone] = await claimAs(s.jobs, 'w1');
      expect(kept).toMatchObject({ payload: 'kept', keep: true });
      expect(gone).toMatchObject({ payload: 'gone', keep: false });
      expect(await s.jobs.complete(kept!, 'w1', T0 + 5)).toBe(true);
      expect(await s.jobs.complete(gone!, 'w1', T0 + 5)).toBe(true);
      expect(await s.jobs.get(kept!.id)).toMatchObject({ status: 'succeeded', lockedBy: null, dedupeKey: null, updatedAt: T0 + 5 });
      expect(await s.jobs.get(gone!.id)).toBeUndefined();
      // A succeeded job is never claimed again, nor completed twice; its key may be queued anew.
      expect(await claimAs(s.jobs, 'w2', T0 + 10 * LEASE)).toEqual([]);
      expect(await s.jobs.complete(kept!, 'w1', T0 + 6)).toBe(false);
      expect(await s.jobs.enqueue([{ kind: 'k', payload: 'again', dedupeKey: 'dk' }], T0)).toBe(1);
      expect((await s.jobs.search({ kinds: ['k'], statuses: ['succeeded'], limit: 10 })).map((j) => j.payload)).toEqual(['kept']);
    });

    it('purges finished jobs older than the cutoff, oldest first and in batches, never unfinished ones', async () => {
      await s.jobs.enqueue(
        ['ok-1', 'ok-2', 'fail-1', 'pending'].map((payload) => ({ kind: 'k', payload, keep: true, maxAttempts: 1 })),
        T0,
      );
      const claimed = await claimAs(s.jobs, 'w1', T0, 3);
      const byPayload = new Map(claimed.map((j) => [j.payload, j]));
      await s.jobs.complete(byPayload.get('ok-1')!, 'w1', T0 + 1);
      await s.jobs.fail(byPayload.get('fail-1')!.id, 'w1', 'boom', T0 + 2);
      await s.jobs.complete(byPayload.get('ok-2')!, 'w1', T0 + 3);
      expect(await s.jobs.purgeFinished(T0 + 3, 1)).toBe(1);
      expect((await s.jobs.list('k', 10)).map((j) => j.payload)).toEqual(['ok-2', 'fail-1', 'pending']);
      expect(await s.jobs.purgeFinished(T0 + 3, 10)).toBe(1);
      expect((await s.jobs.list('k', 10)).map((j) => [j.payload, j.status])).toEqual([
        ['ok-2', 'succeeded'],
        ['pending', 'pending'],
      ]);
      expect(await s.jobs.purgeFinished(T0 + 100 * LEASE, 10)).toBe(1);
      expect((await s.jobs.list('k', 10)).map((j) => j.payload)).toEqual(['pending']);
    });

    it('never hands one job to two workers claiming at the same moment from separate connections', async () => {
      const total = 60;
      await s.jobs.enqueue(
        Array.from({ length: total }, (_, i) => ({ kind: 'k', payload: i })),
        T0,
      );
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => claimAs(i % 2 === 0 ? s.jobs : s.other, `w${i}`, T0, 7)));
      const ids = claims.flat().map((j) => j.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(total);
    });
  });
}
