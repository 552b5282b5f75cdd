import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/3.0/mlflow';
const AJAX = '/ajax-api/3.0/mlflow';

type Row = Record<string, unknown>;

describe('evaluation datasets REST', () => {
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
  const dataset = async (method: string, url: string, body?: unknown) => (await ok(method, url, body)).dataset as Row;
  const create = async (body: Row) => (await ok('POST', `${API}/datasets/create`, body)).dataset as Row & { dataset_id: string };
  const records = async (id: string, query = '') => JSON.parse((await ok('GET', `${API}/datasets/${id}/records${query}`)).records as string) as Row[];
  const refused = async (method: string, url: string, body: unknown, status: number, code: string, message?: RegExp) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, res.text).toBe(status);
    expect(res.body.error_code).toBe(code);
    if (message) expect(res.body.message).toMatch(message);
  };

  it('creates a dataset with JSON-string tags, the creator from mlflow.user, and reads it under /ajax-api too', async () => {
    const now = loupe.clock.now();
    const d = await create({ name: 'qa', experiment_ids: ['0'], tags: JSON.stringify({ team: 'search', 'mlflow.user': 'alice', n: 3, off: null }) });
    expect(d.dataset_id).toMatch(/^d-[0-9a-f]{32}$/);
    expect(d).toMatchObject({ name: 'qa', created_time: now, last_update_time: now, created_by: 'alice', last_updated_by: 'alice', experiment_ids: ['0'] });
    expect(JSON.parse(d.tags as string)).toEqual({ team: 'search', 'mlflow.user': 'alice', n: '3' });
    expect((d.digest as string).length).toBe(8);
    expect((await ok('GET', `${AJAX}/datasets/${d.dataset_id}`)).dataset).toEqual(d);
    // Names need not be unique (MLflow has no such constraint).
    expect((await create({ name: 'qa' })).dataset_id).not.toBe(d.dataset_id);
  });

  it('merges records by inputs: outputs replaced, expectations and tags shallow-merged, updater from mlflow.user', async () => {
    const d = await create({ name: 'merge' });
    const first = [
      { inputs: { q: 'a', k: 1 }, expectations: { answer: 'A', facts: ['x'] }, tags: { 'mlflow.user': 'alice' } },
      { inputs: { q: 'b' }, outputs: 'B0' },
    ];
    expect(await ok('POST', `${API}/datasets/${d.dataset_id}/records`, { records: JSON.stringify(first) })).toEqual({ inserted_count: 2, updated_count: 0 });
    loupe.clock.advance(5);
    const second = [
      { inputs: { k: 1, q: 'a' }, expectations: { answer: 'A2', extra: true }, tags: { 'mlflow.user': 'bob', split: 'dev' } },
      { inputs: { q: 'b' }, outputs: { text: 'B1' } },
      { inputs: { q: 'c' }, source: { source_type: 'trace', source_data: { trace_id: 'tr-1' } } },
    ];
    expect(await ok('POST', `${API}/datasets/${d.dataset_id}/records`, { records: JSON.stringify(second) })).toEqual({ inserted_count: 1, updated_count: 2 });
    const rows = await records(d.dataset_id);
    expect(rows.map((r) => r.inputs)).toEqual([{ q: 'a', k: 1 }, { q: 'b' }, { q: 'c' }]);
    expect(rows[0]).toMatchObject({
      expectations: { answer: 'A2', facts: ['x'], extra: true },
      tags: { 'mlflow.user': 'bob', split: 'dev' },
      created_by: 'alice',
      last_updated_by: 'bob',
      outputs: {},
    });
    expect(rows[1]).toMatchObject({ outputs: { text: 'B1' }, tags: {} });
    expect(rows[2]).toMatchObject({ source: { source_type: 'TRACE', source_data: { trace_id: 'tr-1' } }, source_id: 'tr-1', source_type: 'TRACE' });
    const after = (await ok('GET', `${API}/datasets/${d.dataset_id}`)).dataset as Row;
    expect(JSON.parse(after.profile as string)).toEqual({ num_records: 3 });
    expect(JSON.parse(after.schema as string)).toMatchObject({ inputs: { q: 'string', k: 'integer' }, expectations: { answer: 'string', extra: 'boolean' } });
    expect(after.last_updated_by).toBe('bob');
    // A batch that names no user clears the dataset's updater (MLflow).
    await ok('POST', `${API}/datasets/${d.dataset_id}/records`, { records: '[{"inputs": {"q": "d"}}]' });
    expect(((await ok('GET', `${API}/datasets/${d.dataset_id}`)).dataset as Row).last_updated_by).toBeUndefined();
  });

  it('pages records and deletes some of them', async () => {
    const d = await create({ name: 'pages' });
    const batch = Array.from({ length: 5 }, (_, i) => ({ inputs: { i } }));
    await ok('POST', `${API}/datasets/${d.dataset_id}/records`, { records: JSON.stringify(batch) });
    const page1 = await ok('GET', `${API}/datasets/${d.dataset_id}/records?max_results=2`);
    expect(JSON.parse(page1.records as string)).toHaveLength(2);
    const page3 = await ok('GET', `${API}/datasets/${d.dataset_id}/records?max_results=4&page_token=${encodeURIComponent(page1.next_page_token as string)}`);
    expect(JSON.parse(page3.records as string)).toHaveLength(3);
    expect(page3.next_page_token).toBeUndefined();
    const ids = (await records(d.dataset_id)).slice(0, 2).map((r) => r.dataset_record_id);
    expect(await ok('DELETE', `${API}/datasets/${d.dataset_id}/records`, { dataset_record_ids: [...ids, 'dr-nope'] })).toEqual({ deleted_count: 2 });
    expect(await records(d.dataset_id)).toHaveLength(3);
    expect(await ok('GET', `${API}/datasets/${(await create({ name: 'empty' })).dataset_id}/records`)).toEqual({ records: '[]' });
  });

  it('sets and deletes tags, links experiments, and deletes the dataset with its records', async () => {
    const exp = (await ok('POST', '/api/2.0/mlflow/experiments/create', { name: 'e' })).experiment_id as string;
    const d = await create({ name: 'tags', tags: '{"a": "1"}' });
    expect(await ok('PATCH', `${API}/datasets/${d.dataset_id}/tags`, { tags: JSON.stringify({ b: '2', a: 'one', gone: null }) })).toEqual({});
    expect(JSON.parse((await dataset('GET', `${API}/datasets/${d.dataset_id}`)).tags as string)).toEqual({ a: 'one', b: '2' });
    await ok('DELETE', `${API}/datasets/${d.dataset_id}/tags/a`);
    await ok('DELETE', `${API}/datasets/${d.dataset_id}/tags/a`);
    expect(JSON.parse((await dataset('GET', `${API}/datasets/${d.dataset_id}`)).tags as string)).toEqual({ b: '2' });
    expect((await dataset('POST', `${API}/datasets/${d.dataset_id}/add-experiments`, { experiment_ids: [exp, '0'] })).experiment_ids).toEqual(['0', exp]);
    expect(await ok('GET', `${API}/datasets/${d.dataset_id}/experiment-ids`)).toEqual({ experiment_ids: ['0', exp] });
    await refused(
      'POST',
      `${API}/datasets/${d.dataset_id}/add-experiments`,
      { experiment_ids: ['424242'] },
      404,
      'RESOURCE_DOES_NOT_EXIST',
      /Experiment '424242' not found/,
    );
    expect((await dataset('POST', `${API}/datasets/${d.dataset_id}/remove-experiments`, { experiment_ids: ['0', '77'] })).experiment_ids).toEqual([exp]);
    await ok('POST', `${API}/datasets/${d.dataset_id}/records`, { records: '[{"inputs": {"q": 1}}]' });
    await ok('DELETE', `${API}/datasets/${d.dataset_id}`);
    await refused('GET', `${API}/datasets/${d.dataset_id}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await loupe.db.selectFrom('evaluation_dataset_records').selectAll().execute()).toEqual([]);
    // Deleting again is not an error (MLflow only logs a warning).
    await ok('DELETE', `${API}/datasets/${d.dataset_id}`);
  });

  it('searches by filter, experiment and order, POST and GET, with page tokens', async () => {
    await create({ name: 'qa_one', experiment_ids: ['1'], tags: '{"env": "prod", "mlflow.user": "alice"}' });
    loupe.clock.advance(1);
    await create({ name: 'qa_two', experiment_ids: ['2'], tags: '{"env": "dev"}' });
    loupe.clock.advance(1);
    await create({ name: 'other', experiment_ids: ['1', '2'], tags: '{"env": "prod"}' });
    const names = (body: Row) => ((body.datasets ?? []) as Row[]).map((d) => d.name);
    expect(names(await ok('POST', `${API}/datasets/search`, {}))).toEqual(['other', 'qa_two', 'qa_one']);
    expect(names(await ok('POST', `${API}/datasets/search`, { filter_string: "name LIKE 'qa_%' AND tags.env = 'prod'" }))).toEqual(['qa_one']);
    expect(names(await ok('POST', `${API}/datasets/search`, { experiment_ids: ['2'], order_by: ['name ASC'] }))).toEqual(['other', 'qa_two']);
    expect(names(await ok('GET', `${API}/datasets/search?filter_string=${encodeURIComponent("created_by = 'alice'")}`))).toEqual(['qa_one']);
    const first = await ok('POST', `${API}/datasets/search`, { max_results: 2, order_by: ['created_time ASC'] });
    expect(names(first)).toEqual(['qa_one', 'qa_two']);
    expect(names(await ok('POST', `${API}/datasets/search`, { max_results: 2, order_by: ['created_time ASC'], page_token: first.next_page_token }))).toEqual([
      'other',
    ]);
  });

  it('refuses bad input with MLflow error codes, naming the field and the record', async () => {
    await refused('POST', `${API}/datasets/create`, {}, 400, 'INVALID_PARAMETER_VALUE', /name/);
    await refused('POST', `${API}/datasets/create`, { name: 'x'.repeat(256) }, 400, 'INVALID_PARAMETER_VALUE', /'name' exceeds the maximum length of 255/);
    await refused('POST', `${API}/datasets/create`, { name: 'n', tags: '{"a": ' }, 400, 'INVALID_PARAMETER_VALUE', /'tags': not valid JSON/);
    await refused('POST', `${API}/datasets/create`, { name: 'n', tags: '["a"]' }, 400, 'INVALID_PARAMETER_VALUE', /'tags'/);
    await refused('POST', `${API}/datasets/create`, { name: 'n', tags: JSON.stringify({ a: 'v'.repeat(5001) }) }, 400, 'INVALID_PARAMETER_VALUE', /5000/);
    const d = await create({ name: 'bad' });
    const url = `${API}/datasets/${d.dataset_id}/records`;
    await refused('POST', url, {}, 400, 'INVALID_PARAMETER_VALUE', /records/);
    await refused('POST', url, { records: 'nope' }, 400, 'INVALID_PARAMETER_VALUE', /'records': not valid JSON/);
    await refused('POST', url, { records: '{"inputs": {}}' }, 400, 'INVALID_PARAMETER_VALUE', /JSON list/);
    await refused('POST', url, { records: '[{"inputs": {"a": 1}}, 3]' }, 400, 'INVALID_PARAMETER_VALUE', /record 1 is not a JSON object/);
    await refused(
      'POST',
      url,
      { records: '[{"inputs": {"a": 1}}, {"inputs": {}}]' },
      400,
      'INVALID_PARAMETER_VALUE',
      /record 1 needs a non-empty 'inputs' object/,
    );
    await refused('POST', url, { records: '[{"expectations": {"a": 1}}]' }, 400, 'INVALID_PARAMETER_VALUE', /record 0 needs a non-empty 'inputs'/);
    await refused('POST', url, { records: '[{"inputs": {"a": 1}, "expectations": [1]}]' }, 400, 'INVALID_PARAMETER_VALUE', /record 0: 'expectations'/);
    await refused(
      'POST',
      url,
      { records: '[{"inputs": {"a": 1}, "source": {"source_type": "EMAIL"}}]' },
      400,
      'INVALID_PARAMETER_VALUE',
      /Invalid dataset record source type: EMAIL/,
    );
    await refused('PATCH', `${API}/datasets/${d.dataset_id}/tags`, {}, 400, 'INVALID_PARAMETER_VALUE', /tags/);
    await refused('POST', `${API}/datasets/search`, { filter_string: "schema = 'x'" }, 400, 'INVALID_PARAMETER_VALUE');
    await refused('POST', `${API}/datasets/search`, { order_by: ['tags.env'] }, 400, 'INVALID_PARAMETER_VALUE');
    await refused('POST', `${API}/datasets/search`, { filter_string: 'created_time > abc' }, 400, 'INVALID_PARAMETER_VALUE');
    const missing = 'd-00000000000000000000000000000000';
    await refused('GET', `${API}/datasets/${missing}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST', /not found/);
    await refused('POST', `${API}/datasets/${missing}/records`, { records: '[{"inputs": {"a": 1}}]' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await refused('GET', `${API}/datasets/${missing}/records`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await refused('PATCH', `${API}/datasets/${missing}/tags`, { tags: '{"a": "b"}' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await refused('GET', `${API}/datasets/${missing}/experiment-ids`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await refused('POST', `${API}/datasets/${missing}/add-experiments`, { experiment_ids: ['0'] }, 404, 'RESOURCE_DOES_NOT_EXIST');
    // Nothing of a refused batch is stored.
    expect(await records(d.dataset_id)).toEqual([]);
  });
});
