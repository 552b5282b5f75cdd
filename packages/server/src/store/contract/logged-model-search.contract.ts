import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Filter, LoggedModelFilterEntity } from '@loupe/protocol';
import type { DatasetFilter, LoggedModelOrderBy } from '../logged-model-store.js';
import type { MetricRecord } from '../tracking-store.js';
import type { LoggedModelStores, LoggedModelStoresFactory } from './tracking-contract.js';

const NOW = 1_700_000_000_000;
let seq = 0;
const RUN = 'b'.repeat(32);
const num = (value: number) => ({ kind: 'number' as const, value });
const str = (value: string) => ({ kind: 'string' as const, value });
const point = (key: string, value: number, over: Partial<MetricRecord> = {}): MetricRecord => ({ key, value, timestamp: NOW, step: 0, ...over });

/**
 * How every LoggedModelStore searches (spec §3, §9.6): filters of each kind, `datasets`, metric and
 * attribute order_by, tie-breaks and paging. Run by {@link loggedModelStoreContract}.
 *
 * @example
 * loggedModelSearchContract(() => openStoresOn(sqliteUri));
 */
export function loggedModelSearchContract(factory: LoggedModelStoresFactory): void {
  describe('LoggedModelStore contract: search', () => {
    let s: LoggedModelStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `search${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const create = async (over: { name: string; now: number; experimentId?: string; modelType?: string; sourceRunId?: string }) => {
      const modelId = `m-${(++seq).toString(16).padStart(32, '0')}`;
      const experimentId = over.experimentId ?? exp;
      await s.loggedModels.createLoggedModel({
        modelId,
        experimentId,
        name: over.name,
        artifactLocation: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
        params: [],
        tags: [],
        now: over.now,
        ...(over.modelType !== undefined ? { modelType: over.modelType } : {}),
        ...(over.sourceRunId !== undefined ? { sourceRunId: over.sourceRunId } : {}),
      });
      return modelId;
    };

    describe('searchLoggedModels', () => {
      let a: string;
      let b: string;
      let c: string;
      let d: string;
      const search = async (
        q: { filter?: Filter<LoggedModelFilterEntity>; datasets?: DatasetFilter[]; orderBy?: LoggedModelOrderBy[]; experimentIds?: string[] } = {},
        page = { offset: 0, limit: 100 },
      ) =>
        (
          await s.loggedModels.searchLoggedModels({
            experimentIds: q.experimentIds ?? [exp],
            filter: q.filter ?? [],
            datasets: q.datasets ?? [],
            orderBy: q.orderBy ?? [],
            page,
          })
        ).items.map((m) => m.name);

      beforeEach(async () => {
        // Model types compare the same under C and linguistic collations (PostgreSQL's default may be either).
        a = await create({ name: 'alpha', now: NOW + 1, modelType: 'zeta', sourceRunId: RUN });
        b = await create({ name: 'beta', now: NOW + 2, modelType: 'Classifier' });
        c = await create({ name: 'gamma', now: NOW + 3 });
        d = await create({ name: 'delta', now: NOW + 4 });
        await s.loggedModels.logLoggedModelParams(a, [{ key: 'opt', value: 'adam' }]);
        await s.loggedModels.logLoggedModelParams(b, [{ key: 'opt', value: 'sgd' }]);
        await s.loggedModels.setLoggedModelTags(a, [{ key: 'team', value: 'Core' }]);
        await s.loggedModels.setLoggedModelTags(c, [{ key: 'team', value: 'edge' }]);
        await s.loggedModels.finalizeLoggedModel(b, 'LOGGED_MODEL_READY', NOW + 10);
        const source = { runId: RUN, experimentId: exp };
        await s.loggedModels.logLoggedModelMetrics(source, [
          // a: latest acc overall 0.6 (eval), on 'train' only 0.95 (an older point).
          point('acc', 0.95, { modelId: a, timestamp: NOW, datasetName: 'train', datasetDigest: 't1' }),
          point('acc', 0.6, { modelId: a, timestamp: NOW + 1, datasetName: 'eval', datasetDigest: 'e1' }),
          // b: latest acc 0.8 on eval with digest e2.
          point('acc', 0.8, { modelId: b, timestamp: NOW, datasetName: 'eval', datasetDigest: 'e2' }),
          // c: acc NaN, no dataset.
          point('acc', NaN, { modelId: c }),
        ]);
        await s.loggedModels.deleteLoggedModel(d, NOW + 20);
      });

      it('returns active models of the experiments, newest first', async () => {
        expect(await search()).toEqual(['gamma', 'beta', 'alpha']);
        const other = await s.experiments.createExperiment({ name: `other${++seq}`, artifactLocation: 'x', tags: [], now: NOW });
        await create({ name: 'elsewhere', experimentId: other, now: NOW + 50 });
        expect(await search({ experimentIds: [exp, other] })).toEqual(['elsewhere', 'gamma', 'beta', 'alpha']);
        expect(await search({ experimentIds: ['abc'] })).toEqual([]);
      });

      it('filters on attributes, with aliases and short status names', async () => {
        expect(await search({ filter: [{ entity: 'attribute', key: 'name', op: '=', value: str('beta') }] })).toEqual(['beta']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'name', op: 'LIKE', value: str('%a') }] })).toEqual(['gamma', 'beta', 'alpha']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'model_type', op: 'ILIKE', value: str('classifier') }] })).toEqual(['beta']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'model_type', op: 'LIKE', value: str('classifier') }] })).toEqual([]);
        expect(await search({ filter: [{ entity: 'attribute', key: 'model_id', op: 'IN', value: { kind: 'list', values: [a, c] } }] })).toEqual([
          'gamma',
          'alpha',
        ]);
        expect(await search({ filter: [{ entity: 'attribute', key: 'source_run_id', op: '=', value: str(RUN) }] })).toEqual(['alpha']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'status', op: '=', value: str('LOGGED_MODEL_READY') }] })).toEqual(['beta']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'status', op: '=', value: str('READY') }] })).toEqual(['beta']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'status', op: '!=', value: str('READY') }] })).toEqual(['gamma', 'alpha']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'creation_time', op: '>=', value: num(NOW + 2) }] })).toEqual(['gamma', 'beta']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'creation_timestamp_ms', op: '<', value: num(NOW + 2) }] })).toEqual(['alpha']);
        expect(await search({ filter: [{ entity: 'attribute', key: 'last_updated_timestamp', op: '>', value: num(NOW + 5) }] })).toEqual(['beta']);
        await expect(search({ filter: [{ entity: 'attribute', key: 'artifact_uri', op: '=', value: str('x') }] })).rejects.toMatchObject({
          code: 'INVALID_PARAMETER_VALUE',
        });
      });

      it('filters on params and tags (a missing key never matches)', async () => {
        expect(await search({ filter: [{ entity: 'param', key: 'opt', op: '=', value: str('adam') }] })).toEqual(['alpha']);
        expect(await search({ filter: [{ entity: 'param', key: 'opt', op: '!=', value: str('adam') }] })).toEqual(['beta']);
        expect(await search({ filter: [{ entity: 'tag', key: 'team', op: 'LIKE', value: str('c%') }] })).toEqual([]);
        expect(await search({ filter: [{ entity: 'tag', key: 'team', op: 'ILIKE', value: str('c%') }] })).toEqual(['alpha']);
        expect(await search({ filter: [{ entity: 'tag', key: 'team', op: '!=', value: str('Core') }] })).toEqual(['gamma']);
      });

      it('filters on metrics: any logged point matches, NaN never does, datasets restrict the points', async () => {
        const acc = (op: '>' | '<' | '=' | '!=' | '<=' | '>=', value: number): Filter<LoggedModelFilterEntity> => [
          { entity: 'metric', key: 'acc', op, value: num(value) },
        ];
        expect(await search({ filter: acc('>', 0.9) })).toEqual(['alpha']);
        expect(await search({ filter: acc('<=', 0.8) })).toEqual(['beta', 'alpha']);
        expect(await search({ filter: acc('=', 0.8) })).toEqual(['beta']);
        expect(await search({ filter: acc('>', 0.9), datasets: [{ datasetName: 'eval' }] })).toEqual([]);
        expect(await search({ filter: acc('>', 0.5), datasets: [{ datasetName: 'eval' }] })).toEqual(['beta', 'alpha']);
        expect(await search({ filter: acc('>', 0.5), datasets: [{ datasetName: 'eval', datasetDigest: 'e2' }] })).toEqual(['beta']);
        expect(await search({ filter: acc('>', 0.5), datasets: [{ datasetName: 'nope' }, { datasetName: 'train' }] })).toEqual(['alpha']);
        expect(
          await search({
            filter: [...acc('>', 0), { entity: 'param', key: 'opt', op: '=', value: str('sgd') }],
          }),
        ).toEqual(['beta']);
      });

      it('with datasets and no metric clause, keeps models with any metric on them', async () => {
        expect(await search({ datasets: [{ datasetName: 'train' }] })).toEqual(['alpha']);
        expect(await search({ datasets: [{ datasetName: 'eval' }] })).toEqual(['beta', 'alpha']);
        expect(await search({ datasets: [{ datasetName: 'eval', datasetDigest: 'e1' }] })).toEqual(['alpha']);
      });

      it('orders by the latest metric point, missing last and NaN after numbers, both directions', async () => {
        const byAcc = (ascending: boolean, over: Partial<LoggedModelOrderBy> = {}): LoggedModelOrderBy[] => [
          { entity: 'metric', key: 'acc', ascending, ...over },
        ];
        const created = await create({ name: 'none', now: NOW + 30 });
        expect(created).toMatch(/^m-/);
        expect(await search({ orderBy: byAcc(true) })).toEqual(['alpha', 'beta', 'gamma', 'none']);
        expect(await search({ orderBy: byAcc(false) })).toEqual(['beta', 'alpha', 'gamma', 'none']);
        expect(await search({ orderBy: byAcc(false, { datasetName: 'train' }) })).toEqual(['alpha', 'none', 'gamma', 'beta']);
        expect(await search({ orderBy: byAcc(true, { datasetName: 'eval', datasetDigest: 'e2' }) })).toEqual(['beta', 'none', 'gamma', 'alpha']);
      });

      it('orders by attributes with nulls last, then creation time and id', async () => {
        expect(await search({ orderBy: [{ entity: 'attribute', key: 'name', ascending: true }] })).toEqual(['alpha', 'beta', 'gamma']);
        expect(await search({ orderBy: [{ entity: 'attribute', key: 'model_type', ascending: false }] })).toEqual(['alpha', 'beta', 'gamma']);
        expect(await search({ orderBy: [{ entity: 'attribute', key: 'model_type', ascending: true }] })).toEqual(['beta', 'alpha', 'gamma']);
        expect(await search({ orderBy: [{ entity: 'attribute', key: 'creation_time', ascending: true }] })).toEqual(['alpha', 'beta', 'gamma']);
        expect(await search({ orderBy: [{ entity: 'attribute', key: 'status', ascending: true }] })).toEqual(['gamma', 'alpha', 'beta']);
        await expect(search({ orderBy: [{ entity: 'param', key: 'opt', ascending: true }] })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(search({ orderBy: [{ entity: 'attribute', key: 'bogus', ascending: true }] })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
      });

      it('breaks creation-time ties by model id and pages without overlap', async () => {
        const same = [await create({ name: 'x1', now: NOW + 100 }), await create({ name: 'x2', now: NOW + 100 })];
        const p1 = await s.loggedModels.searchLoggedModels({ experimentIds: [exp], filter: [], datasets: [], orderBy: [], page: { offset: 0, limit: 2 } });
        const p2 = await s.loggedModels.searchLoggedModels({ experimentIds: [exp], filter: [], datasets: [], orderBy: [], page: { offset: 2, limit: 2 } });
        const p3 = await s.loggedModels.searchLoggedModels({ experimentIds: [exp], filter: [], datasets: [], orderBy: [], page: { offset: 4, limit: 2 } });
        expect([p1.hasMore, p2.hasMore, p3.hasMore]).toEqual([true, true, false]);
        expect([...p1.items, ...p2.items, ...p3.items].map((m) => m.modelId)).toEqual([...same.sort(), c, b, a]);
      });

      it('returns whole models (params, tags, every metric point)', async () => {
        const page = await s.loggedModels.searchLoggedModels({
          experimentIds: [exp],
          filter: [{ entity: 'attribute', key: 'name', op: '=', value: str('alpha') }],
          datasets: [],
          orderBy: [],
          page: { offset: 0, limit: 10 },
        });
        expect(page.items[0]?.params).toEqual([{ key: 'opt', value: 'adam' }]);
        expect(page.items[0]?.tags).toEqual([{ key: 'team', value: 'Core' }]);
        expect(page.items[0]?.metrics.map((m) => [m.value, m.datasetName])).toEqual([
          [0.6, 'eval'],
          [0.95, 'train'],
        ]);
      });
    });
  });
}
