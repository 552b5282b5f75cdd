import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';

describe('runs REST', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', `${API}/experiments/create`, { name: 'runs' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const createRun = async (body: Record<string, unknown> = {}) => {
    const res = await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp, ...body });
    expect(res.status).toBe(200);
    return (res.body.run as { info: { run_id: string } }).info.run_id;
  };
  const getRun = async (runId: string) => (await loupe.call('GET', `${API}/runs/get?run_id=${runId}`)).body.run as Record<string, Record<string, unknown>>;

  it('creates a run the way the Python client does and reads it back', async () => {
    const res = await loupe.call('POST', `${API}/runs/create`, {
      experiment_id: exp,
      user_id: 'ann',
      start_time: 1_700_000_000_123,
      run_name: 'baseline',
      tags: [
        { key: 'mlflow.user', value: 'ann' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ],
    });
    expect(res.status).toBe(200);
    const run = res.body.run as { info: Record<string, unknown>; data: Record<string, unknown> };
    expect(run.info).toEqual({
      run_id: '00000000000000000000000000000001',
      run_uuid: '00000000000000000000000000000001',
      run_name: 'baseline',
      experiment_id: exp,
      user_id: 'ann',
      status: 'RUNNING',
      start_time: 1_700_000_000_123,
      artifact_uri: `mlflow-artifacts:/${exp}/00000000000000000000000000000001/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.data).toEqual({
      tags: [
        { key: 'mlflow.runName', value: 'baseline' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
        { key: 'mlflow.user', value: 'ann' },
      ],
    });
    expect(res.body.run).toHaveProperty('inputs', {});
  });

  it('generates a run name, defaults to experiment 0, rejects conflicting names and deleted experiments', async () => {
    const res = await loupe.call('POST', `${API}/runs/create`, {});
    expect((res.body.run as { info: Record<string, string> }).info).toMatchObject({
      experiment_id: '0',
      run_name: expect.stringMatching(/^[a-z]+-[a-z]+-\d+$/),
    });
    const conflict = await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] });
    expect(conflict.status).toBe(400);
    await loupe.call('POST', `${API}/experiments/delete`, { experiment_id: exp });
    const deleted = await loupe.call('POST', `${API}/runs/create`, { experiment_id: exp });
    expect(deleted).toMatchObject({ status: 400, body: { message: expect.stringContaining("must be in the 'active' state") } });
    expect((await loupe.call('POST', `${API}/runs/create`, { experiment_id: '999' })).status).toBe(404);
  });

  it('logs metrics, params and tags one by one (run_uuid alias, numeric strings, NaN)', async () => {
    const id = await createRun();
    expect((await loupe.call('POST', `${API}/runs/log-metric`, { run_id: id, run_uuid: id, key: 'loss', value: 0.5, timestamp: 1000, step: 1 })).status).toBe(
      200,
    );
    expect((await loupe.call('POST', `${API}/runs/log-metric`, { run_uuid: id, key: 'loss', value: '0.25', timestamp: '2000', step: '2' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/log-metric`, { run_id: id, key: 'nan', value: 'NaN', timestamp: 1 })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/log-parameter`, { run_id: id, key: 'lr', value: '0.01' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/set-tag`, { run_id: id, key: 'team', value: 'core' })).status).toBe(200);
    const run = await getRun(id);
    expect(run.data).toMatchObject({
      metrics: [
        { key: 'loss', value: 0.25, timestamp: 2000, step: 2 },
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      ],
      params: [{ key: 'lr', value: '0.01' }],
    });
    const history = await loupe.call('GET', `${API}/metrics/get-history?run_id=${id}&metric_key=loss`);
    expect(history.body).toEqual({
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1000, step: 1 },
        { key: 'loss', value: 0.25, timestamp: 2000, step: 2 },
      ],
    });
    const paged = await loupe.call('GET', `${API}/metrics/get-history?run_id=${id}&metric_key=loss&max_results=1`);
    expect(paged.body.metrics).toHaveLength(1);
    expect(paged.body.next_page_token).toBeTypeOf('string');
  });

  it('rejects bad metric values, keys and param changes with INVALID_PARAMETER_VALUE', async () => {
    const id = await createRun();
    const bad = [
      { run_id: id, key: 'm', value: true, timestamp: 1 },
      { run_id: id, key: 'm', value: 'abc', timestamp: 1 },
      { run_id: id, key: 'm', value: 1 },
      { run_id: id, key: 'm', value: 1, timestamp: 1.5 },
      { run_id: id, key: '../escape', value: 1, timestamp: 1 },
      { run_id: id, key: 'bad\u0000key', value: 1, timestamp: 1 },
      { run_id: id, key: 'k'.repeat(251), value: 1, timestamp: 1 },
    ];
    for (const body of bad) {
      const res = await loupe.call('POST', `${API}/runs/log-metric`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    await loupe.call('POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'a' });
    expect((await loupe.call('POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'a' })).status).toBe(200);
    const changed = await loupe.call('POST', `${API}/runs/log-parameter`, { run_id: id, key: 'p', value: 'b' });
    expect(changed).toMatchObject({ status: 400, body: { message: expect.stringContaining('Changing param values is not allowed') } });
    expect((await loupe.call('POST', `${API}/runs/log-parameter`, { run_id: id, key: 'long', value: 'x'.repeat(6001) })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/runs/set-tag`, { run_id: id, key: 't', value: 'x'.repeat(8001) })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/runs/log-metric`, { run_id: 'f'.repeat(32), key: 'm', value: 1, timestamp: 1 })).status).toBe(404);
  });

  it('log-batch enforces limits and duplicate params, writes atomically', async () => {
    const id = await createRun();
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 7}`, value: i, timestamp: 1000 + i, step: i }));
    expect((await loupe.call('POST', `${API}/runs/log-batch`, { run_id: id, metrics })).status).toBe(200);
    const tooMany = await loupe.call('POST', `${API}/runs/log-batch`, { run_id: id, metrics: [...metrics, metrics[0]] });
    expect(tooMany).toMatchObject({ status: 400, body: { message: expect.stringContaining('at most 1000 metrics') } });
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    expect((await loupe.call('POST', `${API}/runs/log-batch`, { run_id: id, params })).status).toBe(400);
    const dup = await loupe.call('POST', `${API}/runs/log-batch`, {
      run_id: id,
      params: [
        { key: 'x', value: '1' },
        { key: 'x', value: '2' },
      ],
    });
    expect(dup).toMatchObject({ status: 400, body: { message: expect.stringContaining('Duplicate parameter keys') } });
    const mixed = await loupe.call('POST', `${API}/runs/log-batch`, {
      run_id: id,
      metrics: [{ key: 'ok', value: 1, timestamp: 1 }],
      params: [{ key: 'good', value: '1' }],
      tags: [
        { key: 't', value: 'a' },
        { key: 't', value: 'b' },
      ],
    });
    expect(mixed.status).toBe(200);
    const run = await getRun(id);
    expect(run.data?.tags).toContainEqual({ key: 't', value: 'b' });
    expect((run.data?.metrics as unknown[]).length).toBe(8);
    const big = await loupe.call('POST', `${API}/runs/log-batch`, { run_id: id, tags: [{ key: 'pad', value: 'x'.repeat(1_000_001) }] });
    expect(big).toMatchObject({ status: 400, body: { message: expect.stringContaining('1000000 bytes') } });
  });

  it('updates, deletes and restores runs; writes to deleted runs fail', async () => {
    const id = await createRun();
    const updated = await loupe.call('POST', `${API}/runs/update`, { run_id: id, status: 'FINISHED', end_time: 5, run_name: 'done' });
    expect(updated.body.run_info).toMatchObject({ status: 'FINISHED', end_time: 5, run_name: 'done' });
    const numericStatus = await loupe.call('POST', `${API}/runs/update`, { run_id: id, status: 4 });
    expect(numericStatus.body.run_info).toMatchObject({ status: 'FAILED' });
    expect((await loupe.call('POST', `${API}/runs/update`, { run_id: id, status: 'BOGUS' })).status).toBe(400);
    await loupe.call('POST', `${API}/runs/delete`, { run_id: id });
    expect((await getRun(id)).info).toMatchObject({ lifecycle_stage: 'deleted' });
    const write = await loupe.call('POST', `${API}/runs/set-tag`, { run_id: id, key: 'k', value: 'v' });
    expect(write).toMatchObject({ status: 400, body: { message: expect.stringContaining("must be in the 'active' state") } });
    await loupe.call('POST', `${API}/runs/restore`, { run_id: id });
    expect((await loupe.call('POST', `${API}/runs/set-tag`, { run_id: id, key: 'k', value: 'v' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/delete-tag`, { run_id: id, key: 'k' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/delete-tag`, { run_id: id, key: 'k' })).status).toBe(404);
  });

  it('logs models, inputs and outputs', async () => {
    const id = await createRun();
    const model = { artifact_path: 'model', flavors: { python_function: {} }, utc_time_created: '2025-01-01 00:00:00', run_id: id };
    expect((await loupe.call('POST', `${API}/runs/log-model`, { run_id: id, model_json: JSON.stringify(model) })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/log-model`, { run_id: id, model_json: '{"flavors":{}}' })).status).toBe(400);
    const history = (await getRun(id)).data?.tags as { key: string; value: string }[];
    expect(JSON.parse(history.find((t) => t.key === 'mlflow.log-model.history')?.value ?? '[]')).toEqual([model]);

    const dataset = { name: 'iris', digest: 'd1', source_type: 'local', source: '{"uri":"/data"}' };
    const inputs = await loupe.call('POST', `${API}/runs/log-inputs`, {
      run_id: id,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
      models: [{ model_id: 'm-1' }],
    });
    expect(inputs.status).toBe(200);
    expect((await loupe.call('POST', `${API}/runs/log-inputs`, { run_id: id, datasets: [{ dataset: { name: 'x' } }] })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/runs/outputs`, { run_id: id, models: [{ model_id: 'm-2', step: 3 }] })).status).toBe(200);
    const run = await getRun(id);
    expect(run.inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
      model_inputs: [{ model_id: 'm-1' }],
    });
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: 'm-2', step: 3 }] });
    const summaries = await loupe.call('POST', `/ajax-api/2.0/mlflow/experiments/search-datasets`, { experiment_ids: [exp] });
    expect(summaries.body).toEqual({ dataset_summaries: [{ experiment_id: exp, name: 'iris', digest: 'd1', context: 'training' }] });
  });

  it('searches runs with the filter grammar, order_by and page tokens', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      loupe.clock.advance(1000);
      const id = await createRun({ run_name: `run-${i}`, start_time: loupe.clock.now() });
      ids.push(id);
      await loupe.call('POST', `${API}/runs/log-batch`, {
        run_id: id,
        metrics: [{ key: 'acc', value: i / 10, timestamp: 1 }],
        params: [{ key: 'model', value: i % 2 ? 'tree' : 'linear' }],
        tags: [{ key: 'mlflow.user', value: 'ann' }],
      });
    }
    const search = (body: Record<string, unknown>) => loupe.call('POST', `${API}/runs/search`, { experiment_ids: [exp], ...body });
    const names = (res: { body: Record<string, unknown> }) => ((res.body.runs ?? []) as { info: { run_name: string } }[]).map((r) => r.info.run_name);

    expect(names(await search({}))).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
    expect(names(await search({ filter: 'metrics.acc >= 0.2 and params.model = "linear"' }))).toEqual(['run-4', 'run-2']);
    expect(names(await search({ filter: "tags.`mlflow.user` = 'ann' AND attributes.run_name LIKE 'run-1%'" }))).toEqual(['run-1']);
    expect(names(await search({ filter: `attributes.run_id IN ('${ids[0]}', '${ids[3]}')` }))).toEqual(['run-3', 'run-0']);
    expect(names(await search({ order_by: ['metrics.acc ASC'] }))).toEqual(['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
    expect(names(await search({ filter: 'metrics.missing > 0' }))).toEqual([]);

    const first = await search({ max_results: 2, order_by: ['attributes.start_time ASC'] });
    expect(names(first)).toEqual(['run-0', 'run-1']);
    const second = await search({ max_results: 2, order_by: ['attributes.start_time ASC'], page_token: first.body.next_page_token });
    expect(names(second)).toEqual(['run-2', 'run-3']);

    for (const filter of [
      "metrics.acc > 'high'",
      'params.model > 1',
      'foo.bar = 1',
      'metrics.acc > 0.1 OR metrics.acc < 0',
      "attributes.status = 'x'; drop table runs",
    ]) {
      const res = await search({ filter });
      expect(res.status, filter).toBe(400);
      expect(res.body.error_code, filter).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await search({ max_results: 50_001 })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/runs/search`, { experiment_ids: ['999'] })).body).toEqual({});
  });

  it('serves bulk metric histories for charts', async () => {
    const a = await createRun();
    const b = await createRun();
    await loupe.call('POST', `${API}/runs/log-batch`, {
      run_id: a,
      metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: i })),
    });
    await loupe.call('POST', `${API}/runs/log-batch`, { run_id: b, metrics: [{ key: 'loss', value: 7, timestamp: 1, step: 5 }] });
    const sampled = await loupe.call('GET', `${API}/metrics/get-history-bulk-interval?run_ids=${a}&run_ids=${b}&metric_key=loss&max_results=10`);
    const points = sampled.body.metrics as { run_id: string; step: number }[];
    const stepsA = points.filter((p) => p.run_id === a).map((p) => p.step);
    expect(stepsA[0]).toBe(0);
    expect(stepsA.at(-1)).toBe(99);
    expect(stepsA.length).toBeLessThanOrEqual(12);
    expect(points.filter((p) => p.run_id === b)).toEqual([{ key: 'loss', value: 7, timestamp: 1, step: 5, run_id: b }]);
    const ranged = await loupe.call('GET', `${API}/metrics/get-history-bulk-interval?run_ids=${a}&metric_key=loss&start_step=10&end_step=12`);
    expect((ranged.body.metrics as { step: number }[]).map((p) => p.step)).toEqual([10, 11, 12]);
    expect((await loupe.call('GET', `${API}/metrics/get-history-bulk-interval?run_ids=${a}&metric_key=loss&start_step=10`)).status).toBe(400);
    expect((await loupe.call('GET', `${API}/metrics/get-history-bulk-interval?run_ids=${a}&metric_key=loss&max_results=2501`)).status).toBe(400);
    const bulk = await loupe.call('GET', `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${a}&run_id=${b}&metric_key=loss&max_results=3`);
    expect((bulk.body.metrics as { run_id: string; value: number }[]).map((m) => [m.run_id, m.value])).toEqual([
      [a, 0],
      [a, 1],
      [a, 2],
    ]);
  });
});
