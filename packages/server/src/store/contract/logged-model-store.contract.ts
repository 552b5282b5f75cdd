import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoggedModelRecord } from '../logged-model-store.js';
import type { MetricRecord } from '../tracking-store.js';
import { loggedModelSearchContract } from './logged-model-search.contract.js';
import type { LoggedModelStores, LoggedModelStoresFactory } from './tracking-contract.js';

export type { LoggedModelStores, LoggedModelStoresFactory } from './tracking-contract.js';

const NOW = 1_700_000_000_000;
let seq = 0;
const newModelId = () => `m-${(++seq).toString(16).padStart(32, '0')}`;
const RUN = 'a'.repeat(32);

/**
 * The behaviour every LoggedModelStore must have, run by each backend's test file.
 *
 * @example
 * loggedModelStoreContract(() => openStoresOn(sqliteUri));
 */
export function loggedModelStoreContract(factory: LoggedModelStoresFactory): void {
  describe('LoggedModelStore contract', () => {
    let s: LoggedModelStores;
    let exp: string;
    beforeEach(async () => {
      s = await factory();
      exp = await s.experiments.createExperiment({ name: `lm${++seq}`, artifactLocation: (id) => `mlflow-artifacts:/${id}`, tags: [], now: NOW });
    });
    afterEach(async () => {
      await s.dispose();
    });

    const create = async (over: { name?: string; now?: number; experimentId?: string; modelType?: string; sourceRunId?: string } = {}) => {
      const modelId = newModelId();
      const experimentId = over.experimentId ?? exp;
      const input = {
        modelId,
        experimentId,
        name: over.name ?? 'model',
        artifactLocation: `mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
        params: [],
        tags: [],
        now: over.now ?? NOW,
        ...(over.modelType !== undefined ? { modelType: over.modelType } : {}),
        ...(over.sourceRunId !== undefined ? { sourceRunId: over.sourceRunId } : {}),
      };
      await s.loggedModels.createLoggedModel(input);
      return modelId;
    };
    const point = (key: string, value: number, over: Partial<MetricRecord> = {}): MetricRecord => ({ key, value, timestamp: NOW, step: 0, ...over });

    it('creates a pending model with params and tags and reads it back whole', async () => {
      const modelId = newModelId();
      const created = await s.loggedModels.createLoggedModel({
        modelId,
        experimentId: exp,
        name: 'clf',
        artifactLocation: `mlflow-artifacts:/${exp}/models/${modelId}/artifacts`,
        modelType: 'agent',
        sourceRunId: RUN,
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'depth', value: '3' },
        ],
        tags: [
          { key: 't', value: '1' },
          { key: 't', value: '2' },
        ],
        now: NOW,
      });
      const expected: LoggedModelRecord = {
        modelId,
        experimentId: exp,
        name: 'clf',
        creationTimestampMs: NOW,
        lastUpdatedTimestampMs: NOW,
        artifactUri: `mlflow-artifacts:/${exp}/models/${modelId}/artifacts`,
        status: 'LOGGED_MODEL_PENDING',
        modelType: 'agent',
        sourceRunId: RUN,
        tags: [{ key: 't', value: '2' }],
        params: [
          { key: 'depth', value: '3' },
          { key: 'lr', value: '0.1' },
        ],
        metrics: [],
      };
      expect(created).toEqual(expected);
      expect(await s.loggedModels.getLoggedModel(modelId)).toEqual(expected);
      expect(await s.loggedModels.getLoggedModel('m-missing')).toBeUndefined();
    });

    it('omits unset optional fields', async () => {
      const id = await create();
      const model = await s.loggedModels.getLoggedModel(id);
      expect(Object.keys(model ?? {}).sort()).toEqual(
        ['artifactUri', 'creationTimestampMs', 'experimentId', 'lastUpdatedTimestampMs', 'metrics', 'modelId', 'name', 'params', 'status', 'tags'].sort(),
      );
    });

    it('finalizes and soft-deletes, hiding deleted models unless asked', async () => {
      const id = await create();
      await s.loggedModels.finalizeLoggedModel(id, 'LOGGED_MODEL_READY', NOW + 5);
      expect(await s.loggedModels.getLoggedModel(id)).toMatchObject({ status: 'LOGGED_MODEL_READY', lastUpdatedTimestampMs: NOW + 5 });
      await s.loggedModels.deleteLoggedModel(id, NOW + 9);
      expect(await s.loggedModels.getLoggedModel(id)).toBeUndefined();
      expect((await s.loggedModels.getLoggedModel(id, { includeDeleted: true }))?.lastUpdatedTimestampMs).toBe(NOW + 9);
      expect(await s.loggedModels.findLoggedModelIds([id, 'm-nope'])).toEqual(new Set([id]));
    });

    it('upserts and deletes tags', async () => {
      const id = await create();
      await s.loggedModels.setLoggedModelTags(id, [
        { key: 'a', value: '1' },
        { key: 'b/c', value: '2' },
      ]);
      await s.loggedModels.setLoggedModelTags(id, [{ key: 'a', value: '3' }]);
      expect((await s.loggedModels.getLoggedModel(id))?.tags).toEqual([
        { key: 'a', value: '3' },
        { key: 'b/c', value: '2' },
      ]);
      expect(await s.loggedModels.deleteLoggedModelTag(id, 'b/c')).toBe(true);
      expect(await s.loggedModels.deleteLoggedModelTag(id, 'b/c')).toBe(false);
      expect((await s.loggedModels.getLoggedModel(id))?.tags).toEqual([{ key: 'a', value: '3' }]);
    });

    it('keeps params immutable: same value is a no-op, a different one fails atomically', async () => {
      const id = await create();
      await s.loggedModels.logLoggedModelParams(id, [{ key: 'lr', value: '0.1' }]);
      await s.loggedModels.logLoggedModelParams(id, [{ key: 'lr', value: '0.1' }]);
      await expect(
        s.loggedModels.logLoggedModelParams(id, [
          { key: 'new', value: 'x' },
          { key: 'lr', value: '0.2' },
        ]),
      ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("old_value: '0.1', new_value: '0.2'") });
      expect((await s.loggedModels.getLoggedModel(id))?.params).toEqual([{ key: 'lr', value: '0.1' }]);
    });

    it('logs 250 params in one call', async () => {
      const id = await create();
      await s.loggedModels.logLoggedModelParams(
        id,
        Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: String(i) })),
      );
      expect((await s.loggedModels.getLoggedModel(id))?.params).toHaveLength(250);
    });

    it('records every metric point with its run and dataset, once per identity, NaN included', async () => {
      const id = await create();
      const other = await create();
      const source = { runId: RUN, experimentId: exp };
      await s.loggedModels.logLoggedModelMetrics(source, [
        point('acc', 0.5, { modelId: id, step: 0 }),
        point('acc', 0.7, { modelId: id, step: 1, datasetName: 'eval', datasetDigest: 'd1' }),
        point('loss', NaN, { modelId: id }),
        point('ignored', 1),
        point('acc', 0.1, { modelId: other }),
      ]);
      await s.loggedModels.logLoggedModelMetrics(source, [point('acc', 0.5, { modelId: id, step: 0 })]);
      const model = await s.loggedModels.getLoggedModel(id);
      expect(model?.metrics).toEqual([
        { key: 'acc', value: 0.5, timestamp: NOW, step: 0, modelId: id, runId: RUN },
        { key: 'acc', value: 0.7, timestamp: NOW, step: 1, modelId: id, runId: RUN, datasetName: 'eval', datasetDigest: 'd1' },
        { key: 'loss', value: NaN, timestamp: NOW, step: 0, modelId: id, runId: RUN },
      ]);
      expect((await s.loggedModels.getLoggedModel(other))?.metrics).toHaveLength(1);
    });
  });
  loggedModelSearchContract(factory);
}
