import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../testing/test-loupe.js';
import { validateLoggedModelName, type LoggedModelService } from './logged-model-service.js';

const invalid = (message: string | RegExp) => ({
  code: 'INVALID_PARAMETER_VALUE',
  message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
});
const missing = (param: string) => invalid(`Missing value for required parameter '${param}'.`);
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

  const create = (over: Partial<Parameters<LoggedModelService['create']>[0]> = {}) => models.create({ experiment_id: exp, params: [], tags: [], ...over });

  describe('create', () => {
    it('makes an m- id from the id generator, the artifact URI under the experiment, PENDING', async () => {
      const model = await create({ name: 'clf', model_type: 'sklearn', source_run_id: 'r1' });
      expect(model.info).toEqual({
        model_id: 'm-00000000000000000000000000000001',
        experiment_id: exp,
        name: 'clf',
        creation_timestamp_ms: loupe.clock.now(),
        last_updated_timestamp_ms: loupe.clock.now(),
        artifact_uri: `mlflow-artifacts:/${exp}/models/m-00000000000000000000000000000001/artifacts`,
        status: 'LOGGED_MODEL_PENDING',
        model_type: 'sklearn',
        source_run_id: 'r1',
        tags: [],
      });
    });

    it('generates a name when none or an empty one is given, and uses the default experiment location', async () => {
      expect((await create()).info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      expect((await create({ name: '' })).info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
      const inDefault = await create({ experiment_id: '0' });
      expect(inDefault.info.artifact_uri).toBe(`mlflow-artifacts:/0/models/${inDefault.info.model_id}/artifacts`);
    });

    it('rejects MLflow-forbidden and over-long names', async () => {
      for (const name of ['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b", '  ']) {
        await expect(create({ name }), name).rejects.toMatchObject(invalid(`Invalid model name '${name}' provided.`));
      }
      await expect(create({ name: 'x'.repeat(501) })).rejects.toMatchObject(invalid("'name' exceeds the maximum length of 500"));
      expect(() => validateLoggedModelName('ok-name_1 v2')).not.toThrow();
    });

    it('needs an existing, active experiment', async () => {
      await expect(models.create({ params: [], tags: [] })).rejects.toMatchObject(missing('experiment_id'));
      await expect(create({ experiment_id: '999' })).rejects.toMatchObject(notFound('No Experiment with id=999 exists'));
      await loupe.services.experiments.delete(exp);
      await expect(create()).rejects.toMatchObject(invalid(`The experiment ${exp} must be in the 'active' state. Current state is deleted.`));
    });

    it('validates params and tags with the tracking limits', async () => {
      await expect(create({ params: [{ value: 'v' }] })).rejects.toMatchObject(missing('params.key'));
      await expect(create({ tags: [{ value: 'v' }] })).rejects.toMatchObject(missing('tags.key'));
      await expect(create({ params: [{ key: '../up', value: 'v' }] })).rejects.toMatchObject(invalid("Invalid param name: '../up'"));
      await expect(create({ params: [{ key: 'p', value: 'x'.repeat(6001) }] })).rejects.toMatchObject(
        invalid("'param value' exceeds the maximum length of 6000"),
      );
      await expect(create({ tags: [{ key: 'bad*key', value: 'v' }] })).rejects.toMatchObject(invalid("Invalid tag name: 'bad*key'"));
      await expect(create({ tags: [{ key: 't', value: 'x'.repeat(8001) }] })).rejects.toMatchObject(invalid("'tag value' exceeds the maximum length of 8000"));
      await expect(
        create({
          params: [
            { key: 'p', value: '1' },
            { key: 'p', value: '2' },
          ],
        }),
      ).rejects.toMatchObject(invalid("Duplicate parameter keys have been submitted: ['p']"));
      const ok = await create({
        params: [
          { key: 'p', value: '1' },
          { key: 'p', value: '1' },
        ],
        tags: [{ key: 't', value: '' }],
      });
      expect(ok.data.params).toEqual([{ key: 'p', value: '1' }]);
      expect(ok.info.tags).toEqual([{ key: 't', value: '' }]);
    });
  });

  describe('reads and writes', () => {
    it('hides deleted models from get unless asked, and answers 404 for unknown ids', async () => {
      const { info } = await create();
      loupe.clock.advance(7);
      await models.delete({ model_id: info.model_id });
      await expect(models.get(info.model_id)).rejects.toMatchObject(notFound(`Logged model with ID '${info.model_id}' not found.`));
      expect((await models.get(info.model_id, true)).info.last_updated_timestamp_ms).toBe(loupe.clock.now());
      await expect(models.get(undefined)).rejects.toMatchObject(missing('model_id'));
      await expect(models.delete({ model_id: 'm-nope' })).rejects.toMatchObject(notFound("Logged model with ID 'm-nope' not found."));
    });

    it('finalizes as READY or UPLOAD_FAILED only, stamping the update time', async () => {
      const { info } = await create();
      await expect(models.finalize({ model_id: info.model_id })).rejects.toMatchObject(missing('status'));
      await expect(models.finalize({ model_id: info.model_id, status: 'LOGGED_MODEL_PENDING' })).rejects.toMatchObject(invalid('LOGGED_MODEL_PENDING'));
      await expect(models.finalize({ model_id: 'm-nope', status: 'LOGGED_MODEL_READY' })).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
      loupe.clock.advance(5);
      const done = await models.finalize({ model_id: info.model_id, status: 'LOGGED_MODEL_UPLOAD_FAILED' });
      expect(done.info).toMatchObject({
        status: 'LOGGED_MODEL_UPLOAD_FAILED',
        last_updated_timestamp_ms: loupe.clock.now(),
        creation_timestamp_ms: loupe.clock.now() - 5,
      });
    });

    it('sets and deletes tags, 404 for a missing tag', async () => {
      const { info } = await create();
      await models.setTags({ model_id: info.model_id, tags: [{ key: 'a/b', value: '1' }] });
      await expect(models.setTags({ model_id: info.model_id, tags: [{ key: 'x', value: 'y'.repeat(8001) }] })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
      await models.deleteTag({ model_id: info.model_id, tag_key: 'a/b' });
      await expect(models.deleteTag({ model_id: info.model_id, tag_key: 'a/b' })).rejects.toMatchObject(
        notFound(`No tag with key 'a/b' found for logged model with ID '${info.model_id}'.`),
      );
      await expect(models.deleteTag({ model_id: info.model_id })).rejects.toMatchObject(missing('tag_key'));
    });

    it('logs params: idempotent for equal values, INVALID_PARAMETER_VALUE for a changed one', async () => {
      const { info } = await create({ params: [{ key: 'lr', value: '0.1' }] });
      await models.logParams({
        model_id: info.model_id,
        params: [
          { key: 'lr', value: '0.1' },
          { key: 'depth', value: '3' },
        ],
      });
      await expect(models.logParams({ model_id: info.model_id, params: [{ key: 'lr', value: '0.2' }] })).rejects.toMatchObject(
        invalid('Changing param values is not allowed.'),
      );
      expect((await models.get(info.model_id)).data.params).toEqual([
        { key: 'depth', value: '3' },
        { key: 'lr', value: '0.1' },
      ]);
    });
  });

  describe('logRunMetrics', () => {
    it('records points carrying a model id with the run, and rejects unknown models', async () => {
      const { info } = await create();
      const run = await loupe.services.runs.create({ experiment_id: exp, tags: [] });
      const t = loupe.clock.now();
      await models.logRunMetrics(run.info, [
        { key: 'acc', value: 0.9, timestamp: t, step: 1, model_id: info.model_id, dataset_name: 'eval', dataset_digest: 'abc' },
        { key: 'loss', value: 0.1, timestamp: t, step: 1 },
      ]);
      expect((await models.get(info.model_id)).data.metrics).toEqual([
        { key: 'acc', value: 0.9, timestamp: t, step: 1, model_id: info.model_id, run_id: run.info.run_id, dataset_name: 'eval', dataset_digest: 'abc' },
      ]);
      await expect(models.logRunMetrics(run.info, [{ key: 'acc', value: 1, timestamp: t, step: 0, model_id: 'm-ghost' }])).rejects.toMatchObject(
        notFound("Logged model with ID 'm-ghost' not found."),
      );
    });
  });

  describe('search', () => {
    const search = (over: Partial<Parameters<LoggedModelService['search']>[0]> = {}) =>
      models.search({ experiment_ids: [exp], datasets: [], order_by: [], ...over });

    it('validates experiment_ids, datasets, order_by and max_results', async () => {
      await expect(search({ experiment_ids: [] })).rejects.toMatchObject(missing('experiment_ids'));
      await expect(search({ datasets: [{ dataset_digest: 'd' }] })).rejects.toMatchObject(
        invalid('`dataset_name` in the `datasets` clause must be specified.'),
      );
      await expect(search({ order_by: [{ ascending: true }] })).rejects.toMatchObject(invalid('`field_name` in the `order_by` clause must be specified.'));
      await expect(search({ order_by: [{ field_name: 'metrics.acc', dataset_digest: 'd' }] })).rejects.toMatchObject(
        invalid('`dataset_digest` can only be specified if `dataset_name` is also specified.'),
      );
      await expect(search({ order_by: [{ field_name: 'name', dataset_name: 'eval' }] })).rejects.toMatchObject(
        invalid('only apply to `metrics.<name>` fields'),
      );
      await expect(search({ max_results: 50_001 })).rejects.toMatchObject(invalid("Invalid value 50001 for parameter 'max_results'"));
      await expect(search({ page_token: 'not-a-token' })).rejects.toMatchObject(invalid('Invalid page token'));
    });

    it('pages 50 models at a time by default, newest first', async () => {
      for (let i = 0; i < 52; i++) {
        await create({ name: `m${i}` });
        loupe.clock.advance(1);
      }
      const first = await search();
      expect(first.models).toHaveLength(50);
      expect(first.models[0]?.info.name).toBe('m51');
      const second = await search({ page_token: first.next_page_token });
      expect(second.models.map((m) => m.info.name)).toEqual(['m1', 'm0']);
      expect(second.next_page_token).toBeUndefined();
    });

    it('parses the filter and structured order_by', async () => {
      const a = await create({ name: 'a', params: [{ key: 'opt', value: 'adam' }] });
      const b = await create({ name: 'b', params: [{ key: 'opt', value: 'sgd' }] });
      const run = await loupe.services.runs.create({ experiment_id: exp, tags: [] });
      const t = loupe.clock.now();
      await models.logRunMetrics(run.info, [
        { key: 'acc', value: 0.7, timestamp: t, step: 0, model_id: a.info.model_id, dataset_name: 'eval' },
        { key: 'acc', value: 0.9, timestamp: t, step: 0, model_id: b.info.model_id, dataset_name: 'train' },
      ]);
      const names = (r: { models: { info: { name: string } }[] }) => r.models.map((m) => m.info.name);
      expect(names(await search({ filter: "params.opt = 'sgd'" }))).toEqual(['b']);
      expect(names(await search({ filter: 'metrics.acc > 0.5', datasets: [{ dataset_name: 'eval' }] }))).toEqual(['a']);
      expect(names(await search({ order_by: [{ field_name: 'metrics.acc', ascending: false }] }))).toEqual(['b', 'a']);
      expect(names(await search({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval' }] }))).toEqual(['a', 'b']);
      expect(names(await search({ order_by: [{ field_name: 'name' }] }))).toEqual(['a', 'b']);
      await expect(search({ filter: 'params.opt ~ 1' })).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    });
  });
});
