import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TraceStore } from '../../store/trace-store.js';
import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { openSqlStores, type SqlTestStores } from '../../testing/sql-stores.js';
import { TestClock } from '../../testing/test-clock.js';
import { createTestLoupe } from '../../testing/test-loupe.js';
import { createDialect } from '../../store/sql/dialects/create-dialect.js';
import { SqlTraceStore } from '../../store/sql/sql-trace-store.js';
import { retentionDays, TraceRetention } from './trace-retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 24);

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'trace retention', () => {
    let s: SqlTestStores;
    let deleteCalls: number;
    let counted: TraceStore;
    let clock: TestClock;
    beforeEach(async () => {
      s = await openSqlStores(backend);
      clock = new TestClock(NOW);
      deleteCalls = 0;
      // The real store, with its deleteTraces calls counted (to see the batches).
      counted = Object.create(s.traces, {
        deleteTraces: { value: (...args: Parameters<TraceStore['deleteTraces']>) => (deleteCalls++, s.traces.deleteTraces(...args)) },
      }) as TraceStore;
    });
    afterEach(async () => {
      await s.dispose();
    });

    const experiment = (name: string, retention?: string) =>
      s.experiments.createExperiment({
        name,
        artifactLocation: (id) => `mlflow-artifacts:/${id}`,
        tags: retention ? [{ key: 'loupe.trace.retentionDays', value: retention }] : [],
        now: 1,
      });
    const trace = (experimentId: string, id: string, ageDays: number) =>
      s.traces.upsertTraceInfo({ traceId: id, experimentId, requestTimeMs: NOW - ageDays * DAY, state: 'OK', tags: {}, metadata: {} });
    const surviving = async (experimentId: string) =>
      (await s.traces.searchTraces({ experimentIds: [experimentId], filter: [], orderBy: [], page: { offset: 0, limit: 100 } })).items
        .map((t) => t.traceId)
        .sort();
    const retention = (defaultDays: number | undefined, batchSize = 500, pauseMs = 0) =>
      new TraceRetention(counted, s.experiments, clock, { ...(defaultDays !== undefined ? { defaultDays } : {}), batchSize, pauseMs });

    it('deletes traces past their experiment tag, else the server default; never means never', async () => {
      const byDefault = await experiment('default');
      const week = await experiment('week', '7');
      const forever = await experiment('forever', 'never');
      for (const [exp, prefix] of [
        [byDefault, 'd'],
        [week, 'w'],
        [forever, 'f'],
      ] as const) {
        for (const age of [1, 10, 40]) await trace(exp, `tr-${prefix}${age}`, age);
      }
      const report = await retention(30).runOnce();
      // The Default experiment counts too: the server default covers it.
      expect(report).toEqual({ tracesDeleted: 3, experiments: 3 });
      expect(await surviving(byDefault)).toEqual(['tr-d1', 'tr-d10']);
      expect(await surviving(week)).toEqual(['tr-w1']);
      expect(await surviving(forever)).toEqual(['tr-f1', 'tr-f10', 'tr-f40']);
      // Without a server default only tagged experiments expire.
      await trace(byDefault, 'tr-d99', 99);
      expect(await retention(undefined).runOnce()).toEqual({ tracesDeleted: 0, experiments: 1 });
      expect(await surviving(byDefault)).toContain('tr-d99');
    });

    it('deletes in bounded batches and lets other writes run between them', async () => {
      const exp = await experiment('busy', '1');
      for (let i = 0; i < 5; i++) await trace(exp, `tr-old${i}`, 2);
      let pause = clock.nextTimer();
      let finished = false;
      const pass = retention(undefined, 2, 30)
        .runOnce()
        .finally(() => (finished = true));
      // The pass waits between batches, holding no transaction: a write goes through meanwhile.
      expect(await pause).toBe(30);
      expect(deleteCalls).toBe(1);
      await trace(exp, 'tr-new', 0);
      expect(finished).toBe(false);
      pause = clock.nextTimer();
      clock.advance(30);
      expect(await pause).toBe(30);
      expect(deleteCalls).toBe(2);
      clock.advance(30);
      const report = await pass;
      expect(report.tracesDeleted).toBe(5);
      expect(deleteCalls).toBe(3);
      expect(await surviving(exp)).toEqual(['tr-new']);
    });

    it('stops in the pause between batches, without waiting it out', async () => {
      const exp = await experiment('stopping', '1');
      for (let i = 0; i < 5; i++) await trace(exp, `tr-old${i}`, 2);
      const r = retention(undefined, 2, 60_000);
      const pause = clock.nextTimer();
      const pass = r.runOnce();
      await pause;
      await r.stop();
      expect((await pass).tracesDeleted).toBe(2);
      expect(clock.pendingTimers).toBe(0);
    });

    it('runs in the background every interval until stopped, joining a pass under way', async () => {
      const exp = await experiment('bg', '1');
      await trace(exp, 'tr-old', 3);
      const r = retention(undefined);
      // The first pass runs at once; the next is set for an interval after it ends.
      let next = clock.nextTimer();
      r.start(60_000);
      expect(await next).toBe(60_000);
      expect(await surviving(exp)).toEqual([]);
      await trace(exp, 'tr-older', 2);
      clock.advance(59_999);
      expect(await surviving(exp)).toEqual(['tr-older']);
      next = clock.nextTimer();
      clock.advance(1);
      expect(await next).toBe(60_000);
      expect(await surviving(exp)).toEqual([]);
      await r.stop();
      expect(clock.pendingTimers).toBe(0);
      const [a, b] = await Promise.all([r.runOnce(), r.runOnce()]);
      expect(a).toBe(b);
    });

    it.skipIf(backend.name !== 'postgresql')('runs one pass at a time on two servers sharing the database: the other skips while one deletes', async () => {
      const database = await backend.create();
      const clockA = new TestClock(NOW);
      const a = await createTestLoupe({ database, clock: clockA, traceRetentionDays: 1 });
      const b = await createTestLoupe({ database, clock: new TestClock(NOW), traceRetentionDays: 1 });
      try {
        const exp = (await a.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'shared' })).body.experiment_id as string;
        const store = new SqlTraceStore(a.db, createDialect(database.uri));
        // One more than a batch (500 in main.ts), so server a pauses between two batches.
        for (let i = 0; i < 501; i++) {
          await store.upsertTraceInfo({ traceId: `tr-shared${i}`, experimentId: exp, requestTimeMs: NOW - 2 * DAY, state: 'OK', tags: {}, metadata: {} });
        }
        const pause = clockA.nextTimer();
        const passA = a.retention.runOnce();
        expect(await pause).toBe(5);
        expect(await b.retention.runOnce()).toEqual({ tracesDeleted: 0, experiments: 0, skipped: true });
        clockA.advance(5);
        expect((await passA).tracesDeleted).toBe(501);
        // Once a's pass is over, b's next one runs (and finds nothing left).
        const after = await b.retention.runOnce();
        expect(after.skipped).toBeUndefined();
        expect(after.tracesDeleted).toBe(0);
      } finally {
        await b.close();
        await a.dispose();
      }
    });
  });
}

it('reads the retention tag, falling back to the server default for a value that is not valid', () => {
  const tags = (value: string) => ({ tags: [{ key: 'loupe.trace.retentionDays', value }] });
  expect(retentionDays(tags('7'), 30)).toBe(7);
  expect(retentionDays(tags('never'), 30)).toBeNull();
  expect(retentionDays(tags('soon'), 30)).toBe(30);
  expect(retentionDays({ tags: [] }, undefined)).toBeNull();
});

it('validates the retention tag on the experiment APIs', async () => {
  const loupe = await createTestLoupe();
  try {
    const bad = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'r', tags: [{ key: 'loupe.trace.retentionDays', value: '0' }] });
    expect(bad).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('loupe.trace.retentionDays') } });
    const id = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'r', tags: [{ key: 'loupe.trace.retentionDays', value: '30' }] })).body
      .experiment_id;
    const set = (value: string) =>
      loupe.call('POST', '/api/2.0/mlflow/experiments/set-experiment-tag', { experiment_id: id, key: 'loupe.trace.retentionDays', value });
    expect((await set('never')).status).toBe(200);
    expect((await set('7.5')).status).toBe(400);
    expect((await set('36501')).status).toBe(400);
  } finally {
    await loupe.dispose();
  }
});

it('DeleteTraces by timestamp deletes past one batch, in bounded transactions, honouring max_traces', async () => {
  const loupe = await createTestLoupe();
  try {
    const exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'many' })).body.experiment_id as string;
    const start = (i: number) =>
      loupe.call('POST', '/api/3.0/mlflow/traces', {
        trace: {
          trace_info: {
            trace_id: `tr-${i.toString(16).padStart(32, '0')}`,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: new Date(1_700_000_000_000 + i).toISOString(),
            state: 'OK',
          },
        },
      });
    for (let i = 0; i < 2_300; i++) expect((await start(i)).status).toBe(200);
    const del = (body: Record<string, unknown>) => loupe.call('POST', '/api/3.0/mlflow/traces/delete-traces', { experiment_id: exp, ...body });
    expect((await del({ max_timestamp_millis: 1_700_000_000_000 + 2_000, max_traces: 1_500 })).body).toEqual({ traces_deleted: 1_500 });
    expect((await del({ max_timestamp_millis: 1_700_000_000_000 + 2_000 })).body).toEqual({ traces_deleted: 501 });
    const left = await loupe.call('POST', '/api/3.0/mlflow/traces/search', { experiment_ids: [exp], max_results: 500, order_by: ['timestamp_ms ASC'] });
    expect((left.body.traces as unknown[]).length).toBe(299);
  } finally {
    await loupe.dispose();
  }
});
