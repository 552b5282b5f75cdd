import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../testing/test-loupe.js';
import type { LoggedModelService } from './logged-model-service.js';

const invalid = (message: string | RegExp) => ({
  code: 'INVALID_PARAMETER_VALUE',
  message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
});
const notFound = (message: string) => ({ code: 'RESOURCE_DOES_NOT_EXIST', message });

describe('LoggedModelService', () => {
  let loupe: TestLoupe;
  let models: LoggedModelService;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    models = loupe.services.loggedModels;
    exp = await loupe.services.experiments.create({ name: 'svc', tags: [] });
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const create = (over: Partial<Parameters<LoggedModelService['create']>[0]> = {}) => models.create({ experimentId: exp, params: [], tags: [], ...over });

  describe('create', () => {
    it('makes an m- id from the id generator, the artifact URI under the experiment, PENDING', async () => {
      const model = await create({
        name: 'clf',
        modelType: 'sklearn',
        sourceRunId: 'r1',
        params: [{ key: 'lr', value: '0.1' }],
        tags: [{ key: 't', value: '' }],
      });
      expect(model).toEqual({
        modelId: 'm-00000000000000000000000000000001',
        experimentId: exp,
        name: 'clf',
        creationTimestampMs: loupe.clock.now(),
        lastUpdatedTimestampMs: loupe.clock.now(),
        artifactUri: `mlflow-artifacts:/${exp}/models/m-00000000000000000000000000000001/artifacts`,
        status: 'LOGGED_MODEL_PENDING',
        modelType: 'sklearn',
        sourceRunId: 'r1',
        tags: [{ key: 't', value: '' }],
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [],
      });
    });

    it('generates a name when none or an empty one is given, and uses the default experiment location', async () => {
      expect((await create()).name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect((await create({ name: '' })).name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      const inDefault = await create({ experimentId: '0' });
      expect(inDefault.artifactUri).toBe(`mlflow-artifacts:/0/models/${inDefault.modelId}/artifacts`);
    });

    it('needs an existing, active experiment', async () => {
      await expect(create({ experimentId: '999' })).rejects.toMatchObject(notFound('No Experiment with id=999 exists'));
      await loupe.services.experiments.delete(exp);
      await expect(create()).rejects.toMatchObject(invalid(`The experiment ${exp} must be in the 'active' state. Current state is deleted.`));
    });
  });

  describe('reads and writes', () => {
    it('hides deleted models from get unless asked, and answers 404 for unknown ids', async () => {
      const { modelId } = await create();
      loupe.clock.advance(7);
      await models.delete(modelId);
      await expect(models.get(modelId)).rejects.toMatchObject(notFound(`Logged model with ID '${modelId}' not found.`));
      expect((await models.get(modelId, true)).lastUpdatedTimestampMs).toBe(loupe.clock.now());
      await expect(models.delete('m-nope')).rejects.toMatchObject(notFound("Logged model with ID 'm-nope' not found."));
    });

    it('finalizes an existing model, stamping the update time', async () => {
      const { modelId } = await create();
      await expect(models.finalize('m-nope', 'LOGGED_MODEL_READY')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
      loupe.clock.advance(5);
      const done = await models.finalize(modelId, 'LOGGED_MODEL_UPLOAD_FAILED');
      expect(done).toMatchObject({
        status: 'LOGGED_MODEL_UPLOAD_FAILED',
        lastUpdatedTimestampMs: loupe.clock.now(),
        creationTimestampMs: loupe.clock.now() - 5,
      });
    });

    it('sets and deletes tags, 404 for a missing tag', async () => {
      const { modelId } = await create();
      await models.setTags(modelId, [{ key: 'a/b', value: '1' }]);
      expect((await models.get(modelId)).tags).toEqual([{ key: 'a/b', value: '1' }]);
      await models.deleteTag(modelId, 'a/b');
      await expect(models.deleteTag(modelId, 'a/b')).rejects.toMatchObject(notFound(`No tag with key 'a/b' found for logged model with ID '${modelId}'.`));
    });

    it('logs params: idempotent for equal values, INVALID_PARAMETER_VALUE for a changed one', async () => {
      const { modelId } = await create({ params: [{ key: 'lr', value: '0.1' }] });
      await models.logParams(modelId, [
        { key: 'lr', value: '0.1' },
        { key: 'depth', value: '3' },
      ]);
      await expect(models.logParams(modelId, [{ key: 'lr', value: '0.2' }])).rejects.toMatchObject(invalid('Changing param values is not allowed.'));
      expect((await models.get(modelId)).params).toEqual([
        { key: 'depth', value: '3' },
        { key: 'lr', value: '0.1' },
      ]);
    });
  });

  describe('logRunMetrics', () => {
    it('records points carrying a model id with the run, and rejects unknown models', async () => {
      const { modelId } = await create();
      const { info } = await loupe.services.runs.create({ experimentId: exp, tags: [] });
      const t = loupe.clock.now();
      await models.logRunMetrics(info, [
        { key: 'acc', value: 0.9, timestamp: t, step: 1, modelId, datasetName: 'eval', datasetDigest: 'abc' },
        { key: 'loss', value: 0.1, timestamp: t, step: 1 },
      ]);
      expect((await models.get(modelId)).metrics).toEqual([
        { key: 'acc', value: 0.9, timestamp: t, step: 1, modelId, runId: info.runId, datasetName: 'eval', datasetDigest: 'abc' },
      ]);
      await expect(models.logRunMetrics(info, [{ key: 'acc', value: 1, timestamp: t, step: 0, modelId: 'm-ghost' }])).rejects.toMatchObject(
        notFound("Logged model with ID 'm-ghost' not found."),
      );
    });
  });

  describe('search', () => {
    const search = (over: Partial<Parameters<LoggedModelService['search']>[0]> = {}) =>
      models.search({ experimentIds: [exp], datasets: [], orderBy: [], ...over });

    it('checks the order_by fields, max_results and the page token', async () => {
      await expect(search({ orderBy: [{ fieldName: 'name', datasetName: 'eval' }] })).rejects.toMatchObject(invalid('only apply to `metrics.<name>` fields'));
      await expect(search({ orderBy: [{ fieldName: 'params.x' }] })).rejects.toMatchObject(invalid('only `metrics.<name>` is allowed'));
      await expect(search({ maxResults: 50_001 })).rejects.toMatchObject(invalid("Invalid value 50001 for parameter 'max_results'"));
      await expect(search({ pageToken: 'not-a-token' })).rejects.toMatchObject(invalid('Invalid page token'));
    });

    it('pages 50 models at a time by default, newest first', async () => {
      for (let i = 0; i < 52; i++) {
        await create({ name: `m${i}` });
        loupe.clock.advance(1);
      }
      const first = await search();
      expect(first.models).toHaveLength(50);
      expect(first.models[0]?.name).toBe('m51');
      const second = await search({ pageToken: first.nextPageToken });
      expect(second.models.map((m) => m.name)).toEqual(['m1', 'm0']);
      expect(second.nextPageToken).toBeUndefined();
    });

    it('parses the filter and structured order_by', async () => {
      const a = await create({ name: 'a', params: [{ key: 'opt', value: 'adam' }] });
      const b = await create({ name: 'b', params: [{ key: 'opt', value: 'sgd' }] });
      const { info } = await loupe.services.runs.create({ experimentId: exp, tags: [] });
      const t = loupe.clock.now();
      await models.logRunMetrics(info, [
        { key: 'acc', value: 0.7, timestamp: t, step: 0, modelId: a.modelId, datasetName: 'eval' },
        { key: 'acc', value: 0.9, timestamp: t, step: 0, modelId: b.modelId, datasetName: 'train' },
      ]);
      const names = (r: { models: { name: string }[] }) => r.models.map((m) => m.name);
      expect(names(await search({ filter: "params.opt = 'sgd'" }))).toEqual(['b']);
      expect(names(await search({ filter: 'metrics.acc > 0.5', datasets: [{ datasetName: 'eval' }] }))).toEqual(['a']);
      expect(names(await search({ orderBy: [{ fieldName: 'metrics.acc', ascending: false }] }))).toEqual(['b', 'a']);
      expect(names(await search({ orderBy: [{ fieldName: 'metrics.acc', ascending: false, datasetName: 'eval' }] }))).toEqual(['a', 'b']);
      expect(names(await search({ orderBy: [{ fieldName: 'name' }] }))).toEqual(['a', 'b']);
      await expect(search({ filter: 'params.opt ~ 1' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    });
  });
});
