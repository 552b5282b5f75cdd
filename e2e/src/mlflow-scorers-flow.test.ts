import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends, makeJudgeJson } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

/** `make_judge(name, instructions, model).model_dump()` as MLflow 3.11's client serializes it (json.dumps). */
const judgeJson = (name: string, model: string) => makeJudgeJson(name, 'Is the answer in {{ outputs }} helpful for {{ inputs }}?', model);

// The requests MLflow 3.11's Python client sends to monitor with a gateway judge (spec §8.2, §11.1,
// §11.2): create_gateway_secret -> create_gateway_model_definition -> create_gateway_endpoint ->
// `make_judge(model="gateway:/judge-ep")` -> `.register(experiment_id=...)` ->
// `.start(sampling_config=ScorerSamplingConfig(...))` -> `list_scorers` -> `get_scorer` -> `.update(...)`
// -> `.stop()` -> `delete_scorer(version="all")`, replayed over real HTTP against the built CLI on each
// database. Every read of a scorer is two calls: the scorer, then its online config. Also the refusals:
// a gateway judge on an endpoint that does not exist, and starting a judge on a provider model.
for (const backend of await testBackends()) {
  describeOnBackend(backend, 'MLflow Python client scorer flow', () => {
    let server: CliServer;
    const api = (p: string) => `/api/3.0/mlflow/scorers/${p}`;
    const q = (params: Record<string, string | string[]>) => {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) for (const item of Array.isArray(v) ? v : [v]) search.append(k, item);
      return search.toString();
    };
    const ok = async (method: string, p: string, body?: unknown) => {
      const res = await server.call(method, p, body);
      expect(res.status, `${method} ${p}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      server = await startCliServer(backend, 'loupe-scorers-flow-', { env: { LOUPE_SECRETS_KEY: 'e2e-scorers-key-'.padEnd(48, 'x') } });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('sets up a gateway endpoint, registers a judge on it, starts, lists, gets, updates, stops and deletes it', async () => {
      const exp = (await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'scorers-flow' })).body.experiment_id as string;

      // A gateway judge on an endpoint that does not exist yet is refused at registration, as MLflow does.
      const refused = await server.call('POST', api('register'), {
        experiment_id: exp,
        name: 'quality',
        serialized_scorer: judgeJson('quality', 'gateway:/judge-ep'),
      });
      expect(refused).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "GatewayEndpoint not found (name='judge-ep')" } });

      // create_gateway_secret -> create_gateway_model_definition -> create_gateway_endpoint(name="judge-ep")
      const gw = (p: string) => `/api/3.0/mlflow/gateway/${p}`;
      const secret = (
        await ok('POST', gw('secrets/create'), { secret_name: 'judge-key', secret_value: { api_key: 'sk-judge-0123456789' }, provider: 'openai' })
      ).secret;
      const definition = (
        await ok('POST', gw('model-definitions/create'), { name: 'judge-model', secret_id: secret.secret_id, provider: 'openai', model_name: 'gpt-4o-mini' })
      ).model_definition;
      await ok('POST', gw('endpoints/create'), {
        name: 'judge-ep',
        model_configs: [{ model_definition_id: definition.model_definition_id, linkage_type: 'PRIMARY', weight: 1 }],
      });

      // make_judge(name="quality", ..., model="gateway:/judge-ep").register(experiment_id=exp), twice: versions 1 and 2.
      const serialized = judgeJson('quality', 'gateway:/judge-ep');
      const v1 = await ok('POST', api('register'), { experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      expect(v1).toMatchObject({ version: 1, experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      const v2 = await ok('POST', api('register'), { experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      expect(v2).toMatchObject({ version: 2, scorer_id: v1.scorer_id });

      // .start(sampling_config=ScorerSamplingConfig(sample_rate=0.5, filter_string=...))
      const filter = "trace.status = 'OK'";
      const started = await ok('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.5, filter_string: filter });
      expect(started.config).toMatchObject({ scorer_id: v1.scorer_id, sample_rate: 0.5, experiment_id: exp, filter_string: filter });

      // list_scorers(experiment_id=exp): the latest version per name, then their online configs.
      const listed = await ok('GET', `${api('list')}?${q({ experiment_id: exp })}`);
      expect(listed.scorers).toEqual([
        {
          experiment_id: Number(exp),
          scorer_name: 'quality',
          scorer_version: 2,
          serialized_scorer: serialized,
          creation_time: v2.creation_time,
          scorer_id: v1.scorer_id,
        },
      ]);
      expect(await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).toEqual({ configs: [started.config] });

      // get_scorer(name="quality", experiment_id=exp): no version means the latest; then its config.
      const got = await ok('GET', `${api('get')}?${q({ experiment_id: exp, name: 'quality' })}`);
      expect(got.scorer).toEqual(listed.scorers[0]);
      expect((await ok('GET', `${api('get')}?${q({ experiment_id: exp, name: 'quality', version: '1' })}`)).scorer.scorer_version).toBe(1);

      // .update(sampling_config=ScorerSamplingConfig(sample_rate=0.25, filter_string=...)): a new config replaces the old.
      const narrower = "trace.status = 'OK' AND tags.env = 'prod'";
      const updated = await ok('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.25, filter_string: narrower });
      expect(updated.config).toMatchObject({ scorer_id: v1.scorer_id, sample_rate: 0.25, filter_string: narrower });
      expect(updated.config.online_scoring_config_id).not.toBe(started.config.online_scoring_config_id);
      expect(await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).toEqual({ configs: [updated.config] });

      // .stop(): a rate of 0, the filter kept; the config row stays.
      const stopped = await ok('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.0, filter_string: narrower });
      expect(stopped.config).toMatchObject({ sample_rate: 0, filter_string: narrower });
      expect((await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).configs).toEqual([stopped.config]);

      // A judge on a provider model registers, but cannot be started: only gateway judges run online.
      await ok('POST', api('register'), { experiment_id: exp, name: 'direct', serialized_scorer: judgeJson('direct', 'openai:/gpt-4o-mini') });
      const start = await server.call('PUT', api('online-config'), { experiment_id: exp, name: 'direct', sample_rate: 0.5 });
      expect(start).toEqual({
        status: 400,
        body: {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: "Scorer 'direct' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.",
        },
      });

      // delete_scorer(name="quality", experiment_id=exp, version="all"): DELETE with a JSON body, no version.
      expect(await ok('DELETE', api('delete'), { experiment_id: exp, name: 'quality' })).toEqual({});
      expect(await ok('DELETE', api('delete'), { experiment_id: exp, name: 'direct' })).toEqual({});
      expect(await ok('GET', `${api('list')}?${q({ experiment_id: exp })}`)).toEqual({});
      expect(await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).toEqual({ configs: [] });
      const gone = await server.call('GET', `${api('get')}?${q({ experiment_id: exp, name: 'quality' })}`);
      expect(gone).toEqual({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Scorer with name 'quality' not found for experiment ${exp}.` },
      });
    });
  });
}
