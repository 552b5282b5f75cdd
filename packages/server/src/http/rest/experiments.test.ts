import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/2.0/mlflow';

describe('experiments REST', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('serves the Default experiment with a proxied artifact location', async () => {
    const res = await loupe.call('GET', `${API}/experiments/get?experiment_id=0`);
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0', lifecycle_stage: 'active' });
  });

  it('creates (tags as list or as object map), gets by id and name, on /api and /ajax-api', async () => {
    const created = await loupe.call('POST', `${API}/experiments/create`, { name: 'demo', tags: [{ key: 'a', value: '1' }] });
    expect(created).toMatchObject({ status: 200, body: { experiment_id: '1' } });
    const ts = await loupe.call('POST', `/ajax-api/2.0/mlflow/experiments/create`, { name: 'ts-helper', tags: { team: 'x' } });
    expect(ts.body).toEqual({ experiment_id: '2' });
    const byName = await loupe.call('GET', `/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=demo`);
    expect(byName.body.experiment).toEqual({
      experiment_id: '1',
      name: 'demo',
      artifact_location: 'mlflow-artifacts:/1',
      lifecycle_stage: 'active',
      creation_time: loupe.clock.now(),
      last_update_time: loupe.clock.now(),
      tags: [{ key: 'a', value: '1' }],
    });
    expect((await loupe.call('GET', `${API}/experiments/get?experiment_id=2`)).body.experiment).toMatchObject({ tags: [{ key: 'team', value: 'x' }] });
  });

  it('answers MLflow errors for missing, duplicate and unknown', async () => {
    expect(await loupe.call('POST', `${API}/experiments/create`, {})).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("Missing value for required parameter 'name'") },
    });
    await loupe.call('POST', `${API}/experiments/create`, { name: 'x' });
    expect(await loupe.call('POST', `${API}/experiments/create`, { name: 'x' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
    expect(await loupe.call('GET', `${API}/experiments/get?experiment_id=42`)).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await loupe.call('GET', `${API}/experiments/get-by-name?experiment_name=nope`)).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await loupe.call('GET', `${API}/experiments/get`)).toMatchObject({ status: 400, body: { message: expect.stringContaining("'experiment_id'") } });
  });

  it('validates artifact_location and name length', async () => {
    for (const artifact_location of ['s3://b/p#frag', 'http://h/p;params', 'runs:/abc/model']) {
      const res = await loupe.call('POST', `${API}/experiments/create`, { name: `n${artifact_location.length}`, artifact_location });
      expect(res, artifact_location).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    }
    expect((await loupe.call('POST', `${API}/experiments/create`, { name: 'x'.repeat(501) })).status).toBe(400);
    expect((await loupe.call('POST', `${API}/experiments/create`, { name: 's3', artifact_location: 's3://bucket/path' })).status).toBe(200);
  });

  it('deletes, restores, renames and tags', async () => {
    const { body } = await loupe.call('POST', `${API}/experiments/create`, { name: 'life' });
    const id = body.experiment_id as string;
    expect((await loupe.call('POST', `${API}/experiments/delete`, { experiment_id: id })).body).toEqual({});
    expect((await loupe.call('GET', `${API}/experiments/get?experiment_id=${id}`)).body.experiment).toMatchObject({ lifecycle_stage: 'deleted' });
    expect(await loupe.call('POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'n' })).toMatchObject({ status: 400 });
    await loupe.call('POST', `${API}/experiments/restore`, { experiment_id: id });
    expect((await loupe.call('POST', `${API}/experiments/update`, { experiment_id: id, new_name: 'renamed' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'mlflow.note.content', value: 'hi' })).status).toBe(
      200,
    );
    expect((await loupe.call('GET', `${API}/experiments/get?experiment_id=${id}`)).body.experiment).toMatchObject({
      name: 'renamed',
      tags: [{ key: 'mlflow.note.content', value: 'hi' }],
    });
    expect((await loupe.call('POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: id, key: 'mlflow.note.content' })).status).toBe(200);
    expect((await loupe.call('POST', `${API}/experiments/delete-experiment-tag`, { experiment_id: id, key: 'mlflow.note.content' })).status).toBe(404);
    expect((await loupe.call('POST', `${API}/experiments/set-experiment-tag`, { experiment_id: id, key: 'k', value: 'v'.repeat(5001) })).status).toBe(400);
  });

  it('searches with filter, order_by, view_type and page tokens over GET and POST', async () => {
    for (const name of ['exp-a', 'exp-b', 'other']) {
      loupe.clock.advance(1);
      await loupe.call('POST', `${API}/experiments/create`, { name });
    }
    const post = await loupe.call('POST', `${API}/experiments/search`, { filter: "name LIKE 'exp-%'", order_by: ['name DESC'], max_results: 1 });
    expect(post.body.experiments).toMatchObject([{ name: 'exp-b' }]);
    const page2 = await loupe.call('POST', `${API}/experiments/search`, {
      filter: "name LIKE 'exp-%'",
      order_by: ['name DESC'],
      max_results: 1,
      page_token: post.body.next_page_token,
    });
    expect(page2.body.experiments).toMatchObject([{ name: 'exp-a' }]);
    expect(page2.body.next_page_token).toBeUndefined();
    const get = await loupe.call('GET', `${API}/experiments/search?max_results=10&order_by=name&order_by=experiment_id&view_type=ALL`);
    expect((get.body.experiments as { name: string }[]).map((e) => e.name)).toEqual(['Default', 'exp-a', 'exp-b', 'other']);
    expect(await loupe.call('POST', `${API}/experiments/search`, { filter: 'name = ' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await loupe.call('POST', `${API}/experiments/search`, { max_results: 50_001 })).toMatchObject({ status: 400 });
    expect(await loupe.call('POST', `${API}/experiments/search`, { page_token: 'garbage!' })).toMatchObject({ status: 400 });
  });
});

describe('request decoding and errors', () => {
  let loupe: TestLoupe;
  beforeEach(async () => {
    loupe = await createTestLoupe();
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  it('serves /health, /version and the Loupe version header', async () => {
    const health = await loupe.app.request('/health');
    expect(await health.text()).toBe('OK');
    const version = await loupe.app.request('/version');
    const [major, minor] = (await version.text()).split('.').map(Number);
    expect(major).toBe(3);
    expect(minor).toBeGreaterThanOrEqual(4);
    expect(version.headers.get('x-loupe-version')).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers unknown routes and methods with a bare 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/2.0/mlflow/nope'],
      ['POST', '/api/2.0/mlflow/experiments/get'],
      ['GET', '/api/9.0/mlflow/experiments/get?experiment_id=0'],
      ['GET', '/nothing'],
    ] as const) {
      const res = await loupe.app.request(url, { method });
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(await res.text()).toBe('');
    }
  });

  it('rejects a POST without a JSON content type', async () => {
    const none = await loupe.app.request('/api/2.0/mlflow/experiments/create', { method: 'POST', body: '{"name":"x"}' });
    expect(none.status).toBe(400);
    const form = await loupe.app.request('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const charset = await loupe.app.request('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      body: '{"name":"x"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(200);
  });

  it('rejects malformed JSON, non-objects, wrong types and oversize bodies with a 400 naming the problem', async () => {
    const cases: [string, string | RegExp][] = [
      ['{"name": ', /Malformed JSON/],
      ['[1,2]', /JSON object/],
      ['{"name": {"nested": true}}', /'name'/],
      ['{"name": "ok", "tags": "notalist"}', /'tags/],
      ['{"name": "ok", "tags": [{"key": 5, "value": [1]}]}', /'tags\.0\.value'/],
    ];
    for (const [body, message] of cases) {
      const res = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', body);
      expect(res.status, body).toBe(400);
      expect(res.body.message, body).toMatch(message);
    }
    const huge = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify({ name: 'x'.repeat(17 * 1024 * 1024) }));
    expect(huge).toMatchObject({ status: 413, body: { error_code: 'RESOURCE_LIMIT_EXCEEDED', message: expect.stringContaining('too large') } });
    const deep = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', `{"name":"deep","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(deep.status).toBeLessThan(500);
  });

  it('decodes a JSON string holding JSON, numeric ids and ignores unknown fields', async () => {
    const res = await loupe.call('POST', '/api/2.0/mlflow/experiments/create', JSON.stringify(JSON.stringify({ name: 'twice', unknown_field: 1 })));
    expect(res).toMatchObject({ status: 200, body: { experiment_id: '1' } });
    const numeric = await loupe.call('POST', '/api/2.0/mlflow/experiments/delete', { experiment_id: 1 });
    expect(numeric.status).toBe(200);
  });
});
