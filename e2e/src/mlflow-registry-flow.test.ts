import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

// The requests MLflow 3.11's Python client sends for `mlflow.register_model`, `set_registered_model_alias`,
// `load_model("models:/name@alias")` (download), `mlflow.genai.register_prompt` / `load_prompt` /
// `search_prompts` / `set_prompt_alias` and `delete_registered_model` (spec §6, §7), replayed over real
// HTTP against the built CLI on each database, with the error codes the client reads for bad input.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client registry flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/2.0/mlflow/${p}`;
    const q = (params: Record<string, string | number>) =>
      new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const call = (method: string, p: string, body?: unknown) => server.call(method, p, body);
    const ok = async (method: string, p: string, body?: unknown) => {
      const res = await call(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    const proxy = (path: string) => `${server.url}/api/2.0/mlflow-artifacts/artifacts/${path}`;

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-registry-flow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('registers a model from a run, aliases it and downloads models:/name@alias', async () => {
      const exp = (await ok('POST', api('experiments/create'), { name: 'registry-flow' })).experiment_id as string;
      const run = (await ok('POST', api('runs/create'), { experiment_id: exp, run_name: 'train' })).run.info as { run_id: string };
      // mlflow.sklearn.log_model(model, name="model"): a logged model, its files, READY, a run output.
      const model = (await ok('POST', api('logged-models'), { experiment_id: exp, name: 'model', source_run_id: run.run_id })).model.info as {
        model_id: string;
        artifact_uri: string;
      };
      const modelPath = model.artifact_uri.replace('mlflow-artifacts:/', '');
      for (const [file, body] of [
        ['MLmodel', `artifact_path: model\nmodel_id: ${model.model_id}\n`],
        ['model.pkl', 'pickled-bytes'],
      ]) {
        expect((await fetch(proxy(`${modelPath}/${file}`), { method: 'PUT', body })).status).toBe(200);
      }
      await ok('PATCH', api(`logged-models/${model.model_id}`), { model_id: model.model_id, status: 'LOGGED_MODEL_READY' });
      await ok('POST', api('runs/outputs'), { run_id: run.run_id, models: [{ model_id: model.model_id, step: 0 }] });

      // mlflow.register_model(f"runs:/{run_id}/model", "fraud"):
      await ok('POST', api('registered-models/create'), { name: 'fraud' });
      const runInfo = (await ok('GET', api(`runs/get?run_id=${run.run_id}`))).run.info as { artifact_uri: string };
      // The run's own artifacts have no MLmodel under `model`: the client looks for the logged model.
      const listed = await fetch(
        `${server.url}/api/2.0/mlflow-artifacts/artifacts?${q({ path: `${runInfo.artifact_uri.replace('mlflow-artifacts:/', '')}/model` })}`,
      );
      expect(await listed.json()).toEqual({});
      const found = await ok('POST', api('logged-models/search'), { experiment_ids: [exp], filter: "name = 'model'" });
      expect(found.models.map((m: { info: { model_id: string } }) => m.info.model_id)).toEqual([model.model_id]);
      const created = (
        await ok('POST', api('model-versions/create'), { name: 'fraud', source: `models:/${model.model_id}`, run_id: run.run_id, model_id: model.model_id })
      ).model_version;
      expect(created).toMatchObject({
        name: 'fraud',
        version: '1',
        status: 'READY',
        current_stage: 'None',
        run_id: run.run_id,
        source: `models:/${model.model_id}`,
      });
      // The client records the version on the logged model (the server already did).
      const tags = (await ok('GET', api(`logged-models/${model.model_id}`))).model.info.tags as { key: string; value: string }[];
      expect(JSON.parse(tags.find((t) => t.key === 'mlflow.modelVersions')?.value ?? '[]')).toEqual([{ name: 'fraud', version: 1 }]);
      await ok('PATCH', api(`logged-models/${model.model_id}/tags`), {
        model_id: model.model_id,
        tags: [{ key: 'mlflow.modelVersions', value: JSON.stringify([{ name: 'fraud', version: 1 }]) }],
      });

      // A second registration, the old way: MLmodel among the run's artifacts, the source is their URI.
      const runModel = `${runInfo.artifact_uri.replace('mlflow-artifacts:/', '')}/model`;
      expect((await fetch(proxy(`${runModel}/MLmodel`), { method: 'PUT', body: 'artifact_path: model\n' })).status).toBe(200);
      expect((await call('POST', api('registered-models/create'), { name: 'fraud' })).body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
      const v2 = (await ok('POST', api('model-versions/create'), { name: 'fraud', source: `${runInfo.artifact_uri}/model`, run_id: run.run_id })).model_version;
      expect(v2).toMatchObject({ version: '2', source: `${runInfo.artifact_uri}/model` });

      // client.set_registered_model_alias("fraud", "champion", 1); client.get_model_version_by_alias(...)
      expect(await ok('POST', api('registered-models/alias'), { name: 'fraud', alias: 'champion', version: '1' })).toEqual({});
      const byAlias = (await ok('GET', api(`registered-models/alias?${q({ name: 'fraud', alias: 'champion' })}`))).model_version;
      expect(byAlias).toMatchObject({ version: '1', aliases: ['champion'] });

      // mlflow.pyfunc.load_model("models:/fraud@champion") downloads: alias -> version -> download URI -> the proxy.
      const uri = (await ok('GET', api(`model-versions/get-download-uri?${q({ name: 'fraud', version: byAlias.version })}`))).artifact_uri as string;
      expect(uri).toBe(model.artifact_uri);
      const files = (await (await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts?${q({ path: uri.replace('mlflow-artifacts:/', '') })}`)).json()) as {
        files: { path: string }[];
      };
      expect(files.files.map((f) => f.path).sort()).toEqual(['MLmodel', 'model.pkl']);
      expect(await (await fetch(proxy(`${uri.replace('mlflow-artifacts:/', '')}/model.pkl`))).text()).toBe('pickled-bytes');
      // The UI's download route reads through the version too; models:/fraud/2 names the run's files.
      expect(await (await fetch(`${server.url}/model-versions/get-artifact?${q({ name: 'fraud', version: 2, path: 'MLmodel' })}`)).text()).toBe(
        'artifact_path: model\n',
      );
      expect((await ok('GET', api(`model-versions/get-download-uri?${q({ name: 'fraud', version: 2 })}`))).artifact_uri).toBe(`${runInfo.artifact_uri}/model`);

      // Stages still work (transition_model_version_stage, get_latest_versions).
      await ok('POST', api('model-versions/transition-stage'), { name: 'fraud', version: '2', stage: 'Production', archive_existing_versions: false });
      const latest = (await ok('POST', api('registered-models/get-latest-versions'), { name: 'fraud', stages: ['Production'] })).model_versions;
      expect(latest.map((v: { version: string }) => v.version)).toEqual(['2']);

      // mlflow.search_registered_models / search_model_versions
      const models = await ok('GET', api(`registered-models/search?${q({ filter: "name = 'fraud'", max_results: 100 })}`));
      expect(models.registered_models).toHaveLength(1);
      expect(models.registered_models[0]).toMatchObject({ name: 'fraud', aliases: [{ alias: 'champion', version: '1' }] });
      const versions = await ok('GET', api(`model-versions/search?${q({ filter: `run_id = '${run.run_id}'` })}`));
      expect(versions.model_versions.map((v: { version: string }) => v.version)).toEqual(['2', '1']);

      // client.delete_registered_model("fraud"): its versions and aliases go too.
      expect(await ok('DELETE', api('registered-models/delete'), { name: 'fraud' })).toEqual({});
      expect((await call('GET', api(`model-versions/get?${q({ name: 'fraud', version: 1 })}`))).status).toBe(404);
      expect((await call('GET', api(`registered-models/alias?${q({ name: 'fraud', alias: 'champion' })}`))).body).toMatchObject({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
      });
      expect(await ok('GET', api(`model-versions/search?${q({ filter: "name = 'fraud'" })}`))).toEqual({});
    });

    it('registers, loads, searches and aliases text and chat prompts', async () => {
      const IS_PROMPT = { key: 'mlflow.prompt.is_prompt', value: 'true' };
      // mlflow.genai.register_prompt(name, template, commit_message, tags)
      const register = async (name: string, template: unknown, message: string, tags: Record<string, string>) => {
        const exists = await call('GET', api(`registered-models/get?${q({ name })}`));
        if (exists.status === 404) {
          expect(exists.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
          await ok('POST', api('registered-models/create'), {
            name,
            description: message,
            tags: [IS_PROMPT, ...Object.entries(tags).map(([key, value]) => ({ key, value }))],
          });
        } else {
          for (const [key, value] of Object.entries(tags)) await ok('POST', api('registered-models/set-tag'), { name, key, value });
        }
        const chat = typeof template !== 'string';
        const mv = (
          await ok('POST', api('model-versions/create'), {
            name,
            description: message,
            source: 'dummy-source',
            tags: [
              ...Object.entries(tags).map(([key, value]) => ({ key, value })),
              IS_PROMPT,
              { key: '_mlflow_prompt_type', value: chat ? 'chat' : 'text' },
              { key: 'mlflow.prompt.text', value: chat ? JSON.stringify(template) : template },
              ...(chat ? [{ key: '_mlflow_prompt_response_format', value: JSON.stringify({ type: 'object' }) }] : []),
            ],
          })
        ).model_version;
        await ok('GET', api(`registered-models/get?${q({ name })}`));
        return mv as { version: string };
      };
      expect((await register('support-qa', 'Answer {{ question }} politely.', 'first', { team: 'support' })).version).toBe('1');
      const chat = [
        { role: 'system', content: 'You are a {{ style }} assistant.' },
        { role: 'user', content: '{{ question }}' },
      ];
      expect((await register('support-qa', chat, 'chat version', { team: 'support' })).version).toBe('2');

      // mlflow.genai.load_prompt("prompts:/support-qa/1")
      await ok('GET', api(`registered-models/get?${q({ name: 'support-qa' })}`));
      const v1 = (await ok('GET', api(`model-versions/get?${q({ name: 'support-qa', version: '1' })}`))).model_version;
      expect(v1.tags).toEqual(
        expect.arrayContaining([
          { key: 'mlflow.prompt.text', value: 'Answer {{ question }} politely.' },
          { key: '_mlflow_prompt_type', value: 'text' },
        ]),
      );
      // set_prompt_alias("support-qa", "production", 1): checks the version, then sets the alias.
      await ok('GET', api(`registered-models/get?${q({ name: 'support-qa' })}`));
      await ok('GET', api(`model-versions/get?${q({ name: 'support-qa', version: '1' })}`));
      await ok('POST', api('registered-models/alias'), { name: 'support-qa', alias: 'production', version: '1' });
      // load_prompt("prompts:/support-qa@production") and ("prompts:/support-qa@latest")
      expect((await ok('GET', api(`registered-models/alias?${q({ name: 'support-qa', alias: 'production' })}`))).model_version.version).toBe('1');
      const latest = (await ok('GET', api(`registered-models/alias?${q({ name: 'support-qa', alias: 'latest' })}`))).model_version;
      expect(latest.version).toBe('2');
      expect(JSON.parse(latest.tags.find((t: { key: string }) => t.key === 'mlflow.prompt.text').value)).toEqual(chat);
      // load_prompt(..., allow_missing=True) reads INVALID_PARAMETER_VALUE and RESOURCE_DOES_NOT_EXIST as "missing".
      expect((await call('GET', api(`registered-models/alias?${q({ name: 'support-qa', alias: 'staging' })}`))).body.error_code).toBe(
        'INVALID_PARAMETER_VALUE',
      );
      expect((await call('GET', api(`model-versions/get?${q({ name: 'support-qa', version: '9' })}`))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');

      // mlflow.genai.search_prompts("name LIKE 'support%'"); a model never shows up there.
      await ok('POST', api('registered-models/create'), { name: 'support-model' });
      const found = await ok(
        'GET',
        api(`registered-models/search?${q({ filter: "tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE 'support%'", max_results: 1000 })}`),
      );
      expect(found.registered_models.map((m: { name: string }) => m.name)).toEqual(['support-qa']);
      const models = await ok('GET', api('registered-models/search'));
      expect(models.registered_models.map((m: { name: string }) => m.name)).toEqual(['support-model']);

      // delete_prompt_alias, delete_prompt_version, delete_prompt
      await ok('DELETE', api('registered-models/alias'), { name: 'support-qa', alias: 'production' });
      await ok('DELETE', api('model-versions/delete'), { name: 'support-qa', version: '2' });
      expect((await ok('GET', api(`registered-models/alias?${q({ name: 'support-qa', alias: 'latest' })}`))).model_version.version).toBe('1');
      await ok('DELETE', api('registered-models/delete'), { name: 'support-qa' });
      expect((await call('GET', api(`registered-models/get?${q({ name: 'support-qa' })}`))).status).toBe(404);
    });

    it('answers bad input with MLflow error codes, never a 500', async () => {
      await ok('POST', api('registered-models/create'), { name: 'guarded' });
      await ok('POST', api('model-versions/create'), { name: 'guarded', source: 's3://bucket/model' });
      const cases: [string, string, unknown, number, string][] = [
        ['POST', 'registered-models/create', { name: 'team/model' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'a:b' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'n'.repeat(10_000) }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'nul\u0000' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'x', description: 'd'.repeat(6000) }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'x', tags: [{ key: 'k', value: 'v'.repeat(100_001) }] }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/create', { name: 'x', tags: 'not-a-list' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/get?${q({ name: '../../etc' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/alias?${q({ name: 'guarded', alias: 'nope' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/alias?${q({ name: 'guarded', alias: "x'; drop table registered_models; --" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `model-versions/get?${q({ name: 'guarded', version: '42' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST'],
        ['GET', `model-versions/get?${q({ name: 'guarded', version: '99999999999999999999' })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `model-versions/get?${q({ name: 'ghost', version: '1' })}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST'],
        ['POST', 'model-versions/create', { name: 'guarded', source: 'mlflow-artifacts:/../../etc' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'model-versions/create', { name: 'guarded', source: 's'.repeat(501) }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/alias', { name: 'guarded', alias: 'v1', version: '1' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['POST', 'registered-models/alias', { name: 'guarded', alias: 'a'.repeat(256), version: '1' }, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/search?${q({ filter: "name = 'a' OR 1=1" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/search?${q({ filter: "tags.x RLIKE '('" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `model-versions/search?${q({ max_results: 200_001 })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `registered-models/search?${q({ filter: "name = 'a\u0000b'" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
        ['GET', `model-versions/search?${q({ filter: "tags.k = '\u0000'" })}`, undefined, 400, 'INVALID_PARAMETER_VALUE'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = await call(method, api(path), body);
        expect(res.status, `${method} ${path.slice(0, 80)}`).toBe(status);
        if (code) expect(res.body.error_code, path.slice(0, 80)).toBe(code);
      }
      // The guarded model is as it was.
      expect((await ok('GET', api(`registered-models/get?${q({ name: 'guarded' })}`))).registered_model.latest_versions).toHaveLength(1);
    });
  });
}
