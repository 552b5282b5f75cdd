import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';
import { makeJudgeJson } from '../../testing/make-judge-json.js';

const API = '/api/3.0/mlflow/scorers';
const missing = (field: string) => `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`;
const AJAX = '/ajax-api/3.0/mlflow/scorers';

/** What MLflow 3.11's `make_judge(...).model_dump()` sends, as JSON text. */
const judge = (name: string, model: string, instructions = 'Is {{ outputs }} helpful for {{ inputs }}?') => makeJudgeJson(name, instructions, model);

/** A built-in judge (`Safety(model=...)`): the model sits in `builtin_scorer_pydantic_data`. */
function safety(model: string): string {
  return JSON.stringify({
    name: 'safety',
    aggregations: null,
    mlflow_version: '3.11.0',
    serialization_version: 1,
    builtin_scorer_class: 'Safety',
    builtin_scorer_pydantic_data: { name: 'safety', required_columns: ['inputs', 'outputs'], model },
    instructions_judge_pydantic_data: null,
  });
}

describe('scorer registry and online-config REST', () => {
  let loupe: TestLoupe;
  let exp: string;
  let endpointId: string;
  beforeEach(async () => {
    loupe = await createTestLoupe({ secretKey: 'scorer-tests-key-0123456789abcdef' });
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'scorers' })).body.experiment_id as string;
    // A real gateway endpoint `judge-ep` (secret -> model definition -> endpoint), as the Python client makes it.
    const secret = await loupe.call('POST', '/api/3.0/mlflow/gateway/secrets/create', {
      secret_name: 'judge-key',
      secret_value: { api_key: 'sk-test' },
      provider: 'openai',
    });
    const secretId = (secret.body.secret as { secret_id: string }).secret_id;
    const model = await loupe.call('POST', '/api/3.0/mlflow/gateway/model-definitions/create', {
      name: 'judge-model',
      secret_id: secretId,
      provider: 'openai',
      model_name: 'gpt-4o-mini',
    });
    const modelId = (model.body.model_definition as { model_definition_id: string }).model_definition_id;
    const endpoint = await loupe.call('POST', '/api/3.0/mlflow/gateway/endpoints/create', {
      name: 'judge-ep',
      model_configs: [{ model_definition_id: modelId }],
    });
    expect(endpoint.status, endpoint.text).toBe(200);
    endpointId = (endpoint.body.endpoint as { endpoint_id: string }).endpoint_id;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const fails = async (method: string, url: string, body: unknown, status: number, code: string, message: string | RegExp) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
    expect(res.body.error_code).toBe(code);
    if (typeof message === 'string') expect(res.body.message).toBe(message);
    else expect(res.body.message).toMatch(message);
  };
  const register = (name: string, serialized: string, experimentId = exp) =>
    ok('POST', `${API}/register`, { experiment_id: experimentId, name, serialized_scorer: serialized });
  const q = (params: Record<string, string | number | string[]>) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const item of Array.isArray(v) ? v : [v]) search.append(k, String(item));
    return search.toString();
  };

  it('registers versions and reads them back with experiment_id as an int32 JSON number', async () => {
    const now = loupe.clock.now();
    const first = await register('quality', judge('quality', 'gateway:/judge-ep'));
    // RegisterScorer's reply is flat and keeps the proto's string experiment_id.
    expect(first).toEqual({
      version: 1,
      scorer_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      experiment_id: exp,
      name: 'quality',
      serialized_scorer: judge('quality', 'gateway:/judge-ep'),
      creation_time: now,
    });
    loupe.clock.advance(10);
    const second = await register('quality', judge('quality', 'openai:/gpt-4o-mini'));
    expect(second).toMatchObject({ version: 2, scorer_id: first.scorer_id, creation_time: now + 10 });

    const latest = (await ok('GET', `${API}/get?${q({ experiment_id: exp, name: 'quality' })}`)).scorer;
    expect(latest).toEqual({
      experiment_id: Number(exp),
      scorer_name: 'quality',
      scorer_version: 2,
      serialized_scorer: judge('quality', 'openai:/gpt-4o-mini'),
      creation_time: now + 10,
      scorer_id: first.scorer_id,
    });
    expect(typeof latest.experiment_id).toBe('number');
    expect((await ok('GET', `${AJAX}/get?${q({ experiment_id: exp, name: 'quality', version: 1 })}`)).scorer).toMatchObject({
      scorer_version: 1,
      serialized_scorer: first.serialized_scorer,
    });
    const versions = (await ok('GET', `${API}/versions?${q({ experiment_id: exp, name: 'quality' })}`)).scorers;
    expect(versions.map((s: { scorer_version: number }) => s.scorer_version)).toEqual([1, 2]);
    expect((await ok('GET', `${API}/list?${q({ experiment_id: exp })}`)).scorers).toEqual([latest]);
  });

  it('lists by experiment_ids and scorer_keys, sorted by experiment then name, and refuses both selectors', async () => {
    const other = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'other' })).experiment_id as string;
    await register('b', '{}');
    await register('a', '{}');
    await register('x/y', '{}', other);
    await register('z', '{}', other);
    const names = (body: { scorers?: { experiment_id: number; scorer_name: string }[] }) =>
      (body.scorers ?? []).map((s) => `${s.experiment_id}:${s.scorer_name}`);
    expect(names(await ok('GET', `${API}/list?${q({ experiment_ids: [other, exp] })}`))).toEqual([`${exp}:a`, `${exp}:b`, `${other}:x/y`, `${other}:z`]);
    expect(names(await ok('GET', `${API}/list?${q({ experiment_id: exp, scorer_keys: [`${other}/${encodeURIComponent('x/y')}`] })}`))).toEqual([
      `${exp}:a`,
      `${exp}:b`,
      `${other}:x/y`,
    ]);
    // No scorers: protobuf JSON sends no `scorers` key.
    const empty = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'empty' })).experiment_id as string;
    expect(await ok('GET', `${API}/list?${q({ experiment_id: empty })}`)).toEqual({});
    await fails(
      'GET',
      `${API}/list?${q({ experiment_id: exp, experiment_ids: [other] })}`,
      undefined,
      400,
      'INVALID_PARAMETER_VALUE',
      "Specify only one of 'experiment_id' or 'experiment_ids', not both.",
    );
    await fails('GET', `${API}/list?${q({ scorer_keys: ['nokey'] })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', /scorer_keys/);
  });

  it('deletes one version with a JSON body, then every version (and the online config) without one', async () => {
    const v1 = await register('quality', judge('quality', 'gateway:/judge-ep'));
    await register('quality', judge('quality', 'gateway:/judge-ep'));
    await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', sample_rate: 0.5 });
    expect(await ok('DELETE', `${API}/delete`, { experiment_id: exp, name: 'quality', version: 1 })).toEqual({});
    await fails(
      'GET',
      `${API}/get?${q({ experiment_id: exp, name: 'quality', version: 1 })}`,
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Scorer with name 'quality' and version 1 not found for experiment ${exp}.`,
    );
    // Deleting a version keeps the scorer's config.
    expect((await ok('GET', `${API}/online-configs?${q({ scorer_ids: v1.scorer_id })}`)).configs).toHaveLength(1);
    expect(await ok('DELETE', `${AJAX}/delete`, { experiment_id: exp, name: 'quality' })).toEqual({});
    await fails(
      'GET',
      `${API}/versions?${q({ experiment_id: exp, name: 'quality' })}`,
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Scorer with name 'quality' not found for experiment ${exp}.`,
    );
    // The online-configs read is plain JSON: an empty list stays `[]`.
    const res = await loupe.call('GET', `${API}/online-configs?${q({ scorer_ids: v1.scorer_id })}`);
    expect(res.text).toBe('{"configs":[]}');
    await fails('DELETE', `${API}/delete`, { experiment_id: exp, name: 'quality' }, 404, 'RESOURCE_DOES_NOT_EXIST', /not found/);
    await fails('DELETE', `${API}/delete`, { experiment_id: exp, name: 'quality', version: 'x' }, 400, 'INVALID_PARAMETER_VALUE', /version/);
  });

  it('starts, updates and stops a gateway judge: one config per scorer, rate 0 kept', async () => {
    const registered = await register('quality', judge('quality', 'gateway:/judge-ep'));
    const started = await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', sample_rate: 0.5, filter_string: "trace.status = 'OK'" });
    expect(started).toEqual({
      config: {
        online_scoring_config_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        scorer_id: registered.scorer_id,
        sample_rate: 0.5,
        experiment_id: exp,
        filter_string: "trace.status = 'OK'",
      },
    });
    expect(await ok('GET', `${AJAX}/online-configs?${q({ scorer_ids: [registered.scorer_id, 'missing'] })}`)).toEqual({ configs: [started.config] });
    expect(await loupe.services.scorers.listActiveOnlineScorers()).toEqual([
      {
        experimentId: exp,
        scorerId: registered.scorer_id,
        scorerName: 'quality',
        version: 1,
        serializedScorer: registered.serialized_scorer,
        sampleRate: 0.5,
        filterString: "trace.status = 'OK'",
      },
    ]);
    const updated = (await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', sample_rate: '1' })).config;
    expect(updated).toEqual({ online_scoring_config_id: expect.any(String), scorer_id: registered.scorer_id, sample_rate: 1, experiment_id: exp });
    expect(updated.online_scoring_config_id).not.toBe(started.config.online_scoring_config_id);
    // stop() is a rate of 0: the row stays, the scorer is no longer active.
    const stopped = (await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', sample_rate: 0, filter_string: null })).config;
    expect(stopped.sample_rate).toBe(0);
    expect((await ok('GET', `${API}/online-configs?${q({ scorer_ids: registered.scorer_id })}`)).configs).toEqual([stopped]);
    expect(await loupe.services.scorers.listActiveOnlineScorers()).toEqual([]);
    // A built-in judge keeps its model in builtin_scorer_pydantic_data.
    await register('safety', safety('gateway:/judge-ep'));
    await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'safety', sample_rate: 0.1 });
    expect((await loupe.services.scorers.listActiveOnlineScorers()).map((s) => s.scorerName)).toEqual(['safety']);
  });

  it('drops a started scorer from the active list once its latest version leaves the gateway', async () => {
    await register('quality', judge('quality', 'gateway:/judge-ep'));
    await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', sample_rate: 0.5 });
    await register('quality', judge('quality', 'openai:/gpt-4o-mini'));
    expect(await loupe.services.scorers.listActiveOnlineScorers()).toEqual([]);
  });

  it('refuses bad input with MLflow codes and messages naming the field', async () => {
    await fails('POST', `${API}/register`, { name: 'x', serialized_scorer: '{}' }, 400, 'INVALID_PARAMETER_VALUE', missing('experiment_id'));
    await fails('POST', `${API}/register`, { experiment_id: exp, name: 'x' }, 400, 'INVALID_PARAMETER_VALUE', missing('serialized_scorer'));
    await fails(
      'POST',
      `${API}/register`,
      { experiment_id: exp, name: '  ', serialized_scorer: '{}' },
      400,
      'INVALID_PARAMETER_VALUE',
      'Scorer name cannot be empty or contain only whitespace.',
    );
    await fails(
      'POST',
      `${API}/register`,
      { experiment_id: exp, name: 'x', serialized_scorer: '{not json' },
      400,
      'INVALID_PARAMETER_VALUE',
      /'serialized_scorer'/,
    );
    await fails(
      'POST',
      `${API}/register`,
      { experiment_id: exp, name: 'x', serialized_scorer: judge('x', ' ') },
      400,
      'INVALID_PARAMETER_VALUE',
      'Scorer model cannot be empty or contain only whitespace.',
    );
    await fails(
      'POST',
      `${API}/register`,
      { experiment_id: '999', name: 'x', serialized_scorer: '{}' },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No Experiment with id=999 exists',
    );
    await fails(
      'POST',
      `${API}/register`,
      { experiment_id: exp, name: 'x', serialized_scorer: judge('x', 'gateway:/missing-ep') },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "GatewayEndpoint not found (name='missing-ep')",
    );
    await fails('GET', `${API}/get?${q({ experiment_id: exp })}`, undefined, 400, 'INVALID_PARAMETER_VALUE', missing('name'));
    await fails(
      'GET',
      `${API}/get?${q({ experiment_id: exp, name: 'nope' })}`,
      undefined,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Scorer with name 'nope' not found for experiment ${exp}.`,
    );

    await register('quality', judge('quality', 'gateway:/judge-ep'));
    const put = (body: Record<string, unknown>) => ['PUT', `${API}/online-config`, { experiment_id: exp, name: 'quality', ...body }] as const;
    await fails(...put({}), 400, 'INVALID_PARAMETER_VALUE', missing('sample_rate'));
    await fails(...put({ sample_rate: 1.5 }), 400, 'INVALID_PARAMETER_VALUE', 'sample_rate must be between 0.0 and 1.0, got 1.5');
    await fails(...put({ sample_rate: -1 }), 400, 'INVALID_PARAMETER_VALUE', 'sample_rate must be between 0.0 and 1.0, got -1.0');
    await fails(...put({ sample_rate: 'half' }), 400, 'INVALID_PARAMETER_VALUE', 'sample_rate must be a number, got str.');
    await fails(
      ...put({ sample_rate: 0.5, filter_string: 5 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value 5 for parameter 'filter_string' supplied: Value was of type 'int'. Expected type 'str' or None.",
    );
    await fails(...put({ sample_rate: 0.5, filter_string: 'this is not a valid filter !!@@##' }), 400, 'INVALID_PARAMETER_VALUE', /./);
    await fails(...put({ name: 'nope', sample_rate: 0.5 }), 404, 'RESOURCE_DOES_NOT_EXIST', `Scorer with name 'nope' not found for experiment ${exp}.`);
    await fails('GET', `${API}/online-configs`, undefined, 400, 'INVALID_PARAMETER_VALUE', missing('scorer_ids'));
  });

  it('starts only gateway judges whose endpoint exists and that need no expectations; stopping always works', async () => {
    await register('plain', judge('plain', 'openai:/gpt-4o-mini'));
    await fails(
      'PUT',
      `${API}/online-config`,
      { experiment_id: exp, name: 'plain', sample_rate: 0.5 },
      400,
      'INVALID_PARAMETER_VALUE',
      "Scorer 'plain' does not use a gateway model. Automatic evaluation is only supported for scorers that use gateway models.",
    );
    expect((await ok('PUT', `${API}/online-config`, { experiment_id: exp, name: 'plain', sample_rate: 0 })).config.sample_rate).toBe(0);

    await register('graded', judge('graded', 'gateway:/judge-ep', 'Compare {{ outputs }} against {{ expectations }}'));
    await fails(
      'PUT',
      `${API}/online-config`,
      { experiment_id: exp, name: 'graded', sample_rate: 0.5 },
      400,
      'INVALID_PARAMETER_VALUE',
      "Scorer 'graded' requires expectations, but scorers with expectations are not currently supported for automatic evaluation.",
    );

    await register('quality', judge('quality', 'gateway:/judge-ep'));
    expect((await loupe.call('DELETE', '/api/3.0/mlflow/gateway/endpoints/delete', { endpoint_id: endpointId })).status).toBe(200);
    await fails(
      'PUT',
      `${API}/online-config`,
      { experiment_id: exp, name: 'quality', sample_rate: 0.5 },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "GatewayEndpoint not found (name='judge-ep')",
    );
  });

  it('refuses scorers of a deleted experiment', async () => {
    await register('quality', '{}');
    await ok('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: exp });
    await fails(
      'GET',
      `${API}/list?${q({ experiment_id: exp })}`,
      undefined,
      400,
      'INVALID_PARAMETER_VALUE',
      `The experiment ${exp} must be in the 'active' state. Current state is deleted.`,
    );
  });
});
