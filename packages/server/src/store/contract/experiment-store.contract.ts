import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { TrackingStores, TrackingStoresFactory } from './tracking-contract.js';

const NOW = 1_700_000_000_000;

/**
 * The behaviour every ExperimentStore must have, run by each backend's test file.
 *
 * @example
 * experimentStoreContract(() => openStoresOn(sqliteUri));
 */
export function experimentStoreContract(factory: TrackingStoresFactory): void {
  describe('ExperimentStore contract', () => {
    let s: TrackingStores;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.dispose();
    });

    const create = (name: string, now = NOW, tags: { key: string; value: string }[] = []) =>
      s.experiments.createExperiment({ name, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags, now });

    it('has the Default experiment with id 0', async () => {
      const e = await s.experiments.getExperiment('0');
      expect(e).toMatchObject({ experimentId: '0', name: 'Default', lifecycleStage: 'active' });
    });

    it('creates with sequential ids, default location from the id, and tags', async () => {
      const id1 = await create('a', NOW, [{ key: 'k', value: 'v' }]);
      const id2 = await create('b');
      expect(Number(id2)).toBe(Number(id1) + 1);
      const e = await s.experiments.getExperiment(id1);
      expect(e).toEqual({
        experimentId: id1,
        name: 'a',
        artifactLocation: `mlflow-artifacts:/${id1}`,
        lifecycleStage: 'active',
        creationTime: NOW,
        lastUpdateTime: NOW,
        tags: [{ key: 'k', value: 'v' }],
      });
    });

    it('keeps a given artifact location', async () => {
      const id = await s.experiments.createExperiment({ name: 'x', artifactLocation: 's3://b/p', tags: [], now: NOW });
      expect((await s.experiments.getExperiment(id))?.artifactLocation).toBe('s3://b/p');
    });

    it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS and writes nothing', async () => {
      await create('dup');
      await expect(create('dup')).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
      const page = await s.experiments.searchExperiments({ viewType: 'ALL', filter: [], orderBy: [], page: { offset: 0, limit: 100 } });
      expect(page.items.filter((e) => e.name === 'dup')).toHaveLength(1);
    });

    it('answers undefined for unknown and malformed ids', async () => {
      expect(await s.experiments.getExperiment('999999')).toBeUndefined();
      expect(await s.experiments.getExperiment('abc')).toBeUndefined();
      expect(await s.experiments.getExperiment('1; drop table experiments')).toBeUndefined();
    });

    it('finds by name, active before deleted', async () => {
      const id = await create('n');
      expect((await s.experiments.getExperimentByName('n'))?.experimentId).toBe(id);
      expect(await s.experiments.getExperimentByName('missing')).toBeUndefined();
    });

    it('soft-deletes and restores, cascading to runs', async () => {
      const id = await create('life');
      await s.runs.createRun({ runId: 'r'.repeat(32), experimentId: id, name: 'run', userId: 'u', startTime: NOW, artifactUri: 'x', tags: [] });
      await s.experiments.setExperimentLifecycle(id, 'deleted', NOW + 5);
      expect((await s.experiments.getExperiment(id))?.lifecycleStage).toBe('deleted');
      expect((await s.runs.getRunInfo('r'.repeat(32)))?.lifecycleStage).toBe('deleted');
      await s.experiments.setExperimentLifecycle(id, 'active', NOW + 6);
      expect((await s.runs.getRunInfo('r'.repeat(32)))?.lifecycleStage).toBe('active');
      expect((await s.experiments.getExperiment(id))?.lastUpdateTime).toBe(NOW + 6);
    });

    it('renames, refusing a taken name', async () => {
      const id = await create('old');
      await create('taken');
      await s.experiments.renameExperiment(id, 'new', NOW + 1);
      expect((await s.experiments.getExperiment(id))?.name).toBe('new');
      await expect(s.experiments.renameExperiment(id, 'taken', NOW + 2)).rejects.toMatchObject({ code: 'RESOURCE_ALREADY_EXISTS' });
    });

    it('sets, overwrites and deletes tags', async () => {
      const id = await create('tags');
      await s.experiments.setExperimentTag(id, { key: 'a', value: '1' });
      await s.experiments.setExperimentTag(id, { key: 'a', value: '2' });
      expect((await s.experiments.getExperiment(id))?.tags).toEqual([{ key: 'a', value: '2' }]);
      expect(await s.experiments.deleteExperimentTag(id, 'a')).toBe(true);
      expect(await s.experiments.deleteExperimentTag(id, 'a')).toBe(false);
      expect((await s.experiments.getExperiment(id))?.tags).toEqual([]);
    });

    it('searches by view type, name filters, tag filters, order and pages', async () => {
      const a = await create('alpha', NOW + 1, [{ key: 'team', value: 'core' }]);
      const b = await create('beta', NOW + 2, [{ key: 'team', value: 'Edge' }]);
      const c = await create('gamma', NOW + 3);
      await s.experiments.setExperimentLifecycle(c, 'deleted', NOW + 4);
      const search = (q: Partial<Parameters<typeof s.experiments.searchExperiments>[0]>) =>
        s.experiments
          .searchExperiments({ viewType: 'ACTIVE_ONLY', filter: [], orderBy: [], page: { offset: 0, limit: 100 }, ...q })
          .then((p) => p.items.map((e) => e.name).filter((n) => n !== 'Default'));

      expect(await search({})).toEqual(['beta', 'alpha']);
      expect(await search({ viewType: 'DELETED_ONLY' })).toEqual(['gamma']);
      expect(await search({ viewType: 'ALL' })).toEqual(['gamma', 'beta', 'alpha']);
      expect(await search({ filter: [{ entity: 'attribute', key: 'name', op: 'LIKE', value: { kind: 'string', value: '%ta' } }] })).toEqual(['beta']);
      expect(await search({ filter: [{ entity: 'attribute', key: 'name', op: 'LIKE', value: { kind: 'string', value: 'ALPHA' } }] })).toEqual([]);
      expect(await search({ filter: [{ entity: 'attribute', key: 'name', op: 'ILIKE', value: { kind: 'string', value: 'ALPHA' } }] })).toEqual(['alpha']);
      expect(await search({ filter: [{ entity: 'tag', key: 'team', op: '=', value: { kind: 'string', value: 'core' } }] })).toEqual(['alpha']);
      expect(await search({ filter: [{ entity: 'tag', key: 'team', op: 'ILIKE', value: { kind: 'string', value: 'edge' } }] })).toEqual(['beta']);
      expect(await search({ filter: [{ entity: 'attribute', key: 'creation_time', op: '>', value: { kind: 'number', value: NOW + 1 } }] })).toEqual(['beta']);
      expect(await search({ orderBy: [{ entity: 'attribute', key: 'name', ascending: false }] })).toEqual(['beta', 'alpha']);

      const byId = [{ entity: 'attribute' as const, key: 'experiment_id', ascending: true }];
      const first = await s.experiments.searchExperiments({ viewType: 'ACTIVE_ONLY', filter: [], orderBy: byId, page: { offset: 0, limit: 2 } });
      expect(first.hasMore).toBe(true);
      const second = await s.experiments.searchExperiments({ viewType: 'ACTIVE_ONLY', filter: [], orderBy: byId, page: { offset: 2, limit: 2 } });
      expect(second.hasMore).toBe(false);
      expect([...first.items, ...second.items].map((e) => e.experimentId)).toEqual(['0', a, b]);
    });
  });
}
