import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';
const AJAX = '/ajax-api/2.0/mlflow';
const q = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();

type Version = Record<string, unknown> & { version: string };

describe('model registry REST', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', `${API}/experiments/create`, { name: 'registry' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body;
  };
  const createModel = (name: string, extra: Record<string, unknown> = {}) => ok('POST', `${API}/registered-models/create`, { name, ...extra });
  const run = async () => ((await ok('POST', `${API}/runs/create`, { experiment_id: exp })).run as { info: { run_id: string; artifact_uri: string } }).info;
  const createVersion = async (name: string, extra: Record<string, unknown> = {}) =>
    (await ok('POST', `${API}/model-versions/create`, { name, source: 'mlflow-artifacts:/1/x/artifacts/model', ...extra })).model_version as Version;
  const events = async () =>
    (await loupe.db.selectFrom('registry_events').selectAll().orderBy('seq').execute()).map((e) => ({
      entity: e.entity,
      action: e.action,
      data: JSON.parse(e.payload) as unknown,
    }));

  it('creates, reads, updates, renames and deletes a registered model as MLflow answers', async () => {
    const now = loupe.clock.now();
    const created = await createModel('fraud', { description: 'catches fraud', tags: [{ key: 'team', value: 'risk' }] });
    expect(created).toEqual({
      registered_model: {
        name: 'fraud',
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: 'catches fraud',
        tags: [{ key: 'team', value: 'risk' }],
      },
    });
    expect(await ok('GET', `${AJAX}/registered-models/get?name=fraud`)).toEqual(created);
    loupe.clock.advance(10);
    expect((await ok('PATCH', `${API}/registered-models/update`, { name: 'fraud', description: 'v2' })).registered_model).toMatchObject({
      description: 'v2',
      last_updated_timestamp: now + 10,
    });
    await createVersion('fraud');
    const renamed = await ok('POST', `${API}/registered-models/rename`, { name: 'fraud', new_name: 'fraud-v2' });
    expect(renamed.registered_model).toMatchObject({ name: 'fraud-v2', latest_versions: [{ name: 'fraud-v2', version: '1', current_stage: 'None' }] });
    expect(await loupe.call('GET', `${API}/registered-models/get?name=fraud`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=fraud not found' },
    });
    expect(await ok('DELETE', `${API}/registered-models/delete`, { name: 'fraud-v2' })).toEqual({});
    expect((await loupe.call('DELETE', `${API}/registered-models/delete`, { name: 'fraud-v2' })).status).toBe(404);
  });

  it("refuses names MLflow 3.11 refuses, and a taken name with MLflow's prompt-aware message", async () => {
    for (const [name, message] of [
      ['team/model', "Invalid model name 'team/model'. Names cannot contain '/' or ':'."],
      ['a:b', "Names cannot contain '/' or ':'."],
      ['..', "This name would resolve to '..'"],
      ['x'.repeat(300), "'name' exceeds the maximum length of 256 characters"],
      ['nul\u0000', 'NUL'],
      ['   ', "Missing value for required parameter 'name'"],
    ] as const) {
      const res = await loupe.call('POST', `${API}/registered-models/create`, { name });
      expect(res.status, name).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(res.body.message).toContain(message);
    }
    expect((await loupe.call('GET', `${API}/registered-models/get?name=${encodeURIComponent('a/b')}`)).status).toBe(400);
    expect((await loupe.call('POST', `${API}/registered-models/rename`, { name: 'x', new_name: 'a:b' })).body.message).toContain(
      "Names cannot contain '/' or ':'",
    );

    await createModel('taken');
    await createModel('a-prompt', { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    expect(await loupe.call('POST', `${API}/registered-models/create`, { name: 'taken' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=taken) already exists.' },
    });
    expect(
      (await loupe.call('POST', `${API}/registered-models/create`, { name: 'taken', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] })).body,
    ).toEqual({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message:
        "Tried to create a prompt with name 'taken', but the name is already taken by a registered model. MLflow does not allow creating a model and a prompt with the same name.",
    });
    expect((await loupe.call('POST', `${API}/registered-models/create`, { name: 'a-prompt' })).body.message).toContain(
      "Tried to create a registered model with name 'a-prompt', but the name is already taken by a prompt.",
    );
    expect(await loupe.call('POST', `${API}/registered-models/rename`, { name: 'a-prompt', new_name: 'taken' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
  });

  it('registers a version from a run: the source resolves through the run, the files download through the registry', async () => {
    const info = await run();
    const file = path.join(loupe.artifactsDir, info.artifact_uri.replace('mlflow-artifacts:/', ''), 'model', 'MLmodel');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'flavors: {}\n');
    await createModel('clf');
    const v = await createVersion('clf', { source: `runs:/${info.run_id}/model`, run_id: info.run_id, description: 'first' });
    expect(v).toEqual({
      name: 'clf',
      version: '1',
      creation_timestamp: loupe.clock.now(),
      last_updated_timestamp: loupe.clock.now(),
      current_stage: 'None',
      description: 'first',
      source: `runs:/${info.run_id}/model`,
      run_id: info.run_id,
      status: 'READY',
    });
    expect(await ok('GET', `${API}/model-versions/get-download-uri?${q({ name: 'clf', version: 1 })}`)).toEqual({ artifact_uri: `${info.artifact_uri}/model` });
    const download = await loupe.app.request(`/model-versions/get-artifact?${q({ name: 'clf', version: 1, path: 'MLmodel' })}`);
    expect([download.status, await download.text()]).toEqual([200, 'flavors: {}\n']);
    expect((await loupe.app.request(`/model-versions/get-artifact?${q({ name: 'clf', version: 1, path: '../../../etc/passwd' })}`)).status).toBe(400);
    expect((await loupe.app.request(`/model-versions/get-artifact?${q({ name: 'clf', version: 7, path: 'MLmodel' })}`)).status).toBe(404);
  });

  it('registers a version from a logged model: its location and run, and the model records the version', async () => {
    const info = await run();
    const model = (await ok('POST', `${API}/logged-models`, { experiment_id: exp, name: 'm', source_run_id: info.run_id })).model as {
      info: { model_id: string; artifact_uri: string };
    };
    const id = model.info.model_id;
    await createModel('clf');
    const v = await createVersion('clf', { source: `models:/${id}`, model_id: id });
    expect(v).toMatchObject({ version: '1', source: `models:/${id}`, run_id: info.run_id, model_id: id });
    await createVersion('clf', { source: `models:/${id}`, model_id: id });
    expect((await ok('GET', `${API}/model-versions/get-download-uri?${q({ name: 'clf', version: 2 })}`)).artifact_uri).toBe(model.info.artifact_uri);
    const tags = ((await ok('GET', `${API}/logged-models/${id}`)).model as { info: { tags: { key: string; value: string }[] } }).info.tags;
    expect(JSON.parse(tags.find((t) => t.key === 'mlflow.modelVersions')?.value ?? '')).toEqual([
      { name: 'clf', version: 1 },
      { name: 'clf', version: 2 },
    ]);
    // models:/name/version and models:/name@alias resolve to the version they name.
    await ok('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion', version: '2' });
    await createModel('copy');
    await createVersion('copy', { source: 'models:/clf@champion' });
    expect((await ok('GET', `${API}/model-versions/get-download-uri?${q({ name: 'copy', version: 1 })}`)).artifact_uri).toBe(model.info.artifact_uri);
    expect(await loupe.call('POST', `${API}/model-versions/create`, { name: 'copy', source: 'models:/m-missing' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect((await loupe.call('POST', `${API}/model-versions/create`, { name: 'copy', source: 's3://b/m', model_id: 'm-missing' })).status).toBe(404);
  });

  it('refuses unsafe sources as MLflow does', async () => {
    await createModel('clf');
    for (const source of [
      '/etc/passwd',
      'file:///etc/passwd',
      'relative/model',
      'mlflow-artifacts:/1/../../../etc',
      'mlflow-artifacts:/1/..%2f..%2fetc',
      'http://host/api/2.0/mlflow-artifacts/artifacts/%252e%252e/x',
      's3://bucket/a/./b',
    ]) {
      const res = await loupe.call('POST', `${API}/model-versions/create`, { name: 'clf', source });
      expect(res.status, source).toBe(400);
      expect(res.body.message, source).toContain('Invalid model version source');
    }
    // A local path inside the run's local artifact folder is fine (the run must be named).
    const local = await ok('POST', `${API}/experiments/create`, { name: 'local', artifact_location: path.join(loupe.artifactsDir, 'local') });
    const localRun = (
      (await ok('POST', `${API}/runs/create`, { experiment_id: local.experiment_id })).run as { info: { run_id: string; artifact_uri: string } }
    ).info;
    const inside = path.join(localRun.artifact_uri, 'model');
    expect((await loupe.call('POST', `${API}/model-versions/create`, { name: 'clf', source: inside, run_id: localRun.run_id })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/model-versions/create`, { name: 'clf', source: inside })).status).toBe(400);
    // Prompts take placeholder sources but never local paths.
    const prompt = { name: 'clf', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] };
    expect((await loupe.call('POST', `${API}/model-versions/create`, { ...prompt, source: 'prompt-template' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/model-versions/create`, { ...prompt, source: '/etc/passwd' })).body.message).toBe(
      "Invalid prompt source: '/etc/passwd'. Local source paths are not allowed for prompts.",
    );
    expect((await loupe.call('POST', `${API}/model-versions/create`, { name: 'nope', source: 's3://b/m' })).body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered Model with name=nope not found',
    });
  });

  it('applies the server source pattern', async () => {
    const strict = await createTestLoupe({ modelVersionSourceRegex: '^s3://' });
    try {
      await strict.call('POST', `${API}/registered-models/create`, { name: 'm' });
      expect((await strict.call('POST', `${API}/model-versions/create`, { name: 'm', source: 's3://b/m' })).status).toBe(200);
      expect((await strict.call('POST', `${API}/model-versions/create`, { name: 'm', source: 'mlflow-artifacts:/1/m' })).body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Invalid model version source: 'mlflow-artifacts:/1/m'.",
      });
    } finally {
      await strict.dispose();
    }
  });

  it('sets, moves and deletes aliases; resolves @latest; unknown aliases are INVALID_PARAMETER_VALUE', async () => {
    await createModel('clf');
    for (let i = 0; i < 3; i++) await createVersion('clf');
    const byAlias = (alias: string) => loupe.call('GET', `${API}/registered-models/alias?${q({ name: 'clf', alias })}`);
    await ok('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion', version: '1' });
    await ok('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion', version: '2' });
    expect((await byAlias('champion')).body.model_version).toMatchObject({ version: '2', aliases: ['champion'] });
    expect((await byAlias('LATEST')).body.model_version).toMatchObject({ version: '3' });
    expect((await byAlias('nope')).body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias nope not found.' });
    expect((await loupe.call('GET', `${API}/registered-models/alias?${q({ name: 'ghost', alias: 'x' })}`)).status).toBe(404);
    expect((await loupe.call('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'latest', version: '1' })).body.message).toBe(
      "'latest' alias name (case insensitive) is reserved.",
    );
    expect((await loupe.call('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'bad alias', version: '1' })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'x', version: '9' })).body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model Version (name=clf, version=9) not found',
    });
    expect((await loupe.call('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'x', version: 'two' })).body.message).toBe(
      "Parameter 'version' must be an integer, got 'two'.",
    );
    expect((await ok('GET', `${API}/registered-models/get?name=clf`)).registered_model).toMatchObject({ aliases: [{ alias: 'champion', version: '2' }] });
    await ok('DELETE', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion' });
    expect((await byAlias('champion')).status).toBe(400);
    // Deleting the version an alias points at removes the alias.
    await ok('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'shadow', version: '3' });
    await ok('DELETE', `${API}/model-versions/delete`, { name: 'clf', version: '3' });
    expect((await byAlias('shadow')).status).toBe(400);
    expect((await byAlias('latest')).body.model_version).toMatchObject({ version: '2' });
    expect((await loupe.call('GET', `${API}/model-versions/get?${q({ name: 'clf', version: 3 })}`)).status).toBe(404);
  });

  it('moves versions between stages and reports the latest per stage', async () => {
    await createModel('clf');
    for (let i = 0; i < 3; i++) await createVersion('clf');
    const stage = (version: number, s: string, archive = false) =>
      loupe.call('POST', `${API}/model-versions/transition-stage`, { name: 'clf', version: String(version), stage: s, archive_existing_versions: archive });
    expect((await stage(1, 'production')).body.model_version).toMatchObject({ version: '1', current_stage: 'Production' });
    expect((await stage(2, 'Production', true)).body.model_version).toMatchObject({ current_stage: 'Production' });
    expect((await ok('GET', `${API}/model-versions/get?${q({ name: 'clf', version: 1 })}`)).model_version).toMatchObject({ current_stage: 'Archived' });
    expect((await stage(3, 'None', true)).body.message).toBe(
      "Model version transition cannot archive existing model versions because 'None' is not an Active stage. Valid stages are ['Staging', 'Production']",
    );
    expect((await stage(3, 'prod')).body.message).toBe('Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.');
    const latest = await ok('POST', `${API}/registered-models/get-latest-versions`, { name: 'clf', stages: ['Production'] });
    expect((latest.model_versions as Version[]).map((v) => v.version)).toEqual(['2']);
    const all = await ok('GET', `${API}/registered-models/get-latest-versions?name=clf`);
    expect((all.model_versions as Version[]).map((v) => [v.version, v.current_stage])).toEqual([
      ['3', 'None'],
      ['2', 'Production'],
      ['1', 'Archived'],
    ]);
  });

  it('updates and tags versions, and deleting a model takes its versions with it', async () => {
    await createModel('clf', { tags: [{ key: 'a', value: '1' }] });
    await createVersion('clf', { tags: [{ key: 'k', value: 'v' }] });
    expect((await ok('PATCH', `${API}/model-versions/update`, { name: 'clf', version: '1', description: 'better' })).model_version).toMatchObject({
      description: 'better',
    });
    await ok('POST', `${API}/model-versions/set-tag`, { name: 'clf', version: '1', key: 'k', value: 'v2' });
    await ok('POST', `${API}/model-versions/set-tag`, { name: 'clf', version: '1', key: 'other', value: 'x' });
    await ok('DELETE', `${API}/model-versions/delete-tag`, { name: 'clf', version: '1', key: 'other' });
    await ok('POST', `${API}/registered-models/set-tag`, { name: 'clf', key: 'b', value: '2' });
    await ok('DELETE', `${API}/registered-models/delete-tag`, { name: 'clf', key: 'a' });
    expect((await ok('GET', `${API}/model-versions/get?${q({ name: 'clf', version: 1 })}`)).model_version).toMatchObject({ tags: [{ key: 'k', value: 'v2' }] });
    expect((await ok('GET', `${API}/registered-models/get?name=clf`)).registered_model).toMatchObject({ tags: [{ key: 'b', value: '2' }] });
    expect((await loupe.call('POST', `${API}/model-versions/set-tag`, { name: 'clf', version: '1', key: '../x', value: 'v' })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/model-versions/set-tag`, { name: 'clf', version: '1', key: 'k', value: 'v'.repeat(100_001) })).status).toBe(400);
    await ok('DELETE', `${API}/registered-models/delete`, { name: 'clf' });
    expect((await loupe.call('GET', `${API}/model-versions/get?${q({ name: 'clf', version: 1 })}`)).status).toBe(404);
    await createModel('clf');
    expect((await createVersion('clf')).version).toBe('1');
  });

  it('searches registered models and versions with filters, ordering and page tokens', async () => {
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      await createModel(name, { tags: [{ key: 'team', value: name < 'c' ? 'risk' : 'growth' }] });
      loupe.clock.advance(1);
    }
    await createModel('greeting', { tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
    const search = async (params: Record<string, string | number>) => ok('GET', `${API}/registered-models/search?${q(params)}`);
    const names = (body: Record<string, unknown>) => ((body.registered_models ?? []) as { name: string }[]).map((m) => m.name);
    expect(names(await search({}))).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(names(await search({ filter: "tags.team = 'risk'" }))).toEqual(['alpha', 'beta']);
    expect(names(await search({ filter: "name LIKE '%ta'" }))).toEqual(['beta', 'delta']);
    expect(names(await search({ filter: "tags.`mlflow.prompt.is_prompt` = 'true'" }))).toEqual(['greeting']);
    expect(names(await search({ order_by: 'timestamp DESC' }))).toEqual(['delta', 'gamma', 'beta', 'alpha']);
    const first = await search({ max_results: 3 });
    expect(names(first)).toEqual(['alpha', 'beta', 'delta']);
    const second = await search({ max_results: 3, page_token: first.next_page_token as string });
    expect([names(second), second.next_page_token]).toEqual([['gamma'], undefined]);
    for (const [params, message] of [
      [{ max_results: 1001 }, "Invalid value 1001 for parameter 'max_results'"],
      [{ filter: "run_id = 'x'" }, "Invalid attribute key 'run_id'"],
      [{ order_by: 'version' }, "Invalid attribute key 'version'"],
      [{ page_token: 'garbage' }, 'Invalid page token'],
    ] as const) {
      const res = await loupe.call('GET', `${API}/registered-models/search?${q(params)}`);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.message).toContain(message);
    }
    const info = await run();
    await createVersion('alpha', { run_id: info.run_id });
    await createVersion('beta');
    const versions = await ok('GET', `${API}/model-versions/search?${q({ filter: `run_id = '${info.run_id}'` })}`);
    expect((versions.model_versions as Version[]).map((v) => `${v.name as string}/${v.version}`)).toEqual(['alpha/1']);
    const page = await ok('GET', `${API}/model-versions/search?${q({ max_results: 1, order_by: 'name ASC' })}`);
    expect([(page.model_versions as Version[]).map((v) => v.name), typeof page.next_page_token]).toEqual([['alpha'], 'string']);
  });

  it('stores the webhook events of each change, model and prompt ones as MLflow sends them', async () => {
    await createModel('clf', { tags: [{ key: 'team', value: 'risk' }] });
    await createVersion('clf', { source: 's3://b/m', run_id: 'r1', tags: [{ key: 'k', value: 'v' }] });
    await ok('POST', `${API}/registered-models/set-tag`, { name: 'clf', key: 'x', value: '1' });
    await ok('POST', `${API}/model-versions/set-tag`, { name: 'clf', version: '1', key: 'env', value: 'prod' });
    await ok('DELETE', `${API}/model-versions/delete-tag`, { name: 'clf', version: '1', key: 'env' });
    await ok('POST', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion', version: '1' });
    await ok('DELETE', `${API}/registered-models/alias`, { name: 'clf', alias: 'champion' });
    expect(await events()).toEqual([
      { entity: 'registered_model', action: 'created', data: { name: 'clf', tags: { team: 'risk' }, description: '' } },
      {
        entity: 'model_version',
        action: 'created',
        data: { name: 'clf', version: '1', source: 's3://b/m', run_id: 'r1', tags: { k: 'v' }, description: null },
      },
      { entity: 'model_version_tag', action: 'set', data: { name: 'clf', version: '1', key: 'env', value: 'prod' } },
      { entity: 'model_version_tag', action: 'deleted', data: { name: 'clf', version: '1', key: 'env' } },
      { entity: 'model_version_alias', action: 'created', data: { name: 'clf', alias: 'champion', version: '1' } },
      { entity: 'model_version_alias', action: 'deleted', data: { name: 'clf', alias: 'champion' } },
    ]);
  });
});
