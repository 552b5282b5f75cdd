import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDatasetFilter, parseDatasetOrderBy, parseDatasetRecords, type DatasetRecordInput } from '@loupe/protocol';
import type { DatasetStore } from '../dataset-store.js';

/** The store the dataset contract needs, on one fresh database. */
export interface DatasetStores {
  datasets: DatasetStore;
  dispose(): Promise<void>;
}

/** Makes fresh stores for each test. */
export type DatasetStoresFactory = () => Promise<DatasetStores>;

const NOW = 1_700_000_000_000;

function records(json: unknown[]): DatasetRecordInput[] {
  const parsed = parseDatasetRecords(JSON.stringify(json));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

/**
 * The behaviour every DatasetStore must have, run by each backend's test file.
 *
 * @example
 * datasetStoreContract(() => openSqlStores(backend));
 */
export function datasetStoreContract(factory: DatasetStoresFactory): void {
  describe('DatasetStore contract', () => {
    let s: DatasetStores;
    let n = 0;
    const id = (prefix: string) => `${prefix}-${(++n).toString(16).padStart(32, '0')}`;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.dispose();
    });

    const create = (name: string, tags: Record<string, string> = {}, experimentIds: string[] = [], now = NOW) =>
      s.datasets.createDataset({ datasetId: id('d'), name, tags, experimentIds, now });
    const upsert = (datasetId: string, json: unknown[], now = NOW) =>
      s.datasets.upsertRecords({ datasetId, records: records(json), newRecordId: () => id('dr'), now });
    const all = async (datasetId: string) => (await s.datasets.listRecords(datasetId, { offset: 0, limit: 100_000 }))?.items ?? [];
    const search = async (filter = '', orderBy: string[] = [], experimentIds: string[] = [], limit = 100, offset = 0) => {
      const page = await s.datasets.searchDatasets({
        experimentIds,
        filter: parseDatasetFilter(filter),
        orderBy: parseDatasetOrderBy(orderBy),
        page: { limit, offset },
      });
      return { names: page.items.map((d) => d.name), hasMore: page.hasMore };
    };

    it('creates and reads a dataset with tags, creator and experiment links', async () => {
      const d = await create('qa', { team: 'search', 'mlflow.user': 'alice' }, ['2', '1', '2']);
      expect(d).toMatchObject({ name: 'qa', createdTime: NOW, lastUpdateTime: NOW, createdBy: 'alice', lastUpdatedBy: 'alice', experimentIds: ['1', '2'] });
      expect(d.tags).toEqual({ team: 'search', 'mlflow.user': 'alice' });
      expect(d.digest).toMatch(/^[0-9a-f]{8}$/);
      expect(await s.datasets.getDataset(d.datasetId)).toEqual(d);
      expect(await s.datasets.getDataset('d-missing')).toBeUndefined();
    });

    it('merges records by inputs whatever their key order, in one batch and across batches', async () => {
      const d = await create('merge');
      expect(
        await upsert(d.datasetId, [
          { inputs: { a: 1, b: { y: 2, x: 1 } }, expectations: { e1: 1 } },
          { inputs: { b: { x: 1, y: 2 }, a: 1 }, tags: { t: '1' } },
        ]),
      ).toEqual({
        inserted: 1,
        updated: 1,
      });
      expect(
        await upsert(d.datasetId, [{ inputs: { a: 1, b: { x: 1, y: 2 } }, outputs: 'out', expectations: { e2: 2 }, tags: { 'mlflow.user': 'bob' } }], NOW + 10),
      ).toEqual({
        inserted: 0,
        updated: 1,
      });
      const [only, ...rest] = await all(d.datasetId);
      expect(rest).toEqual([]);
      expect(only).toMatchObject({
        outputs: { value: 'out' },
        expectations: { e1: 1, e2: 2 },
        tags: { t: '1', 'mlflow.user': 'bob' },
        lastUpdatedBy: 'bob',
        createdTime: NOW,
        lastUpdateTime: NOW + 10,
      });
      expect(only?.createdBy).toBeUndefined();
      await upsert(d.datasetId, [{ inputs: { a: 1, b: { x: 1, y: 2 } }, outputs: null }], NOW + 20);
      expect((await all(d.datasetId))[0]?.outputs).toBeUndefined();
      const after = await s.datasets.getDataset(d.datasetId);
      expect(after).toMatchObject({ lastUpdateTime: NOW + 20, profile: '{"num_records":1}' });
      expect(after?.lastUpdatedBy).toBeUndefined();
    });

    it('upserts a large batch in one transaction', async () => {
      const d = await create('big');
      const batch = Array.from({ length: 1200 }, (_, i) => ({ inputs: { i }, expectations: { even: i % 2 === 0 } }));
      expect(await upsert(d.datasetId, batch)).toEqual({ inserted: 1200, updated: 0 });
      expect(await upsert(d.datasetId, [...batch.slice(0, 600), { inputs: { i: 5000 } }])).toEqual({ inserted: 1, updated: 600 });
      const listed = await all(d.datasetId);
      expect(listed).toHaveLength(1201);
      const page = await s.datasets.listRecords(d.datasetId, { offset: 1200, limit: 10 });
      expect(page).toMatchObject({ hasMore: false });
      expect(page?.items).toHaveLength(1);
      expect(await upsert('d-missing', batch.slice(0, 1))).toBeUndefined();
    });

    it('keeps merges of concurrent upserts of one dataset', async () => {
      const d = await create('race');
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => upsert(d.datasetId, [{ inputs: { q: 'same' }, expectations: { [`e${i}`]: i } }, { inputs: { q: `own-${i}` } }])),
      );
      const listed = await all(d.datasetId);
      expect(listed).toHaveLength(7);
      expect(Object.keys(listed.find((r) => r.inputs.q === 'same')?.expectations ?? {}).sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    });

    it('sets tags (upsert), deletes tags idempotently, deletes records and the dataset with everything it owns', async () => {
      const d = await create('tags', { a: '1' });
      expect(await s.datasets.setDatasetTags(d.datasetId, { a: '2', b: '3' })).toBe(true);
      expect(await s.datasets.setDatasetTags('d-missing', { a: '2' })).toBe(false);
      await s.datasets.deleteDatasetTag(d.datasetId, 'b');
      await s.datasets.deleteDatasetTag(d.datasetId, 'b');
      expect((await s.datasets.getDataset(d.datasetId))?.tags).toEqual({ a: '2' });
      await upsert(d.datasetId, [{ inputs: { q: 1 } }, { inputs: { q: 2 } }]);
      const [first] = await all(d.datasetId);
      expect(await s.datasets.deleteRecords(d.datasetId, [first?.datasetRecordId ?? '', 'dr-nope'], NOW + 1)).toBe(1);
      expect(await s.datasets.deleteRecords('d-missing', [], NOW)).toBeUndefined();
      expect(await all(d.datasetId)).toHaveLength(1);
      expect(await s.datasets.deleteDataset(d.datasetId)).toBe(true);
      expect(await s.datasets.deleteDataset(d.datasetId)).toBe(false);
      expect(await s.datasets.listRecords(d.datasetId, { offset: 0, limit: 10 })).toBeUndefined();
    });

    it('links and unlinks experiments', async () => {
      const d = await create('links', {}, ['1']);
      expect(await s.datasets.addExperiments(d.datasetId, ['2', '1'], NOW + 5)).toBe(true);
      expect(await s.datasets.getDataset(d.datasetId)).toMatchObject({ experimentIds: ['1', '2'], lastUpdateTime: NOW + 5 });
      expect(await s.datasets.removeExperiments(d.datasetId, ['1', '9'], NOW + 6)).toBe(true);
      expect(await s.datasets.getDataset(d.datasetId)).toMatchObject({ experimentIds: ['2'], lastUpdateTime: NOW + 6 });
      expect(await s.datasets.addExperiments('d-missing', ['1'], NOW)).toBe(false);
      expect(await s.datasets.removeExperiments('d-missing', ['1'], NOW)).toBe(false);
    });

    it('searches by attributes, tags and experiments, in order, page by page', async () => {
      await create('qa_alpha', { env: 'prod', 'mlflow.user': 'alice' }, ['1'], NOW);
      await create('qa_beta', { env: 'dev' }, ['2'], NOW + 1);
      await create('Other', { env: 'prod' }, ['1', '2'], NOW + 2);
      expect((await search()).names).toEqual(['Other', 'qa_beta', 'qa_alpha']);
      expect((await search("name LIKE 'qa%'")).names).toEqual(['qa_beta', 'qa_alpha']);
      expect((await search("name ILIKE 'OTHER'")).names).toEqual(['Other']);
      expect((await search("tags.env = 'prod'", ['name ASC'])).names).toEqual(['Other', 'qa_alpha']);
      expect((await search("tags.env != 'prod'")).names).toEqual(['qa_beta']);
      expect((await search("tags.missing = 'x'")).names).toEqual([]);
      expect((await search("created_by = 'alice'")).names).toEqual(['qa_alpha']);
      expect((await search(`created_time >= ${NOW + 1} AND last_update_time < ${NOW + 2}`)).names).toEqual(['qa_beta']);
      expect((await search('', ['created_time ASC'], ['2'])).names).toEqual(['qa_beta', 'Other']);
      expect(await search('', ['created_time ASC'], [], 2)).toEqual({ names: ['qa_alpha', 'qa_beta'], hasMore: true });
      expect(await search('', ['created_time ASC'], [], 2, 2)).toEqual({ names: ['Other'], hasMore: false });
    });
  });
}
