import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
const traceId = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;

// Loupe's `loupe/model-versions/traces`: the traces made with a model version, found as MLflow 3 links
// them (trace metadata `mlflow.modelId` naming the version's logged model), else through its run.
describe('model version traces REST', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body;
  };
  /** A finished trace (StartTraceV3) in an experiment, with metadata; `n` orders them in time. */
  const trace = (experimentId: string, n: number, metadata: Record<string, string>) =>
    ok('POST', '/api/3.0/mlflow/traces', {
      trace: {
        trace_info: {
          trace_id: traceId(n),
          trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
          request_time: `2025-06-15T14:07:0${n}.000Z`,
          state: 'OK',
          trace_metadata: metadata,
        },
      },
    });
  const traces = (params: Record<string, string | number>) => ok('GET', `/ajax-api/2.0/loupe/model-versions/traces?${q(params)}`);
  const ids = (body: Record<string, unknown>) => ((body.traces ?? []) as { trace_id: string }[]).map((t) => t.trace_id);

  it("lists the traces whose metadata names the version's logged model, newest first, in its experiment, paged", async () => {
    const exp = (await ok('POST', `${API}/experiments/create`, { name: 'agents' })).experiment_id as string;
    const other = (await ok('POST', `${API}/experiments/create`, { name: 'elsewhere' })).experiment_id as string;
    const model = (await ok('POST', `${API}/logged-models`, { experiment_id: exp, name: 'agent' })) as { model: { info: { model_id: string } } };
    const modelId = model.model.info.model_id;
    const otherModel = (await ok('POST', `${API}/logged-models`, { experiment_id: exp, name: 'agent-2' })) as { model: { info: { model_id: string } } };
    await ok('POST', `${API}/registered-models/create`, { name: 'agent' });
    await ok('POST', `${API}/model-versions/create`, { name: 'agent', source: `models:/${modelId}`, model_id: modelId });
    await trace(exp, 1, { 'mlflow.modelId': modelId });
    await trace(exp, 2, { 'mlflow.modelId': otherModel.model.info.model_id });
    await trace(exp, 3, { 'mlflow.modelId': modelId });
    await trace(other, 4, { 'mlflow.modelId': modelId });

    const filter = "metadata.`mlflow.modelId` = '" + modelId + "'";
    const all = await traces({ name: 'agent', version: 1 });
    expect([ids(all), all.experiment_id, all.filter, all.next_page_token]).toEqual([[traceId(3), traceId(1)], exp, filter, undefined]);
    // The filter is the one SearchTracesV3 takes: the UI opens the same list in the traces view.
    const searched = await ok('POST', '/api/3.0/mlflow/traces/search', { experiment_ids: [exp], filter });
    expect(ids(searched)).toEqual([traceId(3), traceId(1)]);

    const first = await traces({ name: 'agent', version: 1, max_results: 1 });
    expect(ids(first)).toEqual([traceId(3)]);
    const next = await traces({ name: 'agent', version: 1, max_results: 1, page_token: first.next_page_token as string });
    expect([ids(next), next.next_page_token]).toEqual([[traceId(1)], undefined]);
  });

  it("lists a run's traces for a version made from a run, and none for a version with neither", async () => {
    const exp = (await ok('POST', `${API}/experiments/create`, { name: 'training' })).experiment_id as string;
    const run = (await ok('POST', `${API}/runs/create`, { experiment_id: exp })) as { run: { info: { run_id: string; artifact_uri: string } } };
    const runId = run.run.info.run_id;
    await ok('POST', `${API}/registered-models/create`, { name: 'fraud' });
    await ok('POST', `${API}/model-versions/create`, { name: 'fraud', source: `runs:/${runId}/model`, run_id: runId });
    await ok('POST', `${API}/model-versions/create`, { name: 'fraud', source: 's3://bucket/fraud/model' });
    await trace(exp, 1, { 'mlflow.sourceRun': runId });
    await trace(exp, 2, {});

    const fromRun = await traces({ name: 'fraud', version: 1 });
    expect([ids(fromRun), fromRun.experiment_id, fromRun.filter]).toEqual([[traceId(1)], exp, `run_id = '${runId}'`]);
    expect(await traces({ name: 'fraud', version: 2 })).toEqual({});
  });

  it('answers 404 for an unknown model or version and 400 for a bad version or page size', async () => {
    await ok('POST', `${API}/registered-models/create`, { name: 'fraud' });
    const ghost = await loupe.call('GET', `/api/2.0/loupe/model-versions/traces?${q({ name: 'ghost', version: 1 })}`);
    expect([ghost.status, ghost.body]).toEqual([404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=ghost, version=1) not found' }]);
    const missing = await loupe.call('GET', `/ajax-api/2.0/loupe/model-versions/traces?${q({ name: 'fraud', version: 3 })}`);
    expect([missing.status, missing.body]).toEqual([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Model Version (name=fraud, version=3) not found' },
    ]);
    const bads: Record<string, string | number>[] = [{ name: 'fraud', version: 'x' }, { name: 'fraud' }, { version: 1 }];
    for (const params of bads) {
      const bad = await loupe.call('GET', `/api/2.0/loupe/model-versions/traces?${q(params)}`);
      expect([bad.status, bad.body.error_code], JSON.stringify(params)).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    }
    await ok('POST', `${API}/model-versions/create`, { name: 'fraud', source: 's3://bucket/fraud/model' });
    const tooMany = await loupe.call('GET', `/api/2.0/loupe/model-versions/traces?${q({ name: 'fraud', version: 1, max_results: 501 })}`);
    expect(tooMany.status).toBe(400);
  });
});
