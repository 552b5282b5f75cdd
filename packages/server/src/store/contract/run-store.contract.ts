import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter, OrderBy, RunFilterEntity } from '@loupe/protocol';
import type { TrackingStores, TrackingStoresFactory } from './tracking-contract.js';

const NOW = 1_700_000_000_000;
let seq = 0;
const newRunId = () => (++seq).toString(16).padStart(32, 'a');

/**
 * The behaviour every RunStore must have, run by each backend's test file.
 *
 * @example
 * runStoreContract(() => openStoresOn(sqliteUri));
 */
export function runStoreContract(factory: TrackingStoresFactory): void {
  describe('RunStore contract', () => {
    let s: TrackingStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `e${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const run = async (over: { name?: string; startTime?: number; tags?: { key: string; value: string }[] } = {}) => {
      const runId = newRunId();
      await s.runs.createRun({
        runId,
        experimentId: exp,
        name: over.name ?? 'r',
        userId: 'ann',
        startTime: over.startTime ?? NOW,
        artifactUri: `mlflow-artifacts:/${exp}/${runId}/artifacts`,
        tags: over.tags ?? [],
      });
      return runId;
    };
    const metric = (key: string, value: number, step = 0, timestamp = NOW) => ({ key, value, step, timestamp });

    it('creates a run in RUNNING state and reads it back whole', async () => {
      const id = await run({ name: 'first', tags: [{ key: 't', value: 'v' }] });
      const r = await s.runs.getRun(id);
      expect(r?.info).toEqual({
        runId: id,
        experimentId: exp,
        runName: 'first',
        userId: 'ann',
        status: 'RUNNING',
        startTime: NOW,
        artifactUri: `mlflow-artifacts:/${exp}/${id}/artifacts`,
        lifecycleStage: 'active',
      });
      expect(r?.inputs).toEqual({ datasetInputs: [], modelInputs: [] });
      expect(r?.outputs).toEqual({ modelOutputs: [] });
      expect(r?.data).toEqual({ metrics: [], params: [], tags: [{ key: 't', value: 'v' }] });
      expect(await s.runs.getRun('f'.repeat(32))).toBeUndefined();
    });

    it('updates status, end time and name (name mirrored in mlflow.runName)', async () => {
      const id = await run();
      const info = await s.runs.updateRunInfo(id, { status: 'FINISHED', endTime: NOW + 10, runName: 'renamed' });
      expect(info).toMatchObject({ status: 'FINISHED', endTime: NOW + 10, runName: 'renamed' });
      expect((await s.runs.getRun(id))?.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
    });

    it('keeps params write-once: same value is a no-op, a different one fails atomically', async () => {
      const id = await run();
      await s.runs.logBatch(id, { metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
      await s.runs.logBatch(id, { metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
      await expect(
        s.runs.logBatch(id, { metrics: [metric('m', 1)], params: [{ key: 'lr', value: '0.2' }], tags: [{ key: 't', value: 'x' }] }),
      ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      const r = await s.runs.getRun(id);
      expect(r?.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect(r?.data.metrics).toEqual([]);
      expect(r?.data.tags).toEqual([]);
    });

    it('overwrites tags, last value in a batch wins, and deletes them', async () => {
      const id = await run();
      await s.runs.logBatch(id, {
        metrics: [],
        params: [],
        tags: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      });
      await s.runs.logBatch(id, { metrics: [], params: [], tags: [{ key: 'b', value: '3' }] });
      expect((await s.runs.getRun(id))?.data.tags).toEqual([
        { key: 'a', value: '2' },
        { key: 'b', value: '3' },
      ]);
      expect(await s.runs.deleteRunTag(id, 'a')).toBe(true);
      expect(await s.runs.deleteRunTag(id, 'a')).toBe(false);
    });

    it('keeps metric history and the latest value by (step, timestamp, value)', async () => {
      const id = await run();
      await s.runs.logBatch(id, { metrics: [metric('loss', 3, 0, NOW), metric('loss', 2, 1, NOW + 1), metric('loss', 5, 1, NOW + 1)], params: [], tags: [] });
      await s.runs.logBatch(id, { metrics: [metric('loss', 9, 0, NOW + 50)], params: [], tags: [] });
      const history = await s.runs.getMetricHistory(id, 'loss');
      expect(history.items.map((m) => [m.value, m.step, m.timestamp])).toEqual([
        [3, 0, NOW],
        [2, 1, NOW + 1],
        [5, 1, NOW + 1],
        [9, 0, NOW + 50],
      ]);
      expect((await s.runs.getRun(id))?.data.metrics).toEqual([{ key: 'loss', value: 5, step: 1, timestamp: NOW + 1 }]);
    });

    it('ignores identical duplicate points and stores NaN and infinities', async () => {
      const id = await run();
      await s.runs.logBatch(id, { metrics: [metric('m', 1), metric('m', 1)], params: [], tags: [] });
      await s.runs.logBatch(id, { metrics: [metric('m', 1), metric('nan', NaN), metric('inf', Infinity, 0), metric('ninf', -Infinity)], params: [], tags: [] });
      expect((await s.runs.getMetricHistory(id, 'm')).items).toHaveLength(1);
      const metrics = Object.fromEntries(((await s.runs.getRun(id))?.data.metrics ?? []).map((m) => [m.key, m.value]));
      expect(metrics).toEqual({ inf: Infinity, m: 1, nan: NaN, ninf: -Infinity });
    });

    it('pages metric history', async () => {
      const id = await run();
      await s.runs.logBatch(id, { metrics: Array.from({ length: 5 }, (_, i) => metric('m', i, i, NOW + i)), params: [], tags: [] });
      const p1 = await s.runs.getMetricHistory(id, 'm', { offset: 0, limit: 3 });
      const p2 = await s.runs.getMetricHistory(id, 'm', { offset: 3, limit: 3 });
      expect([p1.hasMore, p2.hasMore]).toEqual([true, false]);
      expect([...p1.items, ...p2.items].map((m) => m.value)).toEqual([0, 1, 2, 3, 4]);
    });

    it('logs 1,000 metrics in one batch', async () => {
      const id = await run();
      await s.runs.logBatch(id, { metrics: Array.from({ length: 1000 }, (_, i) => metric(`k${i % 10}`, i, i)), params: [], tags: [] });
      expect((await s.runs.getMetricHistory(id, 'k3')).items).toHaveLength(100);
      expect((await s.runs.getRun(id))?.data.metrics).toHaveLength(10);
    });

    it('reads histories of several runs within a step range', async () => {
      const a = await run();
      const b = await run();
      await s.runs.logBatch(a, { metrics: [metric('m', 1, 1), metric('m', 2, 2), metric('m', 3, 3)], params: [], tags: [] });
      await s.runs.logBatch(b, { metrics: [metric('m', 4, 2)], params: [], tags: [] });
      const points = await s.runs.getMetricHistories([a, b], 'm', { startStep: 2, endStep: 3 });
      expect(points.map((p) => [p.runId, p.value]).sort()).toEqual(
        [
          [a, 2],
          [a, 3],
          [b, 4],
        ].sort(),
      );
    });

    it('logs dataset inputs (deduplicated per experiment), model inputs and outputs', async () => {
      const id = await run();
      const dataset = { name: 'train', digest: 'abc', sourceType: 'local', source: '/data', schema: '{}' };
      await s.runs.logInputs(id, exp, [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }], ['m-1']);
      await s.runs.logInputs(id, exp, [{ tags: [], dataset }], []);
      await s.runs.logOutputs(id, [{ modelId: 'm-2', step: 3 }]);
      const r = await s.runs.getRun(id);
      expect(r?.inputs).toEqual({
        datasetInputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
        modelInputs: [{ modelId: 'm-1' }],
      });
      expect(r?.outputs).toEqual({ modelOutputs: [{ modelId: 'm-2', step: 3 }] });
      expect(await s.runs.searchDatasets([exp])).toEqual([{ experimentId: exp, name: 'train', digest: 'abc', context: 'training' }]);
    });

    describe('searchRuns', () => {
      const search = async (
        filter: Filter<RunFilterEntity> = [],
        orderBy: OrderBy<RunFilterEntity>[] = [],
        viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' = 'ACTIVE_ONLY',
      ) => (await s.runs.searchRuns({ experimentIds: [exp], viewType, filter, orderBy, page: { offset: 0, limit: 100 } })).items.map((r) => r.info.runName);
      const num = (value: number) => ({ kind: 'number' as const, value });
      const str = (value: string) => ({ kind: 'string' as const, value });

      beforeEach(async () => {
        const a = await run({ name: 'a', startTime: NOW + 1 });
        const b = await run({ name: 'b', startTime: NOW + 2 });
        const c = await run({ name: 'c', startTime: NOW + 3 });
        const d = await run({ name: 'd', startTime: NOW + 4 });
        await s.runs.logBatch(a, { metrics: [metric('acc', 0.5)], params: [{ key: 'opt', value: 'adam' }], tags: [{ key: 'team', value: 'Core' }] });
        await s.runs.logBatch(b, { metrics: [metric('acc', 0.9)], params: [{ key: 'opt', value: 'sgd' }], tags: [] });
        await s.runs.logBatch(c, { metrics: [metric('acc', NaN)], params: [], tags: [{ key: 'team', value: 'edge' }] });
        await s.runs.updateRunInfo(b, { status: 'FINISHED', endTime: NOW + 100 });
        await s.runs.setRunLifecycle(d, 'deleted', NOW);
      });

      it('orders by start_time DESC by default and filters lifecycle', async () => {
        expect(await search()).toEqual(['c', 'b', 'a']);
        expect(await search([], [], 'DELETED_ONLY')).toEqual(['d']);
        expect(await search([], [], 'ALL')).toEqual(['d', 'c', 'b', 'a']);
      });

      it('filters on metrics (a missing or NaN value never matches a comparison)', async () => {
        expect(await search([{ entity: 'metric', key: 'acc', op: '>', value: num(0.6) }])).toEqual(['b']);
        expect(await search([{ entity: 'metric', key: 'acc', op: '<=', value: num(0.9) }])).toEqual(['b', 'a']);
        expect(await search([{ entity: 'metric', key: 'acc', op: '!=', value: num(0.5) }])).toEqual(['b']);
      });

      it('filters on params, tags (LIKE case-sensitive, ILIKE not) and attributes', async () => {
        expect(await search([{ entity: 'param', key: 'opt', op: '=', value: str('adam') }])).toEqual(['a']);
        expect(await search([{ entity: 'param', key: 'opt', op: '!=', value: str('adam') }])).toEqual(['b']);
        expect(await search([{ entity: 'tag', key: 'team', op: 'LIKE', value: str('c%') }])).toEqual([]);
        expect(await search([{ entity: 'tag', key: 'team', op: 'ILIKE', value: str('c%') }])).toEqual(['a']);
        expect(await search([{ entity: 'attribute', key: 'status', op: '=', value: str('FINISHED') }])).toEqual(['b']);
        expect(await search([{ entity: 'attribute', key: 'run_name', op: 'IN', value: { kind: 'list', values: ['a', 'c'] } }])).toEqual(['c', 'a']);
        expect(await search([{ entity: 'attribute', key: 'start_time', op: '>=', value: num(NOW + 2) }])).toEqual(['c', 'b']);
        expect(
          await search([
            { entity: 'metric', key: 'acc', op: '>', value: num(0) },
            { entity: 'param', key: 'opt', op: 'LIKE', value: str('%a%') },
          ]),
        ).toEqual(['a']);
      });

      it('orders by metrics with missing values last and NaN after numbers, both directions', async () => {
        expect(await search([], [{ entity: 'metric', key: 'acc', ascending: true }], 'ALL')).toEqual(['a', 'b', 'c', 'd']);
        expect(await search([], [{ entity: 'metric', key: 'acc', ascending: false }], 'ALL')).toEqual(['b', 'a', 'c', 'd']);
        expect(await search([{ entity: 'metric', key: 'acc', op: '>', value: num(0) }], [{ entity: 'metric', key: 'acc', ascending: false }])).toEqual([
          'b',
          'a',
        ]);
      });

      it('pages through a metric order across values, NaN and missing runs without gaps or repeats', async () => {
        for (const ascending of [true, false]) {
          const orderBy: OrderBy<RunFilterEntity>[] = [{ entity: 'metric', key: 'acc', ascending }];
          const all = await search([], orderBy, 'ALL');
          for (const limit of [1, 2, 3]) {
            const seen: string[] = [];
            for (let offset = 0; offset < 6; offset += limit) {
              const page = await s.runs.searchRuns({ experimentIds: [exp], viewType: 'ALL', filter: [], orderBy, page: { offset, limit } });
              seen.push(...page.items.map((r) => r.info.runName));
              expect(page.hasMore).toBe(offset + limit < all.length);
            }
            expect(seen, `limit ${limit}`).toEqual(all);
          }
        }
      });

      it('orders by params, tags and attributes', async () => {
        expect(await search([], [{ entity: 'param', key: 'opt', ascending: false }])).toEqual(['b', 'a', 'c']);
        expect(await search([], [{ entity: 'attribute', key: 'run_name', ascending: true }])).toEqual(['a', 'b', 'c']);
        expect(await search([], [{ entity: 'attribute', key: 'end_time', ascending: true }])).toEqual(['b', 'c', 'a']);
      });

      it('filters on datasets', async () => {
        const ids = (await s.runs.searchRuns({ experimentIds: [exp], viewType: 'ACTIVE_ONLY', filter: [], orderBy: [], page: { offset: 0, limit: 10 } })).items;
        const a = ids.find((r) => r.info.runName === 'a')?.info.runId ?? '';
        await s.runs.logInputs(
          a,
          exp,
          [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset: { name: 'ds', digest: 'd1', sourceType: 's', source: 'x' } }],
          [],
        );
        expect(await search([{ entity: 'dataset', key: 'name', op: '=', value: str('ds') }])).toEqual(['a']);
        expect(await search([{ entity: 'dataset', key: 'context', op: 'IN', value: { kind: 'list', values: ['eval'] } }])).toEqual(['a']);
        expect(await search([{ entity: 'dataset', key: 'digest', op: '=', value: str('nope') }])).toEqual([]);
      });

      it('pages without overlap', async () => {
        const p1 = await s.runs.searchRuns({ experimentIds: [exp], viewType: 'ALL', filter: [], orderBy: [], page: { offset: 0, limit: 3 } });
        const p2 = await s.runs.searchRuns({ experimentIds: [exp], viewType: 'ALL', filter: [], orderBy: [], page: { offset: 3, limit: 3 } });
        expect(p1.hasMore).toBe(true);
        expect(p2.hasMore).toBe(false);
        expect([...p1.items, ...p2.items].map((r) => r.info.runName)).toEqual(['d', 'c', 'b', 'a']);
      });
    });
  });
}
