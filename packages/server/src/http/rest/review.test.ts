import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../../testing/test-loupe.js';

const API = '/api/3.0/mlflow';
const AJAX = '/ajax-api/3.0/mlflow';
const PASS_FAIL = { pass_fail: { positive_label: 'Yes', negative_label: 'No' } };

describe('label schemas and review queues REST', () => {
  let loupe: TestLoupe;
  let exp: string;
  beforeEach(async () => {
    loupe = await createTestLoupe();
    exp = (await loupe.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'review' })).body.experiment_id as string;
  });
  afterEach(async () => {
    await loupe.dispose();
  });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(200);
    return res.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const fails = async (method: string, url: string, body: unknown, status: number, code: string, message?: RegExp) => {
    const res = await loupe.call(method, url, body);
    expect(res.status, `${method} ${url}: ${res.text}`).toBe(status);
    expect(res.body.error_code).toBe(code);
    if (message) expect(res.body.message).toMatch(message);
  };
  const schema = (name: string, extra: Record<string, unknown> = {}) =>
    ok('POST', `${API}/label-schemas/create`, { experiment_id: exp, name, type: 'FEEDBACK', input: PASS_FAIL, ...extra });

  it('creates, reads, lists, updates and deletes a label schema as MLflow answers', async () => {
    const now = loupe.clock.now();
    const created = (await schema('correct', { instruction: 'Is it right?', enable_comment: true })).label_schema;
    expect(created).toEqual({
      schema_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      experiment_id: exp,
      name: 'correct',
      type: 'FEEDBACK',
      instruction: 'Is it right?',
      enable_comment: true,
      input: PASS_FAIL,
      created_at: now,
      last_updated_at: now,
    });
    expect((await ok('GET', `${AJAX}/label-schemas/get?schema_id=${created.schema_id}`)).label_schema).toEqual(created);
    expect((await ok('GET', `${API}/label-schemas/get-by-name?experiment_id=${exp}&name=correct`)).label_schema).toEqual(created);
    loupe.clock.advance(5);
    const updated = (
      await ok('PATCH', `${API}/label-schemas/update`, { schema_id: created.schema_id, name: 'accuracy', input: { numeric: { min_value: 1, max_value: 5 } } })
    ).label_schema;
    expect(updated).toMatchObject({ name: 'accuracy', type: 'FEEDBACK', input: { numeric: { min_value: 1, max_value: 5 } }, last_updated_at: now + 5 });
    // The type is immutable: repeating it is fine, changing it is refused.
    await ok('PATCH', `${API}/label-schemas/update`, { schema_id: created.schema_id, type: 'FEEDBACK' });
    await fails('PATCH', `${API}/label-schemas/update`, { schema_id: created.schema_id, type: 'EXPECTATION' }, 400, 'INVALID_PARAMETER_VALUE', /immutable/);
    expect(await ok('GET', `${API}/label-schemas/list?experiment_id=${exp}`)).toEqual({ label_schemas: [updated] });
    expect(await ok('DELETE', `${API}/label-schemas/delete`, { schema_id: created.schema_id })).toEqual({});
    // Deleting again is a no-op; reading it is 404.
    expect(await ok('DELETE', `${API}/label-schemas/delete`, { schema_id: created.schema_id })).toEqual({});
    await fails('GET', `${API}/label-schemas/get?schema_id=${created.schema_id}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await ok('GET', `${API}/label-schemas/list?experiment_id=${exp}`)).toEqual({});
  });

  it('stores each input type and pages the list', async () => {
    const inputs = [
      PASS_FAIL,
      { numeric: { min_value: 0, max_value: 10 } },
      { categorical: { options: ['good', 'bad'], multi_select: true } },
      { text: { max_length: 500 } },
      { text: {} },
    ];
    for (const [i, input] of inputs.entries()) await schema(`q${i}`, { input, type: i % 2 ? 'EXPECTATION' : 'FEEDBACK' });
    const first = await ok('GET', `${API}/label-schemas/list?experiment_id=${exp}&max_results=3`);
    expect(first.label_schemas.map((s: { input: unknown }) => s.input)).toEqual(inputs.slice(0, 3));
    const second = await ok('GET', `${API}/label-schemas/list?experiment_id=${exp}&max_results=3&page_token=${encodeURIComponent(first.next_page_token)}`);
    expect(second.label_schemas.map((s: { input: unknown }) => s.input)).toEqual(inputs.slice(3));
    expect(second.next_page_token).toBeUndefined();
  });

  it('refuses bad label schemas, naming the field', async () => {
    const create = (body: Record<string, unknown>) =>
      loupe.call('POST', `${API}/label-schemas/create`, { experiment_id: exp, name: 'q', type: 'FEEDBACK', input: PASS_FAIL, ...body });
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ name: '' }, /Missing value for required parameter 'name'/],
      [{ name: 'x'.repeat(251) }, /`name` must be at most 250 characters/],
      [{ type: 'SCORE' }, /parameter 'type'/],
      [{ type: 0 }, /parameter 'type'/],
      [{ type: undefined }, /Missing value for required parameter 'type'/],
      [{ input: undefined }, /Missing value for required parameter 'input'/],
      [{ input: {} }, /`input` must set exactly one of pass_fail, categorical, numeric, text; got none/],
      [{ input: { ...PASS_FAIL, text: {} } }, /exactly one of .*; got pass_fail, text/],
      [{ input: { pass_fail: { positive_label: 'Y', negative_label: 'Y' } } }, /must be distinct/],
      [{ input: { pass_fail: { positive_label: 'Y' } } }, /`InputPassFail.negative_label` must be a non-empty string/],
      [{ input: { categorical: { options: [] } } }, /`InputCategorical.options` must be a non-empty list/],
      [{ input: { categorical: { options: ['a', 'a'] } } }, /must be deduplicated; 'a' appears twice/],
      [{ input: { categorical: { options: Array.from({ length: 11 }, (_, i) => `o${i}`) } } }, /at most 10 entries; got 11/],
      [{ input: { categorical: { options: ['x'.repeat(65)] } } }, /at most 64 characters/],
      [{ input: { numeric: { min_value: 5, max_value: 5 } } }, /`InputNumeric.min_value` must be strictly less than `max_value`/],
      [{ input: { text: { max_length: 0 } } }, /`InputText.max_length` must be at least 1/],
      [{ instruction: 'x'.repeat(1001) }, /`instruction` must be at most 1000 characters/],
    ];
    for (const [body, message] of bad) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body, JSON.stringify(body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    }
    await schema('q');
    await fails(
      'POST',
      `${API}/label-schemas/create`,
      { experiment_id: exp, name: 'q', type: 'EXPECTATION', input: { text: {} } },
      400,
      'RESOURCE_ALREADY_EXISTS',
    );
    await fails('POST', `${API}/label-schemas/create`, { experiment_id: '999', name: 'q', type: 'FEEDBACK', input: PASS_FAIL }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('GET', `${API}/label-schemas/get-by-name?experiment_id=${exp}&name=nope`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('PATCH', `${API}/label-schemas/update`, { schema_id: 'nope', name: 'x' }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('GET', `${API}/label-schemas/list?experiment_id=${exp}&max_results=0`, undefined, 400, 'INVALID_PARAMETER_VALUE', /max_results/);
  });

  it('runs a review queue: users, schemas, items, status and progress', async () => {
    const correct = (await schema('correct')).label_schema.schema_id as string;
    const now = loupe.clock.now();
    const queue = (
      await ok('POST', `${API}/review-queues/create`, {
        experiment_id: exp,
        name: ' Launch review ',
        queue_type: 'CUSTOM',
        users: ['Alice@x.com ', 'bob@x.com', 'alice@x.com'],
        schema_ids: [correct],
      })
    ).review_queue;
    expect(queue).toEqual({
      queue_id: expect.stringMatching(/^rq-[0-9a-f]{32}$/),
      experiment_id: exp,
      name: 'Launch review',
      queue_type: 'CUSTOM',
      creation_time_ms: now,
      last_update_time_ms: now,
      users: ['alice@x.com', 'bob@x.com'],
      schema_ids: [correct],
    });
    expect((await ok('GET', `${API}/review-queues/get-by-name?experiment_id=${exp}&name=launch%20REVIEW`)).review_queue).toEqual(queue);
    const added = await ok('POST', `${API}/review-queues/items/add`, { queue_id: queue.queue_id, item_ids: ['tr-1', 'tr-2', 'tr-1'] });
    expect(added.items.map((i: { item_id: string; status: string }) => [i.item_id, i.status, i])).toEqual([
      ['tr-1', 'PENDING', expect.objectContaining({ item_type: 'TRACE', queue_id: queue.queue_id })],
      ['tr-2', 'PENDING', expect.anything()],
    ]);
    loupe.clock.advance(10);
    const done = (
      await ok('POST', `${API}/review-queues/items/set-status`, { queue_id: queue.queue_id, item_id: 'tr-1', status: 'COMPLETE', completed_by: 'Bob@x.com' })
    ).item;
    expect(done).toMatchObject({ status: 'COMPLETE', completed_by: 'bob@x.com', completed_time_ms: now + 10, last_update_time_ms: now + 10 });
    // Re-attaching keeps the status; newest attached first.
    await ok('POST', `${API}/review-queues/items/add`, { queue_id: queue.queue_id, item_ids: ['tr-3', 'tr-1'] });
    const items = await ok('GET', `${API}/review-queues/items/list?queue_id=${queue.queue_id}`);
    expect(items.items.map((i: { item_id: string; status: string }) => `${i.item_id}:${i.status}`)).toEqual(['tr-3:PENDING', 'tr-1:COMPLETE', 'tr-2:PENDING']);
    expect((await ok('GET', `${API}/review-queues/items/list?queue_id=${queue.queue_id}&status=COMPLETE`)).items).toEqual([done]);
    expect(await ok('GET', `/api/3.0/loupe/review-queues/progress?queue_ids=${queue.queue_id}`)).toEqual({
      progress: [{ queue_id: queue.queue_id, total: 3, pending: 2, complete: 1, declined: 0 }],
    });
    // Reopen clears who completed it.
    const reopened = (await ok('POST', `${API}/review-queues/items/set-status`, { queue_id: queue.queue_id, item_id: 'tr-1', status: 'PENDING' })).item;
    expect(reopened.completed_by).toBeUndefined();
    expect(reopened.completed_time_ms).toBeUndefined();
    await ok('POST', `${API}/review-queues/items/remove`, { queue_id: queue.queue_id, item_ids: ['tr-2', 'tr-9'] });
    const updated = (
      await ok('POST', `${API}/review-queues/update`, { queue_id: queue.queue_id, update_users: true, users: ['carol@x.com'], schema_ids: ['ignored'] })
    ).review_queue;
    expect(updated).toMatchObject({ users: ['carol@x.com'], schema_ids: [correct] });
    expect((await ok('GET', `${API}/review-queues/list?experiment_id=${exp}&user=CAROL@x.com`)).review_queues).toHaveLength(1);
    expect(await ok('GET', `${API}/review-queues/list?experiment_id=${exp}&user=bob@x.com`)).toEqual({});
    // Deleting a schema detaches it from the queue.
    await ok('DELETE', `${API}/label-schemas/delete`, { schema_id: correct });
    expect((await ok('GET', `${API}/review-queues/get?queue_id=${queue.queue_id}`)).review_queue.schema_ids).toBeUndefined();
    expect(await ok('POST', `${API}/review-queues/delete`, { queue_id: queue.queue_id })).toEqual({});
    expect(await ok('POST', `${API}/review-queues/delete`, { queue_id: queue.queue_id })).toEqual({});
    await fails('GET', `${API}/review-queues/items/list?queue_id=${queue.queue_id}`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('gets or creates a user queue once, and refuses what MLflow refuses', async () => {
    const a = (await ok('POST', `${API}/review-queues/get-or-create-user`, { experiment_id: exp, user: 'Alice@X.com' })).review_queue;
    expect(a).toMatchObject({ name: 'alice@x.com', queue_type: 'USER', users: ['alice@x.com'] });
    expect((await ok('POST', `${API}/review-queues/get-or-create-user`, { experiment_id: exp, user: ' alice@x.com' })).review_queue).toEqual(a);
    const q = (extra: Record<string, unknown>) => ({ experiment_id: exp, name: 'team', queue_type: 'CUSTOM', ...extra });
    await fails('POST', `${API}/review-queues/create`, q({ name: 'Default' }), 400, 'INVALID_PARAMETER_VALUE', /reserved queue name/);
    await fails(
      'POST',
      `${API}/review-queues/create`,
      q({ queue_type: 'USER', name: 'bob', users: ['carol'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /exactly one assigned user/,
    );
    await fails(
      'POST',
      `${API}/review-queues/create`,
      q({ queue_type: 'USER', name: 'bob', schema_ids: ['s'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      /explicitly-attached/,
    );
    await fails('POST', `${API}/review-queues/create`, q({ queue_type: 'QUEUE' }), 400, 'INVALID_PARAMETER_VALUE', /queue_type/);
    await fails(
      'POST',
      `${API}/review-queues/create`,
      q({ users: Array.from({ length: 11 }, (_, i) => `u${i}`) }),
      400,
      'INVALID_PARAMETER_VALUE',
      /at most 10/,
    );
    await fails('POST', `${API}/review-queues/create`, q({ schema_ids: ['nope'] }), 404, 'RESOURCE_DOES_NOT_EXIST', /'nope'/);
    await fails('POST', `${API}/review-queues/create`, q({ name: 'ALICE@x.com' }), 400, 'RESOURCE_ALREADY_EXISTS');
    await fails('POST', `${API}/review-queues/create`, q({ experiment_id: '999' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('POST', `${API}/review-queues/update`, { queue_id: a.queue_id, update_users: true, users: [] }, 400, 'INVALID_PARAMETER_VALUE', /user queue/);
    await fails('GET', `${API}/review-queues/get?queue_id=rq-nope`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('POST', `${API}/review-queues/items/add`, { queue_id: 'rq-nope', item_ids: ['tr-1'] }, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails(
      'POST',
      `${API}/review-queues/items/add`,
      { queue_id: a.queue_id, item_ids: [] },
      400,
      'INVALID_PARAMETER_VALUE',
      /`item_ids` must be a non-empty list/,
    );
    await fails(
      'POST',
      `${API}/review-queues/items/add`,
      { queue_id: a.queue_id, item_ids: ['x'.repeat(51)] },
      400,
      'INVALID_PARAMETER_VALUE',
      /`item_id` must be at most 50/,
    );
    await ok('POST', `${API}/review-queues/items/add`, { queue_id: a.queue_id, item_ids: ['tr-1'] });
    const status = (body: Record<string, unknown>) => ({ queue_id: a.queue_id, item_id: 'tr-1', ...body });
    await fails('POST', `${API}/review-queues/items/set-status`, status({ status: 'COMPLETE' }), 400, 'INVALID_PARAMETER_VALUE', /`completed_by` is required/);
    await fails(
      'POST',
      `${API}/review-queues/items/set-status`,
      status({ status: 'PENDING', completed_by: 'a' }),
      400,
      'INVALID_PARAMETER_VALUE',
      /must be absent/,
    );
    await fails('POST', `${API}/review-queues/items/set-status`, status({ status: 'REVIEW_STATUS_UNSPECIFIED' }), 400, 'INVALID_PARAMETER_VALUE', /'status'/);
    await fails(
      'POST',
      `${API}/review-queues/items/set-status`,
      status({ item_id: 'tr-2', status: 'DECLINED', completed_by: 'a' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    await fails('GET', `/api/3.0/loupe/review-queues/progress?queue_ids=rq-nope`, undefined, 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('GET', `/api/3.0/loupe/review-queues/progress`, undefined, 400, 'INVALID_PARAMETER_VALUE', /queue_ids/);
  });
});
