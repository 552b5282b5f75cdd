import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLoupe, type TestLoupe } from '../testing/test-loupe.js';
import { describeValue } from './request-decoding.js';

describe('describeValue', () => {
  it('writes small values as JSON', () => {
    expect(describeValue([[1, 'a'], { k: null }])).toBe('[[1,"a"],{"k":null}]');
    expect(describeValue(true)).toBe('true');
  });

  it('cuts long values at 200 characters', () => {
    expect(describeValue('x'.repeat(1000))).toBe(`"${'x'.repeat(199)}...`);
    const text = describeValue(Array.from({ length: 100_000 }, (_, i) => i));
    expect(text).toHaveLength(203);
    expect(text.startsWith('[0,1,2,')).toBe(true);
  });

  it('stops 8 levels down, so a value nested 100,000 deep cannot overflow the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeValue(deep)).toBe(`${'['.repeat(8)}[...]${']'.repeat(8)}`);
  });
});

describe('hostile JSON bodies', () => {
  let loupe: TestLoupe;
  beforeAll(async () => {
    loupe = await createTestLoupe();
  });
  afterAll(async () => {
    await loupe.dispose();
  });

  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  it.each([
    ['/api/2.0/mlflow/experiments/create', `{"name": ${deep}}`, 'name'],
    ['/api/2.0/mlflow/runs/log-batch', `{"run_id": "r", "metrics": ${deep}}`, 'metrics'],
    ['/api/2.0/mlflow/runs/search', `{"experiment_ids": ["0"], "filter": ${deep}}`, 'filter'],
  ])('answer 400 naming the field when a field holds JSON nested 10,000 deep (%s)', async (url, body, field) => {
    const res = await loupe.app.request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error_code: string; message: string };
    expect(json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(json.message).toContain(`'${field}`);
  });
});
