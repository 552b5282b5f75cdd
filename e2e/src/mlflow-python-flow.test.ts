import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// The requests MLflow's Python client sends for `set_experiment`, `start_run`, `log_*`, `log_artifact`,
// `log_model` (MLflow 3 logged models) and `end_run` (spec §10.2), replayed over real HTTP against the built CLI.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client request flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/2.0/mlflow/${p}`;
    const call = (method: string, p: string, body?: unknown) => server.call(method, p, body);

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-pyflow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('runs the whole flow', async () => {
      expect(Number((await (await fetch(`${server.url}/version`)).text()).split('.')[1])).toBeGreaterThanOrEqual(4);

      // mlflow.set_experiment("py-flow")
      expect(await call('GET', api('experiments/get-by-name?experiment_name=py-flow'))).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
      });
      const exp = (await call('POST', api('experiments/create'), { name: 'py-flow' })).body.experiment_id as string;

      // mlflow.start_run(run_name="first")
      const created = await call('POST', api('runs/create'), {
        experiment_id: exp,
        user_id: 'ann',
        start_time: 1_700_000_000_000,
        run_name: 'first',
        tags: [
          { key: 'mlflow.user', value: 'ann' },
          { key: 'mlflow.source.name', value: 'train.py' },
          { key: 'mlflow.source.type', value: 'LOCAL' },
          { key: 'mlflow.runName', value: 'first' },
        ],
      });
      expect(created.status).toBe(200);
      const runId = created.body.run.info.run_id as string;
      const artifactUri = created.body.run.info.artifact_uri as string;
      expect(artifactUri).toBe(`mlflow-artifacts:/${exp}/${runId}/artifacts`);

      // log_param, log_metric (sends run_uuid too), log_metrics / set_tags -> log-batch
      expect((await call('POST', api('runs/log-parameter'), { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' })).status).toBe(200);
      for (let step = 0; step < 3; step++) {
        const res = await call('POST', api('runs/log-metric'), {
          run_id: runId,
          run_uuid: runId,
          key: 'loss',
          value: 1 / (step + 1),
          timestamp: 1_700_000_000_100 + step,
          step,
        });
        expect(res.status).toBe(200);
      }
      expect(
        (
          await call('POST', api('runs/log-batch'), {
            run_id: runId,
            metrics: [{ key: 'acc', value: 0.93, timestamp: 1_700_000_000_200, step: 2 }],
            params: [{ key: 'epochs', value: '3' }],
            tags: [{ key: 'team', value: 'core' }],
          })
        ).status,
      ).toBe(200);

      // log_text("hello", "notes/hello.txt"): PUT through the artifact proxy at the run's artifact URI
      const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace('mlflow-artifacts:/', '')}/notes/hello.txt`, {
        method: 'PUT',
        body: 'hello',
      });
      expect(put.status).toBe(200);
      const listed = await call('GET', api(`artifacts/list?run_id=${runId}&path=notes`));
      expect(listed.body).toMatchObject({ root_uri: artifactUri, files: [{ path: 'notes/hello.txt', is_dir: false, file_size: 5 }] });
      expect(await (await fetch(`${server.url}/get-artifact?run_id=${runId}&path=notes/hello.txt`)).text()).toBe('hello');

      // mlflow.<flavor>.log_model(...): create logged model, upload its files, finalize, link as run output
      const model = await call('POST', api('logged-models'), {
        experiment_id: exp,
        name: 'model',
        source_run_id: runId,
        params: [{ key: 'alpha', value: '0.5' }],
      });
      expect(model.status).toBe(200);
      const modelId = model.body.model.info.model_id as string;
      const modelUri = model.body.model.info.artifact_uri as string;
      expect(modelUri).toBe(`mlflow-artifacts:/${exp}/models/${modelId}/artifacts`);
      const mlmodel = `artifact_path: model\nmodel_id: ${modelId}\n`;
      expect(
        (
          await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${modelUri.replace('mlflow-artifacts:/', '')}/MLmodel`, {
            method: 'PUT',
            body: mlmodel,
          })
        ).status,
      ).toBe(200);
      expect((await call('PATCH', api(`logged-models/${modelId}`), { model_id: modelId, status: 'LOGGED_MODEL_READY' })).body.model.info.status).toBe(
        'LOGGED_MODEL_READY',
      );
      expect((await call('POST', api('runs/outputs'), { run_id: runId, models: [{ model_id: modelId, step: 0 }] })).status).toBe(200);
      expect((await call('GET', api(`logged-models/${modelId}/artifacts/directories`))).body).toMatchObject({
        root_uri: modelUri,
        files: [{ path: 'MLmodel', is_dir: false }],
      });
      const file = await fetch(`${server.url}/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=MLmodel`);
      expect(await file.text()).toBe(mlmodel);

      // end_run()
      expect(
        (await call('POST', api('runs/update'), { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: 1_700_000_001_000 })).body.run_info,
      ).toMatchObject({ status: 'FINISHED' });

      // mlflow.search_runs(filter_string=...)
      const found = await call('POST', api('runs/search'), {
        experiment_ids: [exp],
        filter: "metrics.loss < 0.5 and params.lr = '0.01' and tags.team = 'core'",
        order_by: ['metrics.acc DESC'],
        max_results: 1000,
      });
      expect(found.body.runs).toHaveLength(1);
      expect(found.body.runs[0]).toMatchObject({
        info: { run_id: runId, status: 'FINISHED', end_time: 1_700_000_001_000 },
        data: {
          params: [
            { key: 'epochs', value: '3' },
            { key: 'lr', value: '0.01' },
          ],
        },
        outputs: { model_outputs: [{ model_id: modelId, step: 0 }] },
      });
      const models = await call('POST', api('logged-models/search'), { experiment_ids: [exp], filter: "name = 'model'" });
      expect(models.body.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([modelId]);
    });
  });
}
