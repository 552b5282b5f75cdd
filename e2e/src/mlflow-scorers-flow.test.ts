import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackend, testBackends } from '@loupe/server/testing';
import { startCliServer, type CliServer } from './cli-server.js';

/** `make_judge(name, instructions, model).model_dump()` as MLflow 3.11's client serializes it (json.dumps). */
function judgeJson(name: string, model: string): string {
  return JSON.stringify({
    name,
    description: null,
    aggregations: [],
    is_session_level_scorer: false,
    mlflow_version: '3.11.0',
    serialization_version: 1,
    builtin_scorer_class: null,
    builtin_scorer_pydantic_data: null,
    call_source: null,
    call_signature: null,
    original_func_name: null,
    instructions_judge_pydantic_data: { instructions: 'Is the answer in {{ outputs }} helpful for {{ inputs }}?', model },
  });
}

// The requests MLflow 3.11's Python client sends for `make_judge(...)` -> `.register(experiment_id=...)`
// -> `.start(sampling_config=ScorerSamplingConfig(...))` -> `list_scorers` -> `get_scorer` -> `.update(...)`
// -> `.stop()` -> `delete_scorer(version="all")` (spec §8.2, §11.1), replayed over real HTTP against the
// built CLI on each database. Every read of a scorer is two calls: the scorer, then its online config.
//
// This server has no AI gateway yet, so `gateway:/judge-ep` names no endpoint: registering the judge is
// refused as MLflow refuses it, and the rest of the flow runs with a judge on a provider model, whose
// start is refused (only gateway judges run online) while stop() and update(rate 0) are accepted.
// TODO(gateway): once `/gateway/endpoints/create` exists, create `judge-ep` first and replay the
// successful start/update/stop of the gateway judge here (the route tests cover it with an in-memory directory).
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
      server = await startCliServer(backend, 'loupe-scorers-flow-');
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('registers, starts, lists, gets, updates, stops and deletes a judge as the Python client does', async () => {
      const exp = (await server.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'scorers-flow' })).body.experiment_id as string;

      // make_judge(name="quality", ..., model="gateway:/judge-ep").register(experiment_id=exp)
      const refused = await server.call('POST', api('register'), {
        experiment_id: exp,
        name: 'quality',
        serialized_scorer: judgeJson('quality', 'gateway:/judge-ep'),
      });
      expect(refused).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "GatewayEndpoint not found (name='judge-ep')" } });

      // The same judge on a provider model registers (twice: versions 1 and 2).
      const serialized = judgeJson('quality', 'openai:/gpt-4o-mini');
      const v1 = await ok('POST', api('register'), { experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      expect(v1).toMatchObject({ version: 1, experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      const v2 = await ok('POST', api('register'), { experiment_id: exp, name: 'quality', serialized_scorer: serialized });
      expect(v2).toMatchObject({ version: 2, scorer_id: v1.scorer_id });

      // .start(sampling_config=ScorerSamplingConfig(sample_rate=0.5, filter_string=...)): refused, not a gateway judge.
      const filter = "trace.status = 'OK'";
      const start = await server.call('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.5, filter_string: filter });
      expect(start.status).toBe(400);
      expect(start.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Scorer 'quality' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.",
      });

      // list_scorers(experiment_id=exp): the latest version per name, then their online configs (none yet).
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
      expect(await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).toEqual({ configs: [] });

      // get_scorer(name="quality", experiment_id=exp): no version means the latest.
      const got = await ok('GET', `${api('get')}?${q({ experiment_id: exp, name: 'quality' })}`);
      expect(got.scorer).toEqual(listed.scorers[0]);
      expect((await ok('GET', `${api('get')}?${q({ experiment_id: exp, name: 'quality', version: '1' })}`)).scorer.scorer_version).toBe(1);

      // .update(sampling_config=ScorerSamplingConfig(sample_rate=0.0, filter_string=...)) is accepted: nothing runs at rate 0.
      const updated = await ok('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.0, filter_string: filter });
      expect(updated.config).toMatchObject({ scorer_id: v1.scorer_id, sample_rate: 0, experiment_id: exp, filter_string: filter });
      expect(await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).toEqual({ configs: [updated.config] });

      // .stop(): a rate of 0, the filter kept; the config row stays.
      const stopped = await ok('PUT', api('online-config'), { experiment_id: exp, name: 'quality', sample_rate: 0.0, filter_string: filter });
      expect(stopped.config.online_scoring_config_id).not.toBe(updated.config.online_scoring_config_id);
      expect((await ok('GET', `${api('online-configs')}?${q({ scorer_ids: [v1.scorer_id] })}`)).configs).toEqual([stopped.config]);

      // delete_scorer(name="quality", experiment_id=exp, version="all"): DELETE with a JSON body, no version.
      expect(await ok('DELETE', api('delete'), { experiment_id: exp, name: 'quality' })).toEqual({});
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
