import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const NOT_FOUND = { error_code: 'RESOURCE_DOES_NOT_EXIST' };

describe('logged models REST', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', `${API}/experiments/create`, { name: 'models' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  type Model = { info: Record<string, unknown> & { model_id: string }; data: Record<string, unknown> };
  const createModel = async (body: Record<string, unknown> = {}) => {
    const res = await loupe.call('POST', `${API}/logged-models`, { experiment_id: exp, ...body });
    expect(res.status).toBe(200);
    return res.body.model as Model;
  };
  const getModel = async (id: string) => (await loupe.call('GET', `${API}/logged-models/${id}`)).body.model as Model;

  it('creates a model and serializes it as MLflow does (enum names, int64 numbers, empty lists omitted)', async () => {
    const res = await loupe.call('POST', `${API}/logged-models`, { experiment_id: Number(exp), name: 'clf', model_type: 'sklearn' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const id = 'm-00000000000000000000000000000001';
    expect(JSON.parse(res.text)).toEqual({
      model: {
        info: {
          model_id: id,
          experiment_id: exp,
          name: 'clf',
          creation_timestamp_ms: loupe.clock.now(),
          last_updated_timestamp_ms: loupe.clock.now(),
          artifact_uri: `mlflow-artifacts:/${exp}/models/${id}/artifacts`,
          status: 'LOGGED_MODEL_PENDING',
          model_type: 'sklearn',
        },
        data: {},
      },
    });
    expect((await loupe.call('GET', `${AJAX}/logged-models/${id}`)).body).toEqual(res.body);
  });

  it("follows the Python client's flow: create with params, more params in batches, finalize, link to a run", async () => {
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${String(i).padStart(3, '0')}`, value: String(i) }));
    const run = (await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp })).body.run as { info: { run_id: string } };
    const model = await createModel({
      name: 'agent',
      source_run_id: run.info.run_id,
      params: params.slice(0, 100),
      tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
    });
    for (const batch of [params.slice(100, 200), params.slice(200)]) {
      const res = await loupe.call('POST', `${API}/logged-models/${model.info.model_id}/params`, { model_id: model.info.model_id, params: batch });
      expect(res).toMatchObject({ status: 200, body: {} });
    }
    expect((await getModel(model.info.model_id)).data.params).toEqual(params);

    const finalized = await loupe.call('PATCH', `${API}/logged-models/${model.info.model_id}`, { model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' });
    expect(finalized.status).toBe(200);
    expect((finalized.body.model as Model).info).toMatchObject({
      status: 'LOGGED_MODEL_READY',
      source_run_id: run.info.run_id,
      tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
    });

    expect((await loupe.call('POST', `${API}/runs/outputs`, { run_id: run.info.run_id, models: [{ model_id: model.info.model_id, step: 0 }] })).status).toBe(
      200,
    );
    const linked = (await loupe.call('GET', `${API}/runs/get?run_id=${run.info.run_id}`)).body.run as { outputs: unknown };
    expect(linked.outputs).toEqual({ model_outputs: [{ model_id: model.info.model_id, step: 0 }] });
  });

  it('accepts the status as a proto number', async () => {
    const model = await createModel();
    const res = await loupe.call('PATCH', `${AJAX}/logged-models/${model.info.model_id}`, { status: 3 });
    expect((res.body.model as Model).info.status).toBe('LOGGED_MODEL_UPLOAD_FAILED');
  });

  it('feeds the model metrics from LogMetric and LogBatch calls that carry model_id', async () => {
    const model = await createModel();
    const runId = ((await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp })).body.run as { info: { run_id: string } }).info.run_id;
    const base = { run_id: runId, timestamp: 1000, step: 1 };
    expect(
      (
        await loupe.call('POST', `${API}/runs/log-metric`, {
          ...base,
          key: 'acc',
          value: 0.5,
          model_id: model.info.model_id,
          dataset_name: 'eval',
          dataset_digest: 'd1',
        })
      ).status,
    ).toBe(200);
    const batch = await loupe.call('POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [
        { key: 'acc', value: 0.75, timestamp: 2000, step: 2, model_id: model.info.model_id, dataset_name: 'eval', dataset_digest: 'd1' },
        { key: 'loss', value: 'NaN', timestamp: 2000, step: 2, model_id: model.info.model_id },
        { key: 'run-only', value: 1, timestamp: 2000 },
      ],
    });
    expect(batch.status).toBe(200);
    expect((await getModel(model.info.model_id)).data.metrics).toEqual([
      { key: 'acc', value: 0.5, timestamp: 1000, step: 1, model_id: model.info.model_id, run_id: runId, dataset_name: 'eval', dataset_digest: 'd1' },
      { key: 'acc', value: 0.75, timestamp: 2000, step: 2, model_id: model.info.model_id, run_id: runId, dataset_name: 'eval', dataset_digest: 'd1' },
      { key: 'loss', value: 'NaN', timestamp: 2000, step: 2, model_id: model.info.model_id, run_id: runId },
    ]);
    const runMetrics = ((await loupe.call('GET', `${API}/runs/get?run_id=${runId}`)).body.run as { data: { metrics: { key: string }[] } }).data.metrics;
    expect(runMetrics.map((m) => m.key).sort()).toEqual(['acc', 'loss', 'run-only']);

    const ghost = await loupe.call('POST', `${API}/runs/log-metric`, { ...base, key: 'acc', value: 1, model_id: 'm-ghost' });
    expect(ghost).toMatchObject({ status: 404, body: { ...NOT_FOUND, message: "Logged model with ID 'm-ghost' not found." } });
  });

  it('sets tags and deletes them by key, keys with slashes raw or encoded', async () => {
    const { info } = await createModel();
    const set = await loupe.call('PATCH', `${API}/logged-models/${info.model_id}/tags`, {
      tags: [
        { key: 'a/b', value: '1' },
        { key: 'c d', value: '2' },
        { key: 'e/f', value: '3' },
      ],
    });
    expect(set).toMatchObject({ status: 200, body: {} });
    expect((await loupe.call('DELETE', `${API}/logged-models/${info.model_id}/tags/a/b`)).status).toBe(200);
    expect((await loupe.call('DELETE', `${AJAX}/logged-models/${info.model_id}/tags/c%20d`)).status).toBe(200);
    expect((await loupe.call('DELETE', `${API}/logged-models/${info.model_id}/tags/e%2Ff`)).status).toBe(200);
    expect((await getModel(info.model_id)).info.tags).toBeUndefined();
    expect(await loupe.call('DELETE', `${API}/logged-models/${info.model_id}/tags/a/b`)).toMatchObject({
      status: 404,
      body: { ...NOT_FOUND, message: `No tag with key 'a/b' found for logged model with ID '${info.model_id}'.` },
    });
  });

  it('soft-deletes: get and search stop returning the model, allow_deleted still reads it', async () => {
    const { info } = await createModel({ name: 'gone' });
    expect(await loupe.call('DELETE', `${API}/logged-models/${info.model_id}`, { model_id: info.model_id })).toMatchObject({ status: 200, body: {} });
    expect(await loupe.call('GET', `${API}/logged-models/${info.model_id}`)).toMatchObject({
      status: 404,
      body: { ...NOT_FOUND, message: `Logged model with ID '${info.model_id}' not found.` },
    });
    const allowed = await loupe.call('GET', `${API}/logged-models/${info.model_id}?allow_deleted=true`);
    expect((allowed.body.model as Model).info.name).toBe('gone');
    expect((await loupe.call('POST', `${API}/logged-models/search`, { experiment_ids: [exp] })).body).toEqual({});
  });

  it('searches with filter, datasets, structured order_by and page tokens', async () => {
    const names = ['a', 'b', 'c'];
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await createModel({ name, params: [{ key: 'n', value: name }] })).info.model_id);
      loupe.clock.advance(1);
    }
    const runId = ((await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp })).body.run as { info: { run_id: string } }).info.run_id;
    await loupe.call('POST', `${API}/runs/log-batch`, {
      run_id: runId,
      metrics: ids.map((model_id, i) => ({ key: 'acc', value: [0.2, 0.9, 0.5][i], timestamp: 1, step: 0, model_id, dataset_name: i === 0 ? 'train' : 'eval' })),
    });
    const search = async (body: Record<string, unknown>) => {
      const res = await loupe.call('POST', `${API}/logged-models/search`, { experiment_ids: [exp], ...body });
      expect(res.status).toBe(200);
      return { names: ((res.body.models ?? []) as Model[]).map((m) => m.info.name), token: res.body.next_page_token as string | undefined };
    };
    expect(await search({})).toEqual({ names: ['c', 'b', 'a'], token: undefined });
    expect((await search({ filter: 'metrics.acc >= 0.5' })).names).toEqual(['c', 'b']);
    expect((await search({ filter: "params.n != 'b' AND metrics.acc > 0.1", datasets: [{ dataset_name: 'eval' }] })).names).toEqual(['c']);
    expect((await search({ order_by: [{ field_name: 'metrics.acc', ascending: false }] })).names).toEqual(['b', 'c', 'a']);
    expect((await search({ order_by: [{ field_name: 'metrics.acc', ascending: true, dataset_name: 'train' }] })).names).toEqual(['a', 'c', 'b']);
    expect((await search({ order_by: [{ field_name: 'name' }] })).names).toEqual(['a', 'b', 'c']);

    const first = await search({ max_results: 2, order_by: [{ field_name: 'name', ascending: true }] });
    expect(first.names).toEqual(['a', 'b']);
    expect(first.token).toEqual(expect.any(String));
    const second = await search({ max_results: 2, order_by: [{ field_name: 'name', ascending: true }], page_token: first.token });
    expect(second).toEqual({ names: ['c'], token: undefined });
  });

  it('lets the literal /search win over /:model_id', async () => {
    await createModel({ name: 'only' });
    const viaAjax = await loupe.call('POST', `${AJAX}/logged-models/search`, { experiment_ids: [exp] });
    expect(viaAjax.status).toBe(200);
    expect((viaAjax.body.models as Model[]).map((m) => m.info.name)).toEqual(['only']);
    // GET has no search RPC: `search` is then just an unknown model id.
    expect(await loupe.call('GET', `${API}/logged-models/search`)).toMatchObject({
      status: 404,
      body: { ...NOT_FOUND, message: "Logged model with ID 'search' not found." },
    });
  });

  it('answers MLflow error bodies with the right status', async () => {
    expect(await loupe.call('POST', `${API}/logged-models`, {})).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("Missing value for required parameter 'experiment_id'") },
    });
    expect(await loupe.call('POST', `${API}/logged-models`, { experiment_id: '424242' })).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await loupe.call('POST', `${API}/logged-models`, { experiment_id: exp, name: 'bad/name' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("Invalid model name 'bad/name' provided.") },
    });
    const res = await loupe.app.request(`${API}/logged-models`, {
      method: 'POST',
      body: JSON.stringify({ experiment_id: exp }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Content-Type') });

    const { info } = await createModel({ params: [{ key: 'lr', value: '0.1' }] });
    expect(await loupe.call('POST', `${API}/logged-models/${info.model_id}/params`, { params: [{ key: 'lr', value: '0.2' }] })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining('Changing param values is not allowed.') },
    });
    expect(await loupe.call('PATCH', `${API}/logged-models/${info.model_id}`, { status: 'LOGGED_MODEL_PENDING' })).toMatchObject({ status: 400 });
    expect(await loupe.call('PATCH', `${API}/logged-models/${info.model_id}`, { status: 'DONE' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("parameter 'status'") },
    });
    for (const [method, path, body] of [
      ['GET', '/logged-models/m-nope', undefined],
      ['PATCH', '/logged-models/m-nope', { status: 'LOGGED_MODEL_READY' }],
      ['DELETE', '/logged-models/m-nope', undefined],
      ['PATCH', '/logged-models/m-nope/tags', { tags: [{ key: 'k', value: 'v' }] }],
      ['DELETE', '/logged-models/m-nope/tags/k', undefined],
      ['POST', '/logged-models/m-nope/params', { params: [{ key: 'k', value: 'v' }] }],
    ] as const) {
      expect(await loupe.call(method, `${API}${path}`, body), `${method} ${path}`).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Logged model with ID 'm-nope' not found." },
      });
    }
    expect(await loupe.call('POST', `${API}/logged-models/search`, {})).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'experiment_ids'") },
    });
    expect(await loupe.call('POST', `${API}/logged-models/search`, { experiment_ids: [exp], filter: 'metrics.acc >' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('checks names, params, tags, statuses and search clauses with MLflow wording before anything is stored', async () => {
    const invalid = (message: string) => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining(message) } });
    const missing = (param: string) => invalid(`Missing value for required parameter '${param}'.`);
    const create = (body: Record<string, unknown>) => loupe.call('POST', `${API}/logged-models`, { experiment_id: exp, ...body });
    for (const name of ['a/b', 'a:b', 'a.b', 'a%b', 'a"b', "a'b", '  ']) {
      expect(await create({ name }), name).toMatchObject(invalid(`Invalid model name '${name}' provided.`));
    }
    expect(await create({ name: 'x'.repeat(501) })).toMatchObject(invalid("'name' exceeds the maximum length of 500"));
    expect(await create({ params: [{ value: 'v' }] })).toMatchObject(missing('params.key'));
    expect(await create({ tags: [{ value: 'v' }] })).toMatchObject(missing('tags.key'));
    expect(await create({ params: [{ key: '../up', value: 'v' }] })).toMatchObject(invalid("Invalid param name: '../up'"));
    expect(await create({ params: [{ key: 'p', value: 'x'.repeat(6001) }] })).toMatchObject(invalid("'param value' exceeds the maximum length of 6000"));
    expect(await create({ tags: [{ key: 'bad*key', value: 'v' }] })).toMatchObject(invalid("Invalid tag name: 'bad*key'"));
    expect(await create({ tags: [{ key: 't', value: 'x'.repeat(8001) }] })).toMatchObject(invalid("'tag value' exceeds the maximum length of 8000"));
    const twoValues = [
      { key: 'p', value: '1' },
      { key: 'p', value: '2' },
    ];
    expect(await create({ params: twoValues })).toMatchObject(invalid("Duplicate parameter keys have been submitted: ['p']"));
    const sameTwice = [
      { key: 'p', value: '1' },
      { key: 'p', value: '1' },
    ];
    const ok = (await create({ params: sameTwice, tags: [{ key: 't' }] })).body.model as Model;
    expect(ok.data.params).toEqual([{ key: 'p', value: '1' }]);
    expect(ok.info.tags).toEqual([{ key: 't', value: '' }]);

    const id = ok.info.model_id;
    expect(await loupe.call('PATCH', `${API}/logged-models/${id}`, {})).toMatchObject(missing('status'));
    expect(await loupe.call('PATCH', `${API}/logged-models/${id}`, { status: 'LOGGED_MODEL_PENDING' })).toMatchObject(invalid('LOGGED_MODEL_PENDING'));
    expect(await loupe.call('PATCH', `${API}/logged-models/${id}/tags`, { tags: [{ key: 'x', value: 'y'.repeat(8001) }] })).toMatchObject(
      invalid("'tag value' exceeds the maximum length of 8000"),
    );

    const search = (body: Record<string, unknown>) => loupe.call('POST', `${API}/logged-models/search`, { experiment_ids: [exp], ...body });
    expect(await search({ datasets: [{ dataset_digest: 'd' }] })).toMatchObject(invalid('`dataset_name` in the `datasets` clause must be specified.'));
    expect(await search({ order_by: [{ ascending: true }] })).toMatchObject(invalid('`field_name` in the `order_by` clause must be specified.'));
    expect(await search({ order_by: [{ field_name: 'metrics.acc', dataset_digest: 'd' }] })).toMatchObject(
      invalid('`dataset_digest` can only be specified if `dataset_name` is also specified.'),
    );
    expect(await search({ order_by: [{ field_name: 'name', dataset_name: 'eval' }] })).toMatchObject(invalid('only apply to `metrics.<name>` fields'));
  });

  it('leaves unknown logged-model routes a bare 404', async () => {
    const res = await loupe.app.request(`${API}/logged-models/m-1/unknown`, { method: 'GET' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
    expect((await loupe.app.request(`/api/3.0/mlflow/logged-models/search`, { method: 'POST' })).status).toBe(404);
  });
});
